#!/usr/bin/env python3
"""Writes carrete.postman_collection.json (Postman Collection v2.1).

The collection is generated so that ~130 requests can share one set of
helpers and stay readable; edit this file, then run

    python3 tests/postman/build-collection.py

and commit both.  run-newman.sh fails when the JSON is out of date.
(`--check` compares instead of writing.)

Every request's scripts may use the global `C` defined by the collection's
pre-request and test scripts (Postman and newman run the collection's
scripts and the request's scripts in one context): C.status, C.json,
C.problem, C.unauthorized, C.set/C.get (collection variables) and so on.
"""
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE / "carrete.postman_collection.json"
FIXTURES = "tests/postman/fixtures"  # relative to newman's --working-dir (the repo root)

# ---- scripts run around every request ----------------------------------------------

HELPERS = r"""
// Helpers for the scripts of every request: a global on purpose.  Variables
// set through a script's `pm` only stick while that script runs, so every
// request script starts with `C.pm = pm;` and the helpers use C.pm.
C = {
  pm: pm,
  get: (name) => C.pm.collectionVariables.get(name),
  set: (name, value) => C.pm.collectionVariables.set(name, value),
  body: () => { try { return C.pm.response.json(); } catch (e) { return {}; } },
  header: (name) => C.pm.response.headers.get(name) || '',
  status: (code) => C.pm.test(`status is ${code}`, () => C.pm.response.to.have.status(code)),
  // Asserts a JSON answer with this status and returns its body.
  json: (code) => {
    C.status(code);
    C.pm.test('Content-Type is application/json',
      () => C.pm.expect(C.header('Content-Type')).to.match(/^application\/json/));
    return C.body();
  },
  // Asserts an RFC 9457 problem of this status and type (urn:carrete:problem:SLUG),
  // naming `field` in errors[] when given; returns the body.
  problem: (code, slug, field) => {
    C.status(code);
    const body = C.body();
    C.pm.test(`problem+json of type ${slug}`, () => {
      C.pm.expect(C.header('Content-Type')).to.match(/^application\/problem\+json/);
      C.pm.expect(body.type).to.equal(`urn:carrete:problem:${slug}`);
    });
    if (field !== undefined) {
      C.pm.test(`errors[] names the field ${field}`,
        () => C.pm.expect((body.errors || []).map((e) => e.field)).to.include(field));
    }
    return body;
  },
  unauthorized: () => {
    const body = C.problem(401, 'unauthorized');
    C.pm.test('WWW-Authenticate asks for a Bearer token',
      () => C.pm.expect(C.header('WWW-Authenticate')).to.match(/^Bearer\b/));
    return body;
  },
  notFound: () => C.problem(404, 'not-found'),
  forbidden: () => C.problem(403, 'forbidden'),
  validation: (field) => C.problem(422, 'validation', field),
  noContent: () => {
    C.status(204);
    C.pm.test('no body', () => C.pm.expect(C.pm.response.text()).to.equal(''));
  },
  // The ids of a page, after checking its shape.
  page: (code) => {
    const body = C.json(code === undefined ? 200 : code);
    C.pm.test('a page: items[] and next_cursor', () => {
      C.pm.expect(body.items).to.be.an('array');
      C.pm.expect(body).to.have.property('next_cursor');
    });
    return body;
  },
  ids: (body) => (body.items || []).map((item) => item.id),
  // The same ids, in any order.
  sameIds: (title, body, names) => C.pm.test(title, () => C.pm.expect(C.ids(body).slice().sort())
    .to.deep.equal(names.map((n) => C.get(n)).sort())),
  idPattern: (prefix) => new RegExp(`^${prefix}_[0-9A-Za-z]{1,11}$`),
  time: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/,
  // The claims (or header) of a JWT.
  jwt: (token, part) => {
    const b64 = token.split('.')[part === undefined ? 1 : part].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(b64 + '='.repeat((4 - b64.length % 4) % 4)));
  },
  base64url: (text) => btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
};

"""

TAG_REQUEST = r"""
// Every request carries an X-Request-Id of ours unless it sets one itself,
// so that the collection's test can check the services echo it.
// One connection per request: when a service refuses an upload before
// reading its body (401, 403, 415), Node keeps that half-used keep-alive
// socket until the service's idle timeout, and newman would wait for it
// (over a minute) before exiting.
pm.request.headers.upsert({ key: 'Connection', value: 'close' });
if (!pm.request.headers.has('X-Request-Id')) {
  pm.request.headers.add({ key: 'X-Request-Id',
    value: `pm-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}` });
}
"""

EVERY_RESPONSE = r"""
// Checked on every answer of every service.
const sent = pm.request.headers.get('X-Request-Id') || '';
const returned = pm.response.headers.get('X-Request-Id') || '';
const valid = /^[A-Za-z0-9._-]{1,128}$/;
pm.test('X-Request-Id is returned (the caller\'s when valid)', () => {
  pm.expect(returned).to.match(valid);
  if (valid.test(sent)) pm.expect(returned).to.equal(sent);
});
if (/^application\/problem\+json/.test(pm.response.headers.get('Content-Type') || '')) {
  pm.test('problem document has status, title, detail and request_id', () => {
    const body = pm.response.json();
    pm.expect(body.status).to.equal(pm.response.code);
    pm.expect(body.title).to.be.a('string').and.not.equal('');
    pm.expect(body.detail).to.be.a('string').and.not.equal('');
    pm.expect(body.request_id).to.equal(returned);
  });
}
"""

# ---- requests ------------------------------------------------------------------------

TOKENS = {"a": "{{a_token}}", "b": "{{b_token}}"}


def script(kind, text):
    """A script of the collection itself."""
    return {"listen": kind, "script": {"type": "text/javascript", "exec": text.strip("\n").split("\n")}}


def req(name, method, url, test, *, token=None, body=None, file=None, ctype=None, form=None,
        headers=None, pre=None, description=None):
    """One request.  token: "a", "b" or a literal bearer value; body: raw JSON text
    (may hold {{variables}}); file: a fixture sent as the raw body with ctype;
    form: multipart parts [(key, value, is_file)]."""
    header = []
    if token is not None:
        header.append({"key": "Authorization", "value": f"Bearer {TOKENS.get(token, token)}"})
    request = {"method": method, "header": header, "url": url}
    if body is not None:
        header.append({"key": "Content-Type", "value": ctype or "application/json"})
        request["body"] = {"mode": "raw", "raw": body}
    elif file is not None:
        header.append({"key": "Content-Type", "value": ctype})
        request["body"] = {"mode": "file", "file": {"src": f"{FIXTURES}/{file}"}}
    elif form is not None:
        parts = []
        for key, value, is_file in form:
            if is_file:
                parts.append({"key": key, "type": "file", "src": f"{FIXTURES}/{value}"})
            else:
                parts.append({"key": key, "type": "text", "value": value})
        request["body"] = {"mode": "formdata", "formdata": parts}
    for key, value in (headers or {}).items():
        header.append({"key": key, "value": value})
    if description:
        request["description"] = description
    events = []
    if pre:
        events.append(script("prerequest", "C.pm = pm;\n" + pre))
    events.append(script("test", "C.pm = pm;\n" + test))
    return {"name": name, "event": events, "request": request}


def folder(name, description, items):
    return {"name": name, "description": description, "item": items}


U, F, P = "{{users_url}}", "{{folders_url}}", "{{photos_url}}"


def health():
    items = []
    for service, base in (("users", U), ("folders", F), ("photos", P)):
        items.append(req(f"{service}: readyz", "GET", f"{base}/readyz", r"""
const body = C.json(200);
pm.test('status is ready', () => pm.expect(body.status).to.equal('ready'));
"""))
        items.append(req(f"{service}: OpenAPI document", "GET", f"{base}/openapi.json", r"""
const body = C.json(200);
pm.test('OpenAPI 3.1 with /v1 paths', () => {
  pm.expect(body.openapi).to.match(/^3\.1\./);
  pm.expect(Object.keys(body.paths).some((p) => p.startsWith('/v1/'))).to.be.true;
});
"""))
    items.append(req("users: healthz", "GET", f"{U}/healthz", r"""
C.status(200);
pm.test('body is ok', () => pm.expect(pm.response.text().trim()).to.equal('ok'));
"""))
    items.append(req("folders: metrics count requests", "GET", f"{F}/metrics", r"""
C.status(200);
pm.test('Prometheus text with the request counter',
  () => pm.expect(pm.response.text()).to.include('carrete_http_requests_total'));
"""))
    items.append(req("photos: an invalid X-Request-Id is replaced", "GET", f"{P}/healthz", r"""
C.status(200);
pm.test('a generated id, not the invalid one', () => {
  pm.expect(C.header('X-Request-Id')).to.match(/^[A-Za-z0-9._-]{1,128}$/);
  pm.expect(C.header('X-Request-Id')).to.not.equal('not valid!');
});
""", headers={"X-Request-Id": "not valid!"}))
    return folder("00 Services are up", "Readiness, documents and request ids of the three services.",
                  items)


def accounts():
    register = r"""
// A fresh pair of users for every run (Postman keeps collection variables
// between runs, so these are always overwritten here).
const run = Date.now().toString(36) + Math.random().toString(36).slice(2, 6);
C.set('run', run);
C.set('a_name', `ana_${run}`);
C.set('b_name', `bob_${run}`);
C.set('password', `pw-${run}-correct horse`);
"""
    return folder("01 Accounts", "Registration, login, tokens and their refusal.", [
        req("Register Ana", "POST", f"{U}/v1/auth/register", r"""
const body = C.json(201);
pm.test('the new user, without any password', () => {
  pm.expect(body.id).to.match(C.idPattern('us'));
  pm.expect(body.username).to.equal(C.get('a_name'));
  pm.expect(body.email).to.equal(`${C.get('a_name')}@example.org`);
  pm.expect(body.role).to.equal('user');
  pm.expect(body.created_at).to.match(C.time);
  pm.expect(Object.keys(body).join(',')).to.not.match(/password|hash/);
});
pm.test('Location names the user', () => pm.expect(C.header('Location')).to.equal(`/v1/users/${body.id}`));
C.set('a_id', body.id);
""", pre=register, body='{"username": "{{a_name}}", "email": "{{a_name}}@example.org", "password": "{{password}}"}'),
        req("Register Ana again, in capitals: 409", "POST", f"{U}/v1/auth/register",
            "C.problem(409, 'conflict', 'username');",
            pre="C.set('a_name_upper', C.get('a_name').toUpperCase());",
            body='{"username": "{{a_name_upper}}", "email": "other-{{a_name}}@example.org", "password": "{{password}}"}'),
        req("Register another name with Ana's email: 409", "POST", f"{U}/v1/auth/register",
            "C.problem(409, 'conflict', 'email');",
            body='{"username": "x{{a_name}}", "email": "{{a_name}}@example.org", "password": "{{password}}"}'),
        req("Register with bad fields: 422 naming each", "POST", f"{U}/v1/auth/register", r"""
const body = C.validation('username');
pm.test('email and password are named too', () => {
  const fields = body.errors.map((e) => e.field);
  pm.expect(fields).to.include('email');
  pm.expect(fields).to.include('password');
});
""", body='{"username": "a!", "email": "not-an-email", "password": "short"}'),
        req("Register with broken JSON: 400", "POST", f"{U}/v1/auth/register",
            "C.problem(400, 'bad-request');", body='{"username": '),
        req("Register Bob", "POST", f"{U}/v1/auth/register", r"""
const body = C.json(201);
pm.test('a different user', () => {
  pm.expect(body.id).to.match(C.idPattern('us'));
  pm.expect(body.id).to.not.equal(C.get('a_id'));
});
C.set('b_id', body.id);
""", body='{"username": "{{b_name}}", "email": "{{b_name}}@example.org", "password": "{{password}}"}'),
        req("Log in Ana with a wrong password: 401", "POST", f"{U}/v1/auth/login", r"""
const body = C.problem(401, 'unauthorized');
C.set('login_refusal', body.detail);
""", body='{"username": "{{a_name}}", "password": "wrong password"}'),
        req("Log in an unknown user: the same 401", "POST", f"{U}/v1/auth/login", r"""
const body = C.problem(401, 'unauthorized');
pm.test('the same answer as a wrong password', () => pm.expect(body.detail).to.equal(C.get('login_refusal')));
""", body='{"username": "nobody_{{run}}", "password": "wrong password"}'),
        req("Log in Ana", "POST", f"{U}/v1/auth/login", r"""
const body = C.json(200);
pm.test('a Bearer token pair for Ana', () => {
  pm.expect(body.token_type).to.equal('Bearer');
  pm.expect(body.expires_in).to.equal(900);
  pm.expect(body.refresh_token).to.be.a('string').and.not.equal('');
  pm.expect(body.access_token.split('.')).to.have.lengthOf(3);
  pm.expect(body.user.id).to.equal(C.get('a_id'));
});
pm.test('ES256 access token with sub, iss, aud, role, jti and 15 minutes of life', () => {
  const header = C.jwt(body.access_token, 0);
  const claims = C.jwt(body.access_token);
  pm.expect(header.alg).to.equal('ES256');
  pm.expect(header.kid).to.be.a('string');
  pm.expect(claims.sub).to.equal(C.get('a_id'));
  pm.expect(claims.iss).to.equal('carrete');
  pm.expect(claims.aud).to.satisfy((aud) => aud === 'carrete' || (Array.isArray(aud) && aud.includes('carrete')));
  pm.expect(claims.role).to.equal('user');
  pm.expect(claims.jti).to.be.a('string');
  pm.expect(claims.exp - claims.iat).to.equal(900);
  C.set('kid', header.kid);
});
C.set('a_token', body.access_token);
C.set('a_refresh', body.refresh_token);
""", body='{"username": "{{a_name}}", "password": "{{password}}"}'),
        req("Log in Bob with his email", "POST", f"{U}/v1/auth/login", r"""
const body = C.json(200);
pm.test('Bob\'s tokens', () => pm.expect(body.user.id).to.equal(C.get('b_id')));
C.set('b_token', body.access_token);
C.set('b_refresh', body.refresh_token);
""", body='{"username": "{{b_name}}@example.org", "password": "{{password}}"}'),
        req("Me without a token: 401", "GET", f"{U}/v1/users/me", "C.unauthorized();"),
        req("Me with a forged signature: 401", "GET", f"{U}/v1/users/me", "C.unauthorized();",
            token="{{forged_token}}", pre=r"""
const [h, p, s] = C.get('a_token').split('.');
C.set('forged_token', `${h}.${p}.${(s[0] === 'A' ? 'B' : 'A') + s.slice(1)}`);
"""),
        req("Me with an alg=none token: 401", "GET", f"{U}/v1/users/me", "C.unauthorized();",
            token="{{none_token}}", pre=r"""
const payload = C.get('a_token').split('.')[1];
C.set('none_token', `${C.base64url('{"alg":"none","typ":"JWT"}')}.${payload}.`);
"""),
        req("Me as Ana", "GET", f"{U}/v1/users/me", r"""
const body = C.json(200);
pm.test('Ana\'s account', () => {
  pm.expect(body.id).to.equal(C.get('a_id'));
  pm.expect(body.username).to.equal(C.get('a_name'));
  pm.expect(body.email).to.equal(`${C.get('a_name')}@example.org`);
});
""", token="a"),
        req("Ana's public profile, seen by Bob", "GET", f"{U}/v1/users/{{{{a_id}}}}", r"""
const body = C.json(200);
pm.test('only id and username', () => pm.expect(body).to.deep.equal({ id: C.get('a_id'), username: C.get('a_name') }));
""", token="b"),
        req("A malformed user id: 404", "GET", f"{U}/v1/users/us_notanid", "C.notFound();", token="b"),
        req("A folder id where a user id goes: 404", "GET", f"{U}/v1/users/fo_4fR9kQ2bZxT",
            "C.notFound();", token="b"),
        req("The user list is for admins: 403", "GET", f"{U}/v1/users", "C.forbidden();", token="a"),
        req("Sign-out at an identity provider that is not configured: 404", "GET",
            f"{U}/v1/auth/oidc/logout?post_logout_redirect_uri=http%3A%2F%2F127.0.0.1%2Flogin",
            "C.notFound();"),
        req("JWKS publishes the signing key", "GET", f"{U}/.well-known/jwks.json", r"""
const body = C.json(200);
pm.test('an EC P-256 ES256 key with the kid of our tokens', () => {
  const key = body.keys.find((k) => k.kid === C.get('kid'));
  pm.expect(key).to.be.an('object');
  pm.expect(key.kty).to.equal('EC');
  pm.expect(key.crv).to.equal('P-256');
  pm.expect(key.alg).to.equal('ES256');
  pm.expect(key).to.not.have.property('d');
});
"""),
        req("Refresh Ana's tokens", "POST", f"{U}/v1/auth/refresh", r"""
const body = C.json(200);
pm.test('a new pair', () => {
  pm.expect(body.refresh_token).to.be.a('string').and.not.equal(C.get('a_refresh'));
  pm.expect(body.access_token).to.not.equal(C.get('a_token'));
  pm.expect(C.jwt(body.access_token).sub).to.equal(C.get('a_id'));
});
C.set('a_refresh_old', C.get('a_refresh'));
C.set('a_refresh', body.refresh_token);
C.set('a_token', body.access_token);
""", body='{"refresh_token": "{{a_refresh}}"}'),
        req("Refresh with the rotated token: 401", "POST", f"{U}/v1/auth/refresh",
            "C.problem(401, 'unauthorized');", body='{"refresh_token": "{{a_refresh_old}}"}'),
        req("Reuse revoked the family: the newest refresh token fails too", "POST",
            f"{U}/v1/auth/refresh", "C.problem(401, 'unauthorized');",
            body='{"refresh_token": "{{a_refresh}}"}'),
        req("Refresh without refresh_token: 422", "POST", f"{U}/v1/auth/refresh",
            "C.validation('refresh_token');", body='{}'),
        req("The refreshed access token works", "GET", f"{U}/v1/users/me", r"""
const body = C.json(200);
pm.test('still Ana', () => pm.expect(body.id).to.equal(C.get('a_id')));
""", token="a"),
        req("Log in Ana again (new token family)", "POST", f"{U}/v1/auth/login", r"""
const body = C.json(200);
C.set('a_token', body.access_token);
C.set('a_refresh', body.refresh_token);
""", body='{"username": "{{a_name}}", "password": "{{password}}"}'),
    ])


def folders():
    many = ", ".join(f'"t{i}"' for i in range(1, 22))
    twenty = ", ".join([f'"t{i}"' for i in range(1, 20)] + ['"T1"', '"' + "x" * 32 + '"'])
    return folder("02 Folders", "Creating folders, and every kind of bad input.", [
        req("Create Ana's public folder", "POST", f"{F}/v1/folders", r"""
const body = C.json(201);
pm.test('public, Ana\'s, tags trimmed, lower-cased, deduplicated', () => {
  pm.expect(body.id).to.match(C.idPattern('fo'));
  pm.expect(body.owner_id).to.equal(C.get('a_id'));
  pm.expect(body.name).to.equal(`Playa ${C.get('run')}`);
  pm.expect(body.visibility).to.equal('public');
  pm.expect(body.tags).to.deep.equal(['beach', 'family']);
  pm.expect(body.created_at).to.match(C.time);
  pm.expect(body.updated_at).to.equal(body.created_at);
});
pm.test('Location names the folder', () => pm.expect(C.header('Location')).to.equal(`/v1/folders/${body.id}`));
C.set('f_pub', body.id);
""", token="a", body='{"name": "Playa {{run}}", "visibility": "public", "tags": ["Beach", " Family ", "beach"]}'),
        req("Create Ana's private folder", "POST", f"{F}/v1/folders", r"""
const body = C.json(201);
pm.test('private with its tags', () => {
  pm.expect(body.visibility).to.equal('private');
  pm.expect(body.tags).to.deep.equal(['family', 'private-stuff']);
});
C.set('f_priv', body.id);
""", token="a", body='{"name": "Secreto {{run}}", "visibility": "private", "tags": ["Family", "Private-Stuff"]}'),
        req("Create a folder with only a name: private, no tags", "POST", f"{F}/v1/folders", r"""
const body = C.json(201);
pm.test('defaults', () => {
  pm.expect(body.visibility).to.equal('private');
  pm.expect(body.tags).to.deep.equal([]);
});
C.set('f_archive', body.id);
""", token="a", body='{"name": "Archivo {{run}}"}'),
        req("21 tags folding to 20 different, one of 32 characters: 201", "POST", f"{F}/v1/folders", r"""
const body = C.json(201);
pm.test('20 tags kept', () => {
  pm.expect(body.tags).to.have.lengthOf(20);
  pm.expect(body.tags).to.include('x'.repeat(32));
});
C.set('f_limit', body.id);
""", token="a", body='{"name": "Límite {{run}}", "tags": [' + twenty + ']}'),
        req("The same name in other capitals: 409", "POST", f"{F}/v1/folders",
            "C.problem(409, 'conflict', 'name');", token="a", body='{"name": "PLAYA {{run}}"}'),
        req("A tag of 33 characters: 422", "POST", f"{F}/v1/folders", "C.validation('tags[1]');",
            token="a", body='{"name": "Tags {{run}}", "tags": ["fine", "' + "y" * 33 + '"]}'),
        req("21 different tags: 422", "POST", f"{F}/v1/folders", "C.validation('tags');",
            token="a", body='{"name": "Tags {{run}}", "tags": [' + many + ']}'),
        req("Visibility secret: 422", "POST", f"{F}/v1/folders", "C.validation('visibility');",
            token="a", body='{"name": "Tags {{run}}", "visibility": "secret"}'),
        req("No name: 422", "POST", f"{F}/v1/folders", "C.validation('name');",
            token="a", body='{"visibility": "public"}'),
        req("A blank name: 422", "POST", f"{F}/v1/folders", "C.validation('name');",
            token="a", body='{"name": "   "}'),
        req("Tags that are not strings: 422", "POST", f"{F}/v1/folders", "C.validation('tags[0]');",
            token="a", body='{"name": "Tags {{run}}", "tags": [1, 2]}'),
        req("An unknown field: 422", "POST", f"{F}/v1/folders", "C.validation('color');",
            token="a", body='{"name": "Tags {{run}}", "color": "red"}'),
        req("Broken JSON: 400", "POST", f"{F}/v1/folders", "C.problem(400, 'bad-request');",
            token="a", body='{"name": "Tags'),
        req("No token: 401", "POST", f"{F}/v1/folders", "C.unauthorized();",
            body='{"name": "Tags {{run}}"}'),
        req("Read the public folder", "GET", f"{F}/v1/folders/{{{{f_pub}}}}", r"""
const body = C.json(200);
pm.test('the folder', () => {
  pm.expect(body.id).to.equal(C.get('f_pub'));
  pm.expect(body.tags).to.deep.equal(['beach', 'family']);
});
""", token="a"),
        req("A malformed folder id: 404", "GET", f"{F}/v1/folders/fo_nope", "C.notFound();", token="a"),
        req("A user id where a folder id goes: 404", "GET", f"{F}/v1/folders/{{{{a_id}}}}",
            "C.notFound();", token="a"),
        req("Retag the private folder", "PATCH", f"{F}/v1/folders/{{{{f_priv}}}}", r"""
const body = C.json(200);
pm.test('tags replaced, name kept, updated_at moved', () => {
  pm.expect(body.tags).to.deep.equal(['family', 'private-stuff', '2024']);
  pm.expect(body.name).to.equal(`Secreto ${C.get('run')}`);
  pm.expect(Date.parse(body.updated_at)).to.be.above(Date.parse(body.created_at));
});
""", token="a", body='{"tags": ["family", "private-stuff", "2024"]}'),
        req("An empty patch: 422", "PATCH", f"{F}/v1/folders/{{{{f_archive}}}}",
            "C.problem(422, 'validation');", token="a", body='{}'),
        req("Patching owner_id: 422", "PATCH", f"{F}/v1/folders/{{{{f_archive}}}}",
            "C.validation('owner_id');", token="a", body='{"owner_id": "{{b_id}}"}'),
        req("Renaming onto another folder's name: 409", "PATCH", f"{F}/v1/folders/{{{{f_archive}}}}",
            "C.problem(409, 'conflict', 'name');", token="a", body='{"name": "playa {{run}}"}'),
    ])


def folder_search():
    times = r"""
const now = Date.now();
C.set('t_from', new Date(now - 3600e3).toISOString());
C.set('t_to', new Date(now + 3600e3).toISOString());
C.set('t_future', new Date(now + 86400e3).toISOString());
"""
    mine = "{{folders_url}}/v1/folders"
    return folder("03 Folder search", "Search by name, tags, creation date, scope; paging.", [
        req("By name, any case", "GET", f"{mine}?q=PLAYA", r"""
C.sameIds('only the public folder', C.page(), ['f_pub']);
""", token="a", pre=times),
        req("By run: all four of Ana's", "GET", f"{mine}?q={{{{run}}}}", r"""
C.sameIds('four folders', C.page(), ['f_pub', 'f_priv', 'f_archive', 'f_limit']);
""", token="a"),
        req("Tag beach", "GET", f"{mine}?tags=beach", r"""
C.sameIds('the beach folder', C.page(), ['f_pub']);
""", token="a"),
        req("Tag in capitals", "GET", f"{mine}?tags=BEACH", r"""
C.sameIds('tags are compared lower-cased', C.page(), ['f_pub']);
""", token="a"),
        req("Tag family (both)", "GET", f"{mine}?tags=family", r"""
C.sameIds('both family folders', C.page(), ['f_pub', 'f_priv']);
""", token="a"),
        req("Tags beach and private-stuff, match all: none", "GET",
            f"{mine}?tags=beach,private-stuff&match=all", r"""
C.sameIds('no folder has both', C.page(), []);
""", token="a"),
        req("Tags beach or private-stuff, match any", "GET",
            f"{mine}?tags=beach,private-stuff&match=any", r"""
C.sameIds('either tag', C.page(), ['f_pub', 'f_priv']);
""", token="a"),
        req("Created within the last hour", "GET",
            f"{mine}?q={{{{run}}}}&from={{{{t_from}}}}&to={{{{t_to}}}}", r"""
C.sameIds('all four', C.page(), ['f_pub', 'f_priv', 'f_archive', 'f_limit']);
""", token="a"),
        req("Created from tomorrow on: none", "GET", f"{mine}?q={{{{run}}}}&from={{{{t_future}}}}", r"""
C.sameIds('none yet', C.page(), []);
""", token="a"),
        req("from after to: 422", "GET", f"{mine}?from={{{{t_future}}}}&to={{{{t_from}}}}",
            "C.validation('from');", token="a"),
        req("from is not a date: 422", "GET", f"{mine}?from=yesterday", "C.validation('from');", token="a"),
        req("Bob sees only Ana's public folder", "GET", f"{mine}?scope=public&q={{{{run}}}}", r"""
C.sameIds('the public one', C.page(), ['f_pub']);
""", token="b"),
        req("Anonymous search: public folders only", "GET", f"{mine}?q={{{{run}}}}", r"""
C.sameIds('the public one', C.page(), ['f_pub']);
"""),
        req("Anonymous scope=mine: 401", "GET", f"{mine}?scope=mine", "C.unauthorized();"),
        req("scope=everything: 422", "GET", f"{mine}?scope=everything", "C.validation('scope');", token="a"),
        req("match=some: 422", "GET", f"{mine}?tags=beach&match=some", "C.validation('match');", token="a"),
        req("limit=0: 422", "GET", f"{mine}?limit=0", "C.validation('limit');", token="a"),
        req("limit=201: 422", "GET", f"{mine}?limit=201", "C.validation('limit');", token="a"),
        req("Page 1 of 2", "GET", f"{mine}?q={{{{run}}}}&limit=2", r"""
const body = C.page();
pm.test('two items and a cursor', () => {
  pm.expect(body.items).to.have.lengthOf(2);
  pm.expect(body.next_cursor).to.be.a('string').and.not.equal('');
});
C.set('cursor', body.next_cursor);
C.set('page1', JSON.stringify(C.ids(body)));
""", token="a"),
        req("Page 2 of 2", "GET", f"{mine}?q={{{{run}}}}&limit=2&cursor={{{{cursor}}}}", r"""
const body = C.page();
pm.test('the other two, and no further cursor', () => {
  const first = JSON.parse(C.get('page1'));
  pm.expect(body.items).to.have.lengthOf(2);
  pm.expect(body.next_cursor).to.equal(null);
  pm.expect(first.concat(C.ids(body)).sort()).to.deep.equal(
    ['f_pub', 'f_priv', 'f_archive', 'f_limit'].map(C.get).sort());
});
""", token="a"),
        req("A cursor of another search: 422", "GET", f"{mine}?q=playa&limit=2&cursor={{{{cursor}}}}",
            "C.validation('cursor');", token="a"),
        req("A forged cursor: 400", "GET", f"{mine}?cursor=forged-cursor",
            "C.problem(400, 'bad-request');", token="a"),
    ])


def photo_expect():
    return r"""
const body = C.json(201);
pm.test('a ready photo of Ana', () => {
  pm.expect(body.id).to.match(C.idPattern('ph'));
  pm.expect(body.owner_id).to.equal(C.get('a_id'));
  pm.expect(body.state).to.equal('ready');
  pm.expect(body.sha256).to.match(/^[0-9a-f]{64}$/);
  pm.expect(body.uploaded_at).to.match(C.time);
  pm.expect(body.url).to.be.a('string');
});
pm.test('its thumbnails are still to be made', () => {
  pm.expect(body.thumbnails).to.equal('pending');
  pm.expect(body.thumbnail_url).to.equal(null);
  pm.expect(body.preview_url).to.equal(null);
  pm.expect([body.width, body.height, body.taken_at]).to.deep.equal([null, null, null]);
});
"""


def again_while(cond, counter, tries, then):
    """JS for a test script: while `cond` holds (at most `tries` times, counted
    in the variable `counter`), the request is sent again after 100 ms;
    then `then` runs."""
    return f"""const tries = Number(C.get('{counter}') || 0);
if ({cond} && tries < {tries}) {{
  C.set('{counter}', tries + 1);
  setTimeout(() => {{}}, 100);
  if (pm.execution && pm.execution.setNextRequest) {{
    pm.execution.setNextRequest(pm.info.requestName);
  }} else {{
    postman.setNextRequest(pm.info.requestName);
  }}
}} else {{
  C.set('{counter}', 0);
{then.lstrip(chr(10))}
}}
"""


def await_thumbnails(name, var, test):
    """GET of the photo in {{var}}, sent again (every 100 ms, 20 s at most)
    while its thumbnails are pending; then `test` runs on `body`, the ready
    photo."""
    return req(f"{name}: its thumbnails become ready", "GET", f"{P}/v1/photos/{{{{{var}}}}}",
               "\nconst body = C.json(200);\n" + again_while("body.thumbnails === 'pending'",
                                                             "thumbnail_tries", 200, r"""
  pm.test('thumbnails ready, with their URLs', () => {
    pm.expect(body.thumbnails).to.equal('ready');
    pm.expect(body.thumbnails_error).to.equal(null);
    pm.expect(body.thumbnail_url).to.be.a('string');
    pm.expect(body.preview_url).to.be.a('string');
  });
""" + test), token="a")


def photos_upload():
    up = f"{P}/v1/photos"
    return folder("04 Photo uploads", "Streamed (raw and multipart) and direct uploads.", [
        req("Upload a JPEG into the public folder", "POST",
            f"{up}?name=Atardecer&folder_id={{{{f_pub}}}}", photo_expect() + r"""
pm.test('its size, type and folder', () => {
  pm.expect(body.name).to.equal('Atardecer');
  pm.expect(body.content_type).to.equal('image/jpeg');
  pm.expect(body.size).to.equal(Number(C.get('sunset_size')));
  pm.expect(body.folder_id).to.equal(C.get('f_pub'));
});
pm.test('not cached by proxies', () => pm.expect(C.header('Cache-Control')).to.include('no-store'));
C.set('p_sunset', body.id);
""", token="a", file="sunset.jpg", ctype="image/jpeg"),
        await_thumbnails("Upload a JPEG into the public folder", "p_sunset", r"""
  pm.test('its dimensions and EXIF date', () => {
    pm.expect([body.width, body.height]).to.deep.equal([96, 64]);
    pm.expect(body.taken_at).to.match(/^2019-07-14T20:15:00(\.0+)?Z$/);
  });
"""),
        req("The same bytes into the same folder: 409 naming the photo", "POST",
            f"{up}?folder_id={{{{f_pub}}}}", r"""
const body = C.problem(409, 'conflict');
pm.test('existing_id is the first upload', () => pm.expect(body.existing_id).to.equal(C.get('p_sunset')));
""", token="a", file="sunset.jpg", ctype="image/jpeg"),
        req("A PNG sent as octet-stream into the private folder", "POST",
            f"{up}?name=Puerto&folder_id={{{{f_priv}}}}", photo_expect() + r"""
pm.test('the type comes from the bytes', () => {
  pm.expect(body.content_type).to.equal('image/png');
  pm.expect(body.folder_id).to.equal(C.get('f_priv'));
});
C.set('p_harbour', body.id);
""", token="a", file="harbour.png", ctype="application/octet-stream"),
        await_thumbnails("A PNG sent as octet-stream", "p_harbour", r"""
  pm.test('its dimensions, and no EXIF date', () => {
    pm.expect([body.width, body.height]).to.deep.equal([80, 60]);
    pm.expect(body.taken_at).to.equal(null);
  });
"""),
        req("Multipart upload with a name part, no folder", "POST", up, photo_expect() + r"""
pm.test('named by its form part, in no folder', () => {
  pm.expect(body.name).to.equal('Bosque');
  pm.expect(body.content_type).to.equal('image/png');
  pm.expect(body.folder_id).to.equal(null);
});
C.set('p_forest', body.id);
""", token="a", form=[("name", "Bosque", False), ("file", "forest.png", True)]),
        await_thumbnails("Multipart upload", "p_forest", ""),
        req("Text claiming to be a JPEG: 415", "POST", f"{up}?folder_id={{{{f_pub}}}}",
            "C.problem(415, 'unsupported-media-type');", token="a", file="not-an-image.txt",
            ctype="image/jpeg"),
        req("A JPEG declared as text/plain: 415", "POST", up,
            "C.problem(415, 'unsupported-media-type');", token="a", file="market.jpg",
            ctype="text/plain"),
        req("A name with a slash: 422", "POST", f"{up}?name=a%2Fb", "C.validation('name');",
            token="a", file="market.jpg", ctype="image/jpeg"),
        req("Upload without a token: 401", "POST", up, "C.unauthorized();", file="market.jpg",
            ctype="image/jpeg"),
        req("Bob uploads into Ana's public folder: 403", "POST", f"{up}?folder_id={{{{f_pub}}}}",
            "C.forbidden();", token="b", file="market.jpg", ctype="image/jpeg"),
        req("Bob uploads into Ana's private folder: 404", "POST", f"{up}?folder_id={{{{f_priv}}}}",
            "C.notFound();", token="b", file="market.jpg", ctype="image/jpeg"),
        req("Upload into a malformed folder id: 404", "POST", f"{up}?folder_id=fo_nope",
            "C.notFound();", token="a", file="market.jpg", ctype="image/jpeg"),
        req("Direct upload: announce it", "POST", f"{up}/uploads", r"""
const body = C.json(201);
pm.test('a pending photo and a PUT address', () => {
  pm.expect(body.photo.id).to.match(C.idPattern('ph'));
  pm.expect(body.photo.state).to.equal('pending');
  pm.expect(body.photo.folder_id).to.equal(C.get('f_priv'));
  pm.expect(body.photo.width).to.equal(null);
  pm.expect(body.upload_method).to.equal('PUT');
  pm.expect(body.upload_headers['Content-Type']).to.equal('image/jpeg');
  pm.expect(body.upload_url).to.match(/^https?:\/\//);
  pm.expect(Date.parse(body.expires_at)).to.be.above(Date.now());
});
C.set('p_market', body.photo.id);
C.set('upload_url', body.upload_url);
C.set('upload_type', body.upload_headers['Content-Type']);
""", token="a", body='{"name": "Mercado", "folder_id": "{{f_priv}}", "content_type": "image/jpeg", "size": {{market_size}}}'),
        req("Direct upload: the PUT address does not serve GET: 403", "GET", "{{upload_url}}",
            "C.forbidden();"),
        req("Direct upload: PUT with another Content-Type: 403", "PUT", "{{upload_url}}",
            "C.forbidden();", file="market.jpg", ctype="image/png"),
        req("Direct upload: PUT the bytes", "PUT", "{{upload_url}}", r"""
C.status(200);
pm.test('stored (an ETag comes back)', () => pm.expect(C.header('ETag')).to.not.equal(''));
""", file="market.jpg", ctype="{{upload_type}}"),
        req("Direct upload: complete", "POST", f"{up}/{{{{p_market}}}}/complete", r"""
const body = C.json(200);
pm.test('ready and hashed, its thumbnails to be made', () => {
  pm.expect(body.id).to.equal(C.get('p_market'));
  pm.expect(body.state).to.equal('ready');
  pm.expect(body.size).to.equal(Number(C.get('market_size')));
  pm.expect(body.sha256).to.match(/^[0-9a-f]{64}$/);
  pm.expect(body.thumbnails).to.equal('pending');
});
""", token="a"),
        await_thumbnails("Direct upload", "p_market", r"""
  pm.test('measured', () => pm.expect([body.width, body.height]).to.deep.equal([64, 96]));
"""),
        req("Direct upload: complete again: 409", "POST", f"{up}/{{{{p_market}}}}/complete",
            "C.problem(409, 'conflict');", token="a"),
        req("Early complete: announce another upload", "POST", f"{up}/uploads", r"""
const body = C.json(201);
C.set('p_early', body.photo.id);
C.set('early_url', body.upload_url);
""", token="a", body='{"name": "Temprano", "content_type": "image/jpeg", "size": {{market_size}}}'),
        req("Early complete: complete before the PUT: 409", "POST", f"{up}/{{{{p_early}}}}/complete",
            "C.problem(409, 'conflict');", token="a"),
        req("Early complete: the upload is still pending", "GET", f"{up}/{{{{p_early}}}}", r"""
const body = C.json(200);
pm.test('pending, so the PUT can still come', () => pm.expect(body.state).to.equal('pending'));
""", token="a"),
        req("Early complete: PUT the bytes", "PUT", "{{early_url}}", "C.status(200);",
            file="market.jpg", ctype="image/jpeg"),
        req("Early complete: complete after the PUT", "POST", f"{up}/{{{{p_early}}}}/complete", r"""
const body = C.json(200);
pm.test('ready', () => pm.expect(body.state).to.equal('ready'));
""", token="a"),
        req("Early complete: delete that photo again", "DELETE", f"{up}/{{{{p_early}}}}", r"""
// 404 only when the photo was lost above (reported there).
pm.test('deleted (204), or already lost (404)', () => pm.expect(pm.response.code).to.be.oneOf([204, 404]));
""", token="a"),
        req("Direct upload of a BMP: 422", "POST", f"{up}/uploads", "C.validation('content_type');",
            token="a", body='{"name": "x", "content_type": "image/bmp", "size": 10}'),
        req("Direct upload of 0 bytes: 422", "POST", f"{up}/uploads", "C.validation('size');",
            token="a", body='{"name": "x", "content_type": "image/jpeg", "size": 0}'),
        req("Direct upload over the size limit: 413", "POST", f"{up}/uploads",
            "C.problem(413, 'payload-too-large');", token="a",
            body='{"name": "x", "content_type": "image/jpeg", "size": 53687091200}'),
        req("Bob's direct upload into Ana's public folder: 403", "POST", f"{up}/uploads",
            "C.forbidden();", token="b",
            body='{"name": "x", "folder_id": "{{f_pub}}", "content_type": "image/jpeg", "size": 10}'),
        *resumable_upload(up),
    ])


def resumable_upload(up):
    """POST /v1/photos/uploads with resumable → PUT the part → status → complete,
    its refusals, and an abort."""
    ru = f"{up}/uploads/{{{{r_upload}}}}"
    return [
        req("Resumable upload: start it", "POST", f"{up}/uploads", r"""
const body = C.json(201);
pm.test('an upload id, one part of at most 8 MiB, its URL', () => {
  pm.expect(body.upload_id).to.match(C.idPattern('up'));
  pm.expect(body.size).to.equal(Number(C.get('market_size')));
  pm.expect(body.part_size).to.equal(8388608);
  pm.expect(body.part_count).to.equal(1);
  pm.expect(body.parts).to.have.length(1);
  pm.expect(body.parts[0].number).to.equal(1);
  pm.expect(body.parts[0].url).to.match(/^https?:\/\//);
  pm.expect(Date.parse(body.expires_at)).to.be.above(Date.now());
});
C.set('r_upload', body.upload_id);
C.set('r_url', body.parts[0].url);
""", token="a", body='{"name": "Mercado reanudable", "content_type": "image/jpeg", "size": {{market_size}}, "resumable": true}'),
        req("Resumable upload: nothing received yet", "GET", ru, r"""
const body = C.json(200);
pm.test('no parts yet', () => pm.expect(body.parts_received).to.deep.equal([]));
""", token="a"),
        req("Resumable upload: PUT part 1", "PUT", "{{r_url}}", r"""
C.status(200);
const etag = C.header('ETag');
pm.test('a quoted ETag', () => pm.expect(etag).to.match(/^".+"$/));
C.set('r_etag', etag);
C.set('r_etag_json', JSON.stringify(etag));
""", file="market.jpg", ctype="application/octet-stream"),
        req("Resumable upload: the status lists part 1", "GET", ru, r"""
const body = C.json(200);
pm.test('part 1, whole, with its ETag', () => {
  pm.expect(body.parts_received).to.have.length(1);
  pm.expect(body.parts_received[0].number).to.equal(1);
  pm.expect(body.parts_received[0].size).to.equal(Number(C.get('market_size')));
  pm.expect(body.parts_received[0].etag).to.equal(C.get('r_etag'));
});
""", token="a"),
        req("Resumable upload: fresh part URLs", "POST", f"{ru}/parts?from=1&to=1", r"""
const body = C.json(200);
pm.test('part 1 again', () => pm.expect(body.parts.map((p) => p.number)).to.deep.equal([1]));
""", token="a"),
        req("Resumable upload: parts from 2 to 1: 400", "POST", f"{ru}/parts?from=2&to=1",
            "C.problem(400, 'bad-request');", token="a"),
        req("Resumable upload: Bob asks about it: 404", "GET", ru, "C.notFound();", token="b"),
        req("Resumable upload: Bob completes it: 404", "POST", f"{ru}/complete", "C.notFound();",
            token="b", body='{"parts": [{"number": 1, "etag": {{r_etag_json}}}]}'),
        req("Resumable upload: complete with a wrong ETag: 400", "POST", f"{ru}/complete", r"""
const body = C.problem(400, 'bad-request');
pm.test('names part 1', () => pm.expect(body.part).to.equal('1'));
""", token="a", body='{"parts": [{"number": 1, "etag": "\\"nope\\""}]}'),
        req("Resumable upload: complete", "POST", f"{ru}/complete", r"""
const body = C.json(201);
pm.test('a ready photo of the same bytes', () => {
  pm.expect(body.id).to.match(C.idPattern('ph'));
  pm.expect(body.state).to.equal('ready');
  pm.expect(body.size).to.equal(Number(C.get('market_size')));
  pm.expect(body.thumbnails).to.equal('pending');
  pm.expect(body.sha256).to.match(/^[0-9a-f]{64}$/);
});
C.set('p_resumed', body.id);
""", token="a", body='{"parts": [{"number": 1, "etag": {{r_etag_json}}}]}'),
        await_thumbnails("Resumable upload", "p_resumed", r"""
pm.test('its dimensions, read by the thumbnails job', () => {
  pm.expect([body.width, body.height]).to.deep.equal([64, 96]);
});
"""),
        req("Resumable upload: gone once complete: 404", "GET", ru, "C.notFound();", token="a"),
        req("Resumable upload: delete that photo again", "DELETE", f"{up}/{{{{p_resumed}}}}",
            "C.noContent();", token="a"),
        req("Resumable upload: start one to abort", "POST", f"{up}/uploads", r"""
const body = C.json(201);
C.set('r_upload', body.upload_id);
""", token="a", body='{"name": "Abandonado", "content_type": "image/jpeg", "size": 5000, "resumable": true}'),
        req("Resumable upload: abort it", "DELETE", ru, "C.noContent();", token="a"),
        req("Resumable upload: gone once aborted: 404", "GET", ru, "C.notFound();", token="a"),
        req("Resumable upload of 0 bytes: 422", "POST", f"{up}/uploads", "C.validation('size');",
            token="a", body='{"name": "x", "content_type": "image/jpeg", "size": 0, "resumable": true}'),
        req("Resumable not a boolean: 422", "POST", f"{up}/uploads", "C.validation('resumable');",
            token="a", body='{"name": "x", "content_type": "image/jpeg", "size": 10, "resumable": "yes"}'),
    ]


def photos_read():
    lst = f"{P}/v1/photos"
    return folder("05 Photo reads and search", "Presigned URLs, listing, filters, sorting.", [
        req("Read the public photo", "GET", f"{lst}/{{{{p_sunset}}}}", r"""
const body = C.json(200);
pm.test('metadata and three presigned URLs', () => {
  pm.expect(body.id).to.equal(C.get('p_sunset'));
  ['url', 'thumbnail_url', 'preview_url'].forEach((k) => pm.expect(body[k]).to.match(/^https?:\/\//));
});
C.set('sunset_url', body.url);
C.set('sunset_thumb', body.thumbnail_url);
C.set('sunset_forged', body.url.replace(/signature=([0-9a-f])/, (m, c) => `signature=${c === '0' ? '1' : '0'}`));
""", token="a"),
        req("Fetch the original through its URL", "GET", "{{sunset_url}}", r"""
C.status(200);
pm.test('the JPEG, byte for byte in size', () => {
  pm.expect(C.header('Content-Type')).to.equal('image/jpeg');
  pm.expect(pm.response.stream.length).to.equal(Number(C.get('sunset_size')));
  pm.expect(pm.response.stream[0]).to.equal(0xff);
  pm.expect(pm.response.stream[1]).to.equal(0xd8);
});
pm.test('an ETag', () => pm.expect(C.header('ETag')).to.not.equal(''));
"""),
        req("Fetch the first 10 bytes", "GET", "{{sunset_url}}", r"""
C.status(206);
pm.test('a Content-Range of 10 bytes', () => {
  pm.expect(C.header('Content-Range')).to.equal(`bytes 0-9/${C.get('sunset_size')}`);
  pm.expect(pm.response.stream.length).to.equal(10);
});
""", headers={"Range": "bytes=0-9"}),
        req("Fetch the thumbnail", "GET", "{{sunset_thumb}}", r"""
C.status(200);
pm.test('a JPEG', () => {
  pm.expect(C.header('Content-Type')).to.equal('image/jpeg');
  pm.expect(pm.response.stream[0]).to.equal(0xff);
  pm.expect(pm.response.stream[1]).to.equal(0xd8);
});
"""),
        req("A URL with a changed signature: 403", "GET", "{{sunset_forged}}", "C.forbidden();"),
        req("List Ana's photos", "GET", lst, r"""
const body = C.page();
C.sameIds('her four photos', body, ['p_sunset', 'p_harbour', 'p_forest', 'p_market']);
pm.test('each with a thumbnail_url', () => body.items.forEach((p) => pm.expect(p.thumbnail_url).to.match(/^https?:\/\//)));
""", token="a"),
        req("Search photos by name", "GET", f"{lst}?q=atardecer", r"""
C.sameIds('the sunset', C.page(), ['p_sunset']);
""", token="a"),
        req("Photos by folder tag beach", "GET", f"{lst}?tags=beach", r"""
C.sameIds('the photos of the beach folder', C.page(), ['p_sunset']);
""", token="a"),
        req("Photos by folder tag family", "GET", f"{lst}?tags=family", r"""
C.sameIds('photos of both family folders', C.page(), ['p_sunset', 'p_harbour', 'p_market']);
""", token="a"),
        req("Photos by tags beach or 2024", "GET", f"{lst}?tags=beach,2024&match=any", r"""
C.sameIds('either folder', C.page(), ['p_sunset', 'p_harbour', 'p_market']);
""", token="a"),
        req("Photos taken in July 2019", "GET",
            f"{lst}?from=2019-07-01T00:00:00Z&to=2019-07-31T23:59:59Z", r"""
C.sameIds('by EXIF date', C.page(), ['p_sunset']);
""", token="a"),
        req("Photos sorted by name", "GET", f"{lst}?sort=name", r"""
const body = C.page();
pm.test('A to Z', () => pm.expect(body.items.map((p) => p.name)).to.deep.equal(['Atardecer', 'Bosque', 'Mercado', 'Puerto']));
""", token="a"),
        req("Photos of the public folder, anonymously", "GET", f"{lst}?folder_id={{{{f_pub}}}}", r"""
C.sameIds('the sunset', C.page(), ['p_sunset']);
"""),
        req("Anonymous list without a folder: 401", "GET", lst, "C.unauthorized();"),
        req("sort=size: 422", "GET", f"{lst}?sort=size", "C.validation('sort');", token="a"),
        req("limit=0: 422", "GET", f"{lst}?limit=0", "C.validation('limit');", token="a"),
    ])


def cross_user():
    return folder("06 What Bob may do with Ana's things",
                  "Private: 404 as if missing. Public: readable, but 403 on change.", [
        req("Bob reads Ana's private folder: 404", "GET", f"{F}/v1/folders/{{{{f_priv}}}}",
            "C.notFound();", token="b"),
        req("Bob reads Ana's public folder: 200", "GET", f"{F}/v1/folders/{{{{f_pub}}}}", r"""
const body = C.json(200);
pm.test('Ana\'s folder', () => pm.expect(body.owner_id).to.equal(C.get('a_id')));
""", token="b"),
        req("Bob renames Ana's public folder: 403", "PATCH", f"{F}/v1/folders/{{{{f_pub}}}}",
            "C.forbidden();", token="b", body='{"name": "mine now"}'),
        req("Bob deletes Ana's public folder: 403", "DELETE", f"{F}/v1/folders/{{{{f_pub}}}}",
            "C.forbidden();", token="b"),
        req("Bob renames Ana's private folder: 404", "PATCH", f"{F}/v1/folders/{{{{f_priv}}}}",
            "C.notFound();", token="b", body='{"name": "mine now"}'),
        req("Bob deletes Ana's private folder: 404", "DELETE", f"{F}/v1/folders/{{{{f_priv}}}}",
            "C.notFound();", token="b"),
        req("Bob reads Ana's private photo: 404", "GET", f"{P}/v1/photos/{{{{p_harbour}}}}",
            "C.notFound();", token="b"),
        req("Bob reads Ana's public photo: 200", "GET", f"{P}/v1/photos/{{{{p_sunset}}}}", r"""
const body = C.json(200);
pm.test('with its URL', () => pm.expect(body.url).to.match(/^https?:\/\//));
""", token="b"),
        req("Anonymous reads the public photo: 200", "GET", f"{P}/v1/photos/{{{{p_sunset}}}}",
            "C.json(200);"),
        req("Anonymous reads the private photo: 404", "GET", f"{P}/v1/photos/{{{{p_harbour}}}}",
            "C.notFound();"),
        req("Bob renames Ana's public photo: 403", "PATCH", f"{P}/v1/photos/{{{{p_sunset}}}}",
            "C.forbidden();", token="b", body='{"name": "mine now"}'),
        req("Bob deletes Ana's public photo: 403", "DELETE", f"{P}/v1/photos/{{{{p_sunset}}}}",
            "C.forbidden();", token="b"),
        req("Bob deletes Ana's private photo: 404", "DELETE", f"{P}/v1/photos/{{{{p_harbour}}}}",
            "C.notFound();", token="b"),
        req("Bob lists Ana's private folder: 404", "GET", f"{P}/v1/photos?folder_id={{{{f_priv}}}}",
            "C.notFound();", token="b"),
        req("Bob deletes all of Ana's photos: 403", "DELETE", f"{P}/v1/photos?owner_id={{{{a_id}}}}",
            "C.forbidden();", token="b"),
        req("Bob deletes all of Ana's folders: 403", "DELETE", f"{F}/v1/folders?owner_id={{{{a_id}}}}",
            "C.forbidden();", token="b"),
        req("Bob empties Ana's public folder: nothing of hers goes", "DELETE",
            f"{P}/v1/photos?folder_id={{{{f_pub}}}}", r"""
// Only the caller's own photos in that folder are deleted (none): 204 or a refusal.
pm.test('204, 403 or 404', () => pm.expect(pm.response.code).to.be.oneOf([204, 403, 404]));
""", token="b"),
        req("Ana's public photo is still there", "GET", f"{P}/v1/photos/{{{{p_sunset}}}}",
            "C.json(200);", token="a"),
        req("Ana makes her public folder private", "PATCH", f"{F}/v1/folders/{{{{f_pub}}}}", r"""
const body = C.json(200);
pm.test('private now', () => pm.expect(body.visibility).to.equal('private'));
""", token="a", body='{"visibility": "private"}'),
        req("Bob can no longer read the photo in it: 404", "GET", f"{P}/v1/photos/{{{{p_sunset}}}}",
            "C.notFound();", token="b"),
        req("Nobody can list that folder anonymously: 404", "GET",
            f"{P}/v1/photos?folder_id={{{{f_pub}}}}", "C.notFound();"),
        req("Ana makes it public again", "PATCH", f"{F}/v1/folders/{{{{f_pub}}}}", r"""
const body = C.json(200);
pm.test('public again', () => pm.expect(body.visibility).to.equal('public'));
""", token="a", body='{"visibility": "public"}'),
        req("Bob reads the photo again: 200", "GET", f"{P}/v1/photos/{{{{p_sunset}}}}", "C.json(200);",
            token="b"),
        req("Bob creates his own public folder", "POST", f"{F}/v1/folders", r"""
const body = C.json(201);
pm.test('Bob\'s', () => pm.expect(body.owner_id).to.equal(C.get('b_id')));
C.set('f_bob', body.id);
""", token="b", body='{"name": "Bob {{run}}", "visibility": "public", "tags": ["beach"]}'),
        req("Bob uploads Ana's PNG bytes: not a duplicate of hers", "POST",
            f"{P}/v1/photos?name=Faro&folder_id={{{{f_bob}}}}", r"""
const body = C.json(201);
pm.test('Bob\'s photo', () => pm.expect(body.owner_id).to.equal(C.get('b_id')));
C.set('p_bob', body.id);
""", token="b", file="harbour.png", ctype="image/png"),
        req("Ana moves her photo into Bob's public folder: 403", "PATCH",
            f"{P}/v1/photos/{{{{p_sunset}}}}", "C.forbidden();", token="a",
            body='{"folder_id": "{{f_bob}}"}'),
        req("Bob's tag search sees only his own folders", "GET", f"{P}/v1/photos?tags=beach", r"""
C.sameIds('Bob\'s photo', C.page(), ['p_bob']);
""", token="b"),
        req("Bob's scope=all search: his and Ana's public", "GET",
            f"{F}/v1/folders?scope=all&q={{{{run}}}}", r"""
C.sameIds('two public folders', C.page(), ['f_pub', 'f_bob']);
""", token="b"),
    ])


def sharing():
    fm = f"{F}/v1/folders/{{{{f_shared}}}}/members"
    return folder("07 Sharing a folder with Bob (members)",
                  "The owner alone manages members; a contributor uploads; removal takes effect at once.", [
        req("Ana creates a private folder to share", "POST", f"{F}/v1/folders", r"""
const body = C.json(201);
pm.test('Ana owns it', () => pm.expect(body.role).to.equal('owner'));
C.set('f_shared', body.id);
""", token="a", body='{"name": "Shared {{run}}", "visibility": "private", "tags": ["shared"]}'),
        req("Ana finds Bob by his exact username", "GET", f"{U}/v1/users?username={{{{b_name}}}}", r"""
const body = C.page();
pm.test('one public profile', () => {
  pm.expect(body.items).to.have.length(1);
  pm.expect(body.items[0]).to.deep.equal({ id: C.get('b_id'), username: C.get('b_name') });
});
""", token="a"),
        req("A prefix of a username finds nobody", "GET", f"{U}/v1/users?username=bob_", r"""
const body = C.page();
pm.test('no listing', () => pm.expect(body.items).to.have.length(0));
""", token="a"),
        req("Ana adds Bob as contributor: 201", "PUT", f"{fm}/{{{{b_id}}}}", r"""
const body = C.json(201);
pm.test('Bob, contributor', () => {
  pm.expect(body.user_id).to.equal(C.get('b_id'));
  pm.expect(body.username).to.equal(C.get('b_name'));
  pm.expect(body.role).to.equal('contributor');
  pm.expect(body.added_at).to.match(C.time);
});
""", token="a", body='{"role": "contributor"}'),
        req("The same again: 200, unchanged", "PUT", f"{fm}/{{{{b_id}}}}", r"""
const body = C.json(200);
pm.test('still a contributor', () => pm.expect(body.role).to.equal('contributor'));
""", token="a", body='{"role": "contributor"}'),
        req("Role owner: 422", "PUT", f"{fm}/{{{{b_id}}}}", "C.validation('role');", token="a",
            body='{"role": "owner"}'),
        req("Sharing with herself: 422", "PUT", f"{fm}/{{{{a_id}}}}", "C.validation('user_id');",
            token="a", body='{"role": "viewer"}'),
        req("Sharing with an unknown id: 404", "PUT", f"{fm}/us_zzzzzzzzzzz", "C.notFound();",
            token="a", body='{"role": "viewer"}'),
        req("Ana lists the members", "GET", fm, r"""
const body = C.page();
pm.test('Bob alone', () => pm.expect(body.items.map((m) => m.user_id)).to.deep.equal([C.get('b_id')]));
""", token="a"),
        req("Bob may not list them: 403", "GET", fm, "C.forbidden();", token="b"),
        req("Bob sees it under scope=shared", "GET", f"{F}/v1/folders?scope=shared&q={{{{run}}}}", r"""
const body = C.page();
C.sameIds('the shared folder', body, ['f_shared']);
pm.test('as contributor', () => pm.expect(body.items[0].role).to.equal('contributor'));
""", token="b"),
        req("Bob uploads into it: 201, his photo", "POST",
            f"{P}/v1/photos?name=Faro&folder_id={{{{f_shared}}}}", r"""
const body = C.json(201);
pm.test('Bob\'s photo in Ana\'s folder', () => {
  pm.expect(body.owner_id).to.equal(C.get('b_id'));
  pm.expect(body.folder_id).to.equal(C.get('f_shared'));
});
C.set('p_shared', body.id);
""", token="b", file="harbour.png", ctype="image/png"),
        req("Ana lists the folder: Bob's photo is in it", "GET",
            f"{P}/v1/photos?folder_id={{{{f_shared}}}}", r"""
C.sameIds('Bob\'s photo', C.page(), ['p_shared']);
""", token="a"),
        req("Ana removes Bob: 204", "DELETE", f"{fm}/{{{{b_id}}}}", "C.noContent();", token="a"),
        req("Bob's next request: 404", "GET", f"{F}/v1/folders/{{{{f_shared}}}}", "C.notFound();",
            token="b"),
        req("Bob may no longer upload into it: 404", "POST",
            f"{P}/v1/photos?name=Again&folder_id={{{{f_shared}}}}", "C.notFound();", token="b",
            file="harbour.png", ctype="image/png"),
        req("Ana deletes the folder with Bob's photo", "DELETE",
            f"{F}/v1/folders/{{{{f_shared}}}}?recursive=true", "C.noContent();", token="a"),
    ])


def share_links():
    sh = f"{F}/v1/shares"
    link = {"X-Carrete-Share": "{{sh_token}}"}
    return folder("07b Share links",
                  "A folder shown to whoever holds its link: token shown once, password, revoke.", [
        req("Ana creates a private folder to share by link", "POST", f"{F}/v1/folders", r"""
C.set('f_linked', C.json(201).id);
""", token="a", body='{"name": "Linked {{run}}", "visibility": "private"}'),
        req("Ana creates a link with a password: 201, the token once", "POST", sh, r"""
const body = C.json(201);
pm.test('a link to the folder', () => {
  pm.expect(body.id).to.match(/^sh_[0-9A-Za-z]{11}$/);
  pm.expect(body.folder_id).to.equal(C.get('f_linked'));
  pm.expect(body.token).to.match(/^[A-Za-z0-9_-]{43}$/);
  pm.expect(body.url).to.equal('/s/' + body.token);
  pm.expect(body.has_password).to.equal(true);
  pm.expect(body.allow_download).to.equal(false);
});
C.set('sh_id', body.id);
C.set('sh_token', body.token);
""", token="a", body='{"folder_id": "{{f_linked}}", "allow_download": false, "label": "Family", "password": "open sesame"}'),
        req("An expiry in the past: 422", "POST", sh, "C.validation('expires_at');", token="a",
            body='{"folder_id": "{{f_linked}}", "allow_download": true, "expires_at": "2001-01-01T00:00:00Z"}'),
        req("An empty password: 422", "POST", sh, "C.validation('password');", token="a",
            body='{"folder_id": "{{f_linked}}", "allow_download": true, "password": ""}'),
        req("Bob may not link Ana's private folder: 404", "POST", sh, "C.notFound();", token="b",
            body='{"folder_id": "{{f_linked}}", "allow_download": true}'),
        req("The holder without the password: 401", "GET", f"{sh}/current",
            "C.problem(401, 'unauthorized');", headers=link),
        req("The holder with the password: what the link covers", "GET", f"{sh}/current", r"""
const body = C.json(200);
pm.test('the folder, no download', () => {
  pm.expect(body.folder_id).to.equal(C.get('f_linked'));
  pm.expect(body.allow_download).to.equal(false);
});
""", headers={**link, "X-Carrete-Share-Password": "open sesame"}),
        req("The holder reads the folder: role link", "GET", f"{F}/v1/folders/{{{{f_linked}}}}", r"""
const body = C.json(200);
pm.test('as a link holder', () => pm.expect(body.role).to.equal('link'));
""", headers={**link, "X-Carrete-Share-Password": "open sesame"}),
        req("Ana adds a photo to the linked folder", "POST",
            f"{P}/v1/photos?name=Linked&folder_id={{{{f_linked}}}}", r"""
C.set('p_linked', C.json(201).id);
""", token="a", file="harbour.png", ctype="image/png"),
        req("The holder lists the folder's photos through the link", "GET",
            f"{P}/v1/photos?folder_id={{{{f_linked}}}}", r"""
C.sameIds('the linked photo', C.page(), ['p_linked']);
""", headers={**link, "X-Carrete-Share-Password": "open sesame"}),
        req("The holder opens the photo: no original url (no download)", "GET",
            f"{P}/v1/photos/{{{{p_linked}}}}", r"""
const body = C.json(200);
pm.test('url withheld', () => pm.expect(body.url).to.equal(null));
""", headers={**link, "X-Carrete-Share-Password": "open sesame"}),
        req("The holder without the password, on photos: 401", "GET",
            f"{P}/v1/photos?folder_id={{{{f_linked}}}}", "C.problem(401, 'unauthorized');",
            headers=link),
        req("The holder lists without folder_id: 404", "GET", f"{P}/v1/photos", "C.notFound();",
            headers={**link, "X-Carrete-Share-Password": "open sesame"}),
        req("A link never writes: 401", "DELETE", f"{P}/v1/photos/{{{{p_linked}}}}",
            "C.unauthorized();",
            headers={**link, "X-Carrete-Share-Password": "open sesame"}),
        req("Ana lists the links: one use so far and more", "GET", f"{sh}?folder_id={{{{f_linked}}}}",
            # Uses are written in batches, within about a second: asked
            # again (every 100 ms, 5 s at most) while none shows yet.
            "\nconst body = C.page();\n" + again_while(
                "body.items.length === 1 && body.items[0].use_count === 0", "use_tries", 50, r"""
  pm.test('one link, used, no token', () => {
    pm.expect(body.items).to.have.length(1);
    pm.expect(body.items[0].use_count).to.be.at.least(1);
    pm.expect(body.items[0]).to.not.have.property('token');
  });"""), token="a"),
        req("Ana removes the password", "PATCH", f"{sh}/{{{{sh_id}}}}", r"""
pm.test('no password', () => pm.expect(C.json(200).has_password).to.equal(false));
""", token="a", body='{"password": null}'),
        req("Ana revokes the link: 204", "DELETE", f"{sh}/{{{{sh_id}}}}", "C.noContent();", token="a"),
        req("The holder's next request: 404", "GET", f"{sh}/current", "C.notFound();", headers=link),
        req("Nor through photos: 404", "GET", f"{P}/v1/photos/{{{{p_linked}}}}", "C.notFound();",
            headers=link),
        req("Ana deletes the linked photo", "DELETE", f"{P}/v1/photos/{{{{p_linked}}}}?permanent=true",
            "C.noContent();", token="a"),
        req("Ana deletes the folder", "DELETE", f"{F}/v1/folders/{{{{f_linked}}}}?permanent=true",
            "C.noContent();", token="a"),
    ])


def moving():
    ph = f"{P}/v1/photos"
    return folder("08 Moving and renaming photos", "PATCH of name and folder_id.", [
        req("Move the sunset into the private archive", "PATCH", f"{ph}/{{{{p_sunset}}}}", r"""
const body = C.json(200);
pm.test('in the archive now', () => {
  pm.expect(body.folder_id).to.equal(C.get('f_archive'));
  pm.expect(Date.parse(body.updated_at)).to.be.above(Date.parse(body.uploaded_at));
});
""", token="a", body='{"folder_id": "{{f_archive}}"}'),
        req("Bob can no longer read it: 404", "GET", f"{ph}/{{{{p_sunset}}}}", "C.notFound();",
            token="b"),
        req("The public folder is empty for anonymous callers", "GET",
            f"{ph}?folder_id={{{{f_pub}}}}", r"""
C.sameIds('empty', C.page(), []);
"""),
        req("Rename the sunset", "PATCH", f"{ph}/{{{{p_sunset}}}}", r"""
const body = C.json(200);
pm.test('renamed, still in the archive', () => {
  pm.expect(body.name).to.equal('Atardecer en el puerto 🌅');
  pm.expect(body.folder_id).to.equal(C.get('f_archive'));
});
""", token="a", body='{"name": "Atardecer en el puerto 🌅"}'),
        req("Move the forest into the archive", "PATCH", f"{ph}/{{{{p_forest}}}}", r"""
const body = C.json(200);
pm.test('in the archive', () => pm.expect(body.folder_id).to.equal(C.get('f_archive')));
""", token="a", body='{"folder_id": "{{f_archive}}"}'),
        req("Take the forest out of any folder", "PATCH", f"{ph}/{{{{p_forest}}}}", r"""
const body = C.json(200);
pm.test('no folder', () => pm.expect(body.folder_id).to.equal(null));
""", token="a", body='{"folder_id": null}'),
        req("Move into a malformed folder id: 404", "PATCH", f"{ph}/{{{{p_forest}}}}",
            "C.notFound();", token="a", body='{"folder_id": "fo_nope"}'),
        req("An empty name: 422", "PATCH", f"{ph}/{{{{p_forest}}}}", "C.validation('name');",
            token="a", body='{"name": ""}'),
        req("Patching size: 422", "PATCH", f"{ph}/{{{{p_forest}}}}", "C.validation('size');",
            token="a", body='{"size": 1}'),
    ])


def deleting():
    ph = f"{P}/v1/photos"
    tr = f"{P}/v1/trash"
    return folder("09 Deleting photos and folders, the trash",
                  "Photo delete (to the trash), restore, delete for good, folder delete, recursive "
                  "delete, emptying the trash.", [
        req("Read the forest (a fresh URL)", "GET", f"{ph}/{{{{p_forest}}}}", r"""
const body = C.json(200);
C.set('forest_url', body.url);
C.set('forest_thumb', body.thumbnail_url);
""", token="a"),
        req("permanent=maybe: 422", "DELETE", f"{ph}/{{{{p_forest}}}}?permanent=maybe",
            "C.validation('permanent');", token="a"),
        req("Delete the forest: to the trash", "DELETE", f"{ph}/{{{{p_forest}}}}", "C.noContent();",
            token="a"),
        req("The forest is gone: 404", "GET", f"{ph}/{{{{p_forest}}}}", "C.notFound();", token="a"),
        req("In the trash its original is still stored", "GET", "{{forest_url}}", "C.status(200);"),
        req("Delete the forest again: 404", "DELETE", f"{ph}/{{{{p_forest}}}}", "C.notFound();",
            token="a"),
        req("Ana's trash holds the forest", "GET", tr, r"""
const body = C.page();
const item = (body.items || []).find((i) => i.id === C.get('p_forest')) || {};
pm.test('a photo item with its folder, size, thumbnail and dates', () => {
  pm.expect(item.kind).to.equal('photo');
  pm.expect(item).to.have.property('folder_id');
  pm.expect(item.size).to.be.above(0);
  pm.expect(item).to.have.property('thumbnail_url');
  pm.expect(item.trashed_at).to.match(C.time);
  pm.expect(item.purge_at).to.match(C.time);
});
""", token="a"),
        req("Bob cannot restore Ana's forest: 404", "POST", f"{tr}/{{{{p_forest}}}}/restore",
            "C.notFound();", token="b"),
        req("Bob cannot delete it for good: 404", "DELETE", f"{tr}/{{{{p_forest}}}}",
            "C.notFound();", token="b"),
        req("Ana restores the forest", "POST", f"{tr}/{{{{p_forest}}}}/restore", r"""
const body = C.json(200);
pm.test('the forest, back', () => pm.expect(body.id).to.equal(C.get('p_forest')));
""", token="a"),
        req("Restoring it twice: 404", "POST", f"{tr}/{{{{p_forest}}}}/restore", "C.notFound();",
            token="a"),
        req("A malformed trash id: 404", "POST", f"{tr}/xx_nope/restore", "C.notFound();",
            token="a"),
        req("Delete the forest again", "DELETE", f"{ph}/{{{{p_forest}}}}", "C.noContent();",
            token="a"),
        req("Delete the forest for good", "DELETE", f"{tr}/{{{{p_forest}}}}", "C.noContent();",
            token="a"),
        req("Its URL no longer serves the original: 404", "GET", "{{forest_url}}", "C.notFound();"),
        req("Its thumbnail is gone too: 404", "GET", "{{forest_thumb}}", "C.notFound();"),
        req("Delete the archive while it holds a photo: 409", "DELETE",
            f"{F}/v1/folders/{{{{f_archive}}}}", "C.problem(409, 'conflict');", token="a"),
        req("recursive=maybe: 422", "DELETE", f"{F}/v1/folders/{{{{f_archive}}}}?recursive=maybe",
            "C.validation('recursive');", token="a"),
        req("The archive survived the refusals", "GET", f"{ph}/{{{{p_sunset}}}}", r"""
const body = C.json(200);
C.set('sunset_url', body.url);
""", token="a"),
        req("Delete the archive recursively: to the trash", "DELETE",
            f"{F}/v1/folders/{{{{f_archive}}}}?recursive=true", "C.noContent();", token="a"),
        req("The archive is gone: 404", "GET", f"{F}/v1/folders/{{{{f_archive}}}}", "C.notFound();",
            token="a"),
        req("Its photo is gone: 404", "GET", f"{ph}/{{{{p_sunset}}}}", "C.notFound();", token="a"),
        req("Both are in the trash", "GET", tr, r"""
const body = C.page();
pm.test('the archive (a folder) and its photo', () => {
  const ids = C.ids(body);
  pm.expect(ids).to.include(C.get('f_archive'));
  pm.expect(ids).to.include(C.get('p_sunset'));
  pm.expect(body.items.find((i) => i.id === C.get('f_archive')).kind).to.equal('folder');
});
""", token="a"),
        req("Delete the archive for good, its photo with it", "DELETE", f"{tr}/{{{{f_archive}}}}",
            "C.noContent();", token="a"),
        req("Its photo's URL is dead: 404", "GET", "{{sunset_url}}", "C.notFound();"),
        req("Delete the empty folder without recursive", "DELETE", f"{F}/v1/folders/{{{{f_limit}}}}",
            "C.noContent();", token="a"),
        req("Empty the trash", "DELETE", tr, "C.noContent();", token="a"),
        req("Emptying an empty trash: 409", "DELETE", tr, "C.problem(409, 'conflict');", token="a"),
        req("The trash is empty", "GET", tr, r"""
C.sameIds('nothing', C.page(), []);
""", token="a"),
        req("Ana has two photos left", "GET", ph, r"""
C.sameIds('the harbour and the market', C.page(), ['p_harbour', 'p_market']);
""", token="a"),
        req("Ana has two folders left", "GET", f"{F}/v1/folders?q={{{{run}}}}", r"""
C.sameIds('public and private', C.page(), ['f_pub', 'f_priv']);
""", token="a"),
    ])


def account_deletion():
    return folder("10 Logout and account deletion",
                  "Ana leaves: her folders and photos go with her; Bob's stay.", [
        req("Ana logs out", "POST", f"{U}/v1/auth/logout", "C.noContent();",
            body='{"refresh_token": "{{a_refresh}}"}'),
        req("Her refresh token is dead: 401", "POST", f"{U}/v1/auth/refresh",
            "C.problem(401, 'unauthorized');", body='{"refresh_token": "{{a_refresh}}"}'),
        req("Ana's market photo: read its URL", "GET", f"{P}/v1/photos/{{{{p_market}}}}", r"""
const body = C.json(200);
C.set('market_url', body.url);
""", token="a"),
        req("Ana deletes her account", "DELETE", f"{U}/v1/users/me", "C.noContent();", token="a"),
        req("Her token no longer reaches her account: 401", "GET", f"{U}/v1/users/me",
            "C.unauthorized();", token="a"),
        req("She cannot log in: 401", "POST", f"{U}/v1/auth/login", "C.problem(401, 'unauthorized');",
            body='{"username": "{{a_name}}", "password": "{{password}}"}'),
        req("Her profile is gone: 404", "GET", f"{U}/v1/users/{{{{a_id}}}}", "C.notFound();",
            token="b"),
        req("Her public folder is gone for Bob: 404", "GET", f"{F}/v1/folders/{{{{f_pub}}}}",
            "C.notFound();", token="b"),
        req("Her private folder is gone even with her token", "GET", f"{F}/v1/folders/{{{{f_priv}}}}",
            r"""
pm.test('404, or 401 for a deleted account', () => pm.expect(pm.response.code).to.be.oneOf([401, 404]));
""", token="a"),
        req("Her photo is gone even with her token", "GET", f"{P}/v1/photos/{{{{p_market}}}}", r"""
pm.test('404, or 401 for a deleted account', () => pm.expect(pm.response.code).to.be.oneOf([401, 404]));
""", token="a"),
        req("Her photo's stored object is gone: 404", "GET", "{{market_url}}", "C.notFound();"),
        req("Public folders of this run: only Bob's", "GET", f"{F}/v1/folders?scope=public&q={{{{run}}}}",
            r"""
C.sameIds('Bob\'s folder', C.page(), ['f_bob']);
"""),
        req("Bob's photo is untouched", "GET", f"{P}/v1/photos/{{{{p_bob}}}}", r"""
const body = C.json(200);
pm.test('still in his folder', () => pm.expect(body.folder_id).to.equal(C.get('f_bob')));
""", token="b"),
        req("Bob logs out", "POST", f"{U}/v1/auth/logout", "C.noContent();",
            body='{"refresh_token": "{{b_refresh}}"}'),
        req("Bob deletes his account too", "DELETE", f"{U}/v1/users/me", "C.noContent();", token="b"),
        req("Nothing of this run is public any more", "GET",
            f"{F}/v1/folders?scope=public&q={{{{run}}}}", r"""
C.sameIds('none', C.page(), []);
"""),
    ])


def fixture_sizes():
    return [{"key": "sunset_size", "value": str((HERE / "fixtures/sunset.jpg").stat().st_size)},
            {"key": "market_size", "value": str((HERE / "fixtures/market.jpg").stat().st_size)}]


def collection():
    return {
        "info": {
            "name": "Carrete",
            "description": (
                "Flows across the three Carrete services (users, folders, photos): two users, "
                "their folders and photos, what each may see and change, sharing a folder, uploads (streamed and "
                "direct), search, moving, deleting, the trash and account deletion. Run it in order.\n\n"
                "Needs the environment local.postman_environment.json (users_url, folders_url, "
                "photos_url) and the repository root as working directory (file bodies come from "
                "tests/postman/fixtures/). Generated by tests/postman/build-collection.py."),
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
        },
        "event": [script("prerequest", HELPERS + TAG_REQUEST), script("test", HELPERS + EVERY_RESPONSE)],
        "variable": fixture_sizes(),
        "item": [health(), accounts(), folders(), folder_search(), photos_upload(), photos_read(),
                 cross_user(), sharing(), share_links(), moving(), deleting(), account_deletion()],
    }


def main():
    text = json.dumps(collection(), indent=2, ensure_ascii=False) + "\n"
    if sys.argv[1:] == ["--check"]:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            sys.exit(f"{OUT.name} is out of date: run python3 {pathlib.Path(__file__).relative_to(HERE.parent.parent)}")
        return
    OUT.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
