"""schemathesis hooks for Carrete (tests/openapi/run-schemathesis.sh).

Every generated request is made as a signed-in user.  A fresh account is
registered whenever the token must be renewed (every 30 s), because generated
requests may delete the account or change its password; with it come a folder,
a photo, a pending direct upload and a resumable upload of that account, whose
ids POSITIVE cases use for their path parameters (a generated id names nothing,
and would only ever see 404).  Admin-only operations get an admin's token.

The documents say every rule a JSON Schema can say.  The few cross-field rules
it cannot are in the operations' descriptions, and map_case below keeps
POSITIVE cases inside them (README, "Contract checks"; one function per rule).
NEGATIVE cases are never changed.
"""

import json
import os
import secrets
import subprocess
import urllib.request

import schemathesis
from hypothesis import Phase, settings

# No hill-climbing on schemathesis's success-rate target: hypothesis's
# target phase spun on users' GET /v1/users/{id} (Optimiser.hill_climb, one
# thread at 100% CPU, no request for minutes; py-spy).  Generation,
# shrinking and the rest are unchanged.
settings.register_profile("carrete", phases=[phase for phase in Phase if phase != Phase.target])
settings.load_profile("carrete")
from schemathesis import GenerationMode

USERS_URL = os.environ["CARRETE_USERS_URL"]
FOLDERS_URL = os.environ["CARRETE_FOLDERS_URL"]
PHOTOS_URL = os.environ["CARRETE_PHOTOS_URL"]
FIXTURES = os.path.join(os.path.dirname(__file__), "..", "postman", "fixtures")
PNG = open(os.path.join(FIXTURES, "forest.png"), "rb").read()


def _client_address():
    """An address of its own for each account the hooks make: the users
    service runs with CARRETE_TRUST_FORWARDED_FOR here, so that the login
    failures schemathesis provokes (from 127.0.0.1) do not use up the hooks'
    budget of the per-address login throttle."""
    return "10.%d.%d.%d" % tuple(secrets.randbelow(256) for _ in range(3))


def _call(method, url, body=None, token=None, content_type="application/json", address=None):
    headers = {"X-Forwarded-For": address} if address else {}
    if body is not None:
        headers["Content-Type"] = content_type
        if content_type == "application/json":
            body = json.dumps(body).encode()
    if token is not None:
        headers["Authorization"] = "Bearer " + token
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    with urllib.request.urlopen(request, timeout=60) as answer:
        text = answer.read()
        return json.loads(text) if text else None


def _login(name, password):
    """The token pair of a fresh session."""
    return _call("POST", USERS_URL + "/v1/auth/login", {"username": name, "password": password},
                 address=_client_address())


def _new_account():
    """A fresh account: (user id, username, password)."""
    name = "st" + secrets.token_hex(6)
    password = secrets.token_urlsafe(18)
    user = _call("POST", USERS_URL + "/v1/auth/register",
                 {"username": name, "password": password, "email": name + "@example.org"})
    return user["id"], name, password


def _resources(token):
    """Things the account owns, by path parameter kind."""
    folder = _call("POST", FOLDERS_URL + "/v1/folders", {"name": "st " + secrets.token_hex(4), "tags": ["st"]}, token)
    photo = _call("POST", PHOTOS_URL + "/v1/photos?name=forest.png&folder_id=" + folder["id"], PNG, token, "image/png")
    pending = _call("POST", PHOTOS_URL + "/v1/photos/uploads",
                    {"name": "pending.png", "content_type": "image/png", "size": len(PNG)}, token)
    resumable = _call("POST", PHOTOS_URL + "/v1/photos/uploads",
                      {"name": "resumable.png", "content_type": "image/png", "size": len(PNG), "resumable": True},
                      token)
    # Part 1 (the whole image) of the resumable upload is sent, so that
    # completing it can succeed.
    part = urllib.request.Request(resumable["parts"][0]["url"], data=PNG, method="PUT")
    with urllib.request.urlopen(part, timeout=60) as answer:
        etag = answer.headers["ETag"]
    # Another account, to share the folder with (the member routes).
    member, _, _ = _new_account()
    share = _call("POST", FOLDERS_URL + "/v1/shares", {"folder_id": folder["id"], "allow_download": True}, token)
    return {"folder": folder["id"], "photo": photo["id"], "pending": pending["photo"]["id"], "share": share["id"],
            "upload": resumable["upload_id"], "parts": [{"number": 1, "etag": etag}],
            "member": member}


class _Account:
    """Token data: the bearer token and the ids its account owns."""

    def __init__(self, token, ids):
        self.token = token
        self.ids = ids


# Which owned id a POSITIVE case's path parameter gets, by (method, path).
def _owned_path_ids(method, path, ids):
    if path == "/v1/folders/{id}" or path == "/v1/folders/{id}/members":
        return {"id": ids["folder"]}
    if path == "/v1/folders/{id}/members/{user_id}":
        return {"id": ids["folder"], "user_id": ids["member"]}
    if path == "/v1/photos/{id}/complete":
        return {"id": ids["pending"]}
    if path == "/v1/photos/{id}":
        return {"id": ids["photo"]}
    if path.startswith("/v1/photos/uploads/{upload_id}"):
        return {"upload_id": ids["upload"]}
    if path == "/v1/users/{id}":
        return {"id": ids["victim"] if method == "DELETE" else ids["user"]}
    if path == "/v1/photos/quotas/{user_id}":
        return {"user_id": ids["user"]}
    if path == "/v1/shares/{id}":
        return {"id": ids["share"]}
    return {}


def _share_targets(case, account):
    """Share links (the stateful phase's too): exactly one of folder_id and
    photo_id, the account's own folder; a new link on a new folder each
    time (at most 100 live links per folder, a count no schema states); an
    expiry in the future, at most 10 years ahead (a bound relative to now)."""
    from datetime import datetime, timedelta, timezone

    if _is(case, "GET", "/v1/shares"):
        case.query = dict(case.query or {}, folder_id=account.ids["folder"])
        case.query.pop("photo_id", None)
    if (_is(case, "POST", "/v1/shares") or _is(case, "PATCH", "/v1/shares/{id}")) and isinstance(case.body, dict):
        if _is(case, "POST", "/v1/shares"):
            case.body.pop("photo_id", None)
            fresh = _call("POST", FOLDERS_URL + "/v1/folders", {"name": "sh " + secrets.token_hex(4)}, account.token)
            case.body["folder_id"] = fresh["id"]
        if case.body.get("expires_at") is not None:
            later = datetime.now(timezone.utc) + timedelta(days=7)
            case.body["expires_at"] = later.strftime("%Y-%m-%dT%H:%M:%SZ")


def _use_owned_ids(case, account):
    # Bulk deletion takes exactly one of folder_id and owner_id: a positive
    # case with neither (the stateful phase makes them too, where neither
    # filter_case nor map_case applies, and its cases may carry no
    # generation metadata) deletes the account's own photos.
    negative = case.meta is not None and case.meta.generation.mode != GenerationMode.POSITIVE
    if not negative and _is(case, "DELETE", "/v1/photos") and not (
            case.query and ("folder_id" in case.query or "owner_id" in case.query)):
        case.query = dict(case.query or {}, owner_id=account.ids["user"])
    if not negative:
        _share_targets(case, account)
    if case.meta is None or case.meta.generation.mode != GenerationMode.POSITIVE:
        return
    # Completing needs the parts the store holds, with their ETags: state
    # that no schema can describe.  Only the hook's upload has any (in the
    # stateful phase too: the uploads its links make hold no part).
    if _is(case, "POST", "/v1/photos/uploads/{upload_id}/complete") and "parts" in account.ids:
        case.path_parameters["upload_id"] = account.ids["upload"]
        case.body["parts"] = list(account.ids["parts"])
        return
    if str(case.meta.phase.name) == "stateful":
        return  # the links already give ids the run made
    # Part numbers go up to the upload's part count: the hook's upload has
    # one part.
    if _is(case, "POST", "/v1/photos/uploads/{upload_id}/parts") and case.query:
        for key in ("from", "to"):
            if key in case.query:
                try:
                    if int(case.query[key]) > 1:
                        case.query[key] = type(case.query[key])(1)
                except (TypeError, ValueError):
                    pass
    for name, value in _owned_path_ids(case.method.upper(), case.operation.path, account.ids).items():
        if case.path_parameters is not None and name in case.path_parameters:
            case.path_parameters[name] = value
    # A refresh token is opaque: only one the service issued is valid, and
    # it works once (rotation).  Positive cases send the session's own.
    if case.operation.path in ("/v1/auth/refresh", "/v1/auth/logout") and isinstance(case.body, dict):
        case.body["refresh_token"] = account.ids["refresh"]


def _set_bearer(case, account):
    case.headers = case.headers or {}
    case.headers["Authorization"] = "Bearer " + account.token
    _use_owned_ids(case, account)


ADMIN_ONLY = [("GET", "/v1/users"), ("PATCH", "/v1/users/{id}"), ("DELETE", "/v1/users/{id}"),
              ("PUT", "/v1/photos/quotas/{user_id}")]


def _admin_only(ctx):
    return (ctx.operation.method.upper(), ctx.operation.path) in ADMIN_ONLY


@schemathesis.auth(refresh_interval=30).apply_to(lambda ctx: not _admin_only(ctx))
class CarreteUser:
    def get(self, case, ctx):
        user_id, name, password = _new_account()
        tokens = _login(name, password)
        token = tokens["access_token"]
        ids = {"user": user_id, "refresh": tokens["refresh_token"]}
        # The token is shared by every operation of the run for 30 s, so
        # whichever case asks first (/v1/storage too) gets the resources of
        # the folders and photos documents made.
        if not case.operation.path.startswith(("/v1/users", "/v1/auth", "/.well-known")):
            ids.update(_resources(token))
        return _Account(token, ids)

    def set(self, case, data, ctx):
        _set_bearer(case, data)


@schemathesis.auth(refresh_interval=30).apply_to(_admin_only)
class CarreteAdmin:
    """An account made admin with the service's own set-role command (as
    scripts/make-admin.sh does), and a victim account for it to delete."""

    def get(self, case, ctx):
        user_id, name, password = _new_account()
        subprocess.run([os.environ["CARRETE_OPENAPI_USERS_BIN"], "set-role", name, "admin"], check=True,
                       env=dict(os.environ, CARRETE_DATABASE_URL=os.environ["CARRETE_OPENAPI_USERS_DB"]),
                       stdout=subprocess.DEVNULL)
        victim, _, _ = _new_account()
        # Logged in after set-role: the role is a claim of the token.
        return _Account(_login(name, password)["access_token"], {"user": user_id, "victim": victim})

    def set(self, case, data, ctx):
        _set_bearer(case, data)



# ---- cross-field rules (README, "Contract checks") ---------------------------


MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def _positive(case):
    return case.meta is not None and case.meta.generation.mode == GenerationMode.POSITIVE


def _is(case, method, path):
    return case.method.upper() == method and case.operation.path == path


def _swap_if_reversed(query, low, high, key=lambda value: value):
    if query and low in query and high in query:
        try:
            if key(query[low]) > key(query[high]):
                query[low], query[high] = query[high], query[low]
        except (TypeError, ValueError):
            pass


def _instant(text):
    from datetime import datetime

    return datetime.fromisoformat(str(text).replace("Z", "+00:00").replace("z", "+00:00"))


def _distinct_tags(tags, limit=20):
    """The items up to the 21st different tag (trimmed, lower-cased)."""
    seen, kept = set(), []
    for tag in tags:
        key = tag.strip().lower() if isinstance(tag, str) else tag
        if key not in seen and len(seen) == limit:
            break
        seen.add(key)
        kept.append(tag)
    return kept


@schemathesis.hook
def map_case(ctx, case):
    if not _positive(case):
        return case
    # Folders: at most 20 different tags after normalising.
    if isinstance(case.body, dict) and isinstance(case.body.get("tags"), list):
        case.body["tags"] = _distinct_tags(case.body["tags"])
    if case.query and isinstance(case.query.get("tags"), str):
        case.query["tags"] = ",".join(_distinct_tags([t for t in case.query["tags"].split(",") if t.strip()]))
        if case.query["tags"] == "" and _is(case, "GET", "/v1/photos"):
            del case.query["tags"]
    # Searches: `from` must not be after `to`.
    if _is(case, "GET", "/v1/folders") or _is(case, "GET", "/v1/photos"):
        _swap_if_reversed(case.query, "from", "to", _instant)
    # Part URLs: `to` must not be below `from`, and at most 100 at a time.
    if _is(case, "POST", "/v1/photos/uploads/{upload_id}/parts") and case.query:
        _swap_if_reversed(case.query, "from", "to", int)
        try:
            low, high = int(case.query["from"]), int(case.query["to"])
        except (KeyError, TypeError, ValueError):
            pass
        else:
            if high > low + 99:
                case.query["to"] = type(case.query["to"])(low + 99)
    # An upload's declared size is at most the deployment's upload limit
    # (CARRETE_MAX_UPLOAD_BYTES: this stack runs with the default, 50 MiB),
    # a setting no schema can state.
    if _is(case, "POST", "/v1/photos/uploads") and isinstance(case.body, dict):
        size = case.body.get("size")
        if isinstance(size, (int, float)) and not isinstance(size, bool) and size > MAX_UPLOAD_BYTES:
            case.body["size"] = type(size)(MAX_UPLOAD_BYTES)
    # A cursor is opaque: only one the service issued is valid, and a
    # generated one never is.  Positive cases go without.
    if case.query and "cursor" in case.query:
        del case.query["cursor"]
    # A link holder's listing takes no tags (they select among the caller's
    # own folders, and a link has none: 422, as the document says).
    if _is(case, "GET", "/v1/photos") and case.headers and "X-Carrete-Share" in case.headers:
        if case.query:
            case.query.pop("tags", None)
    # Bulk deletion takes exactly one of folder_id and owner_id.
    if _is(case, "DELETE", "/v1/photos") and case.query and "folder_id" in case.query:
        case.query.pop("owner_id", None)
    # An upload's bytes must be an image (the type is read from the bytes,
    # not from Content-Type).  schemathesis already sends an image as a raw
    # image/* body; a multipart `file` part holds random bytes.  Changed in
    # place: a replaced body would be judged again as a whole, and bytes
    # are not a JSON Schema string.
    if _is(case, "POST", "/v1/photos") and isinstance(case.body, dict) and "file" in case.body:
        case.body["file"] = PNG
    return case


@schemathesis.hook
def before_add_examples(ctx, examples):
    # The examples phase takes the documents' examples as they are: the
    # same rules apply to them.
    for case in examples:
        map_case(ctx, case)


def _token_subject(case):
    """The account a bearer token speaks for (its `sub`: the opaque user id)."""
    import base64

    auth = (case.headers or {}).get("Authorization", "")
    try:
        payload = auth.split(" ", 1)[1].split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"]
    except (IndexError, ValueError, KeyError):
        return None


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    # Bulk deletion takes exactly one of folder_id and owner_id, in every
    # phase: the stateful phase's cases reach no other hook of this file
    # before they are sent (a positive case with neither deletes the
    # account's own photos).
    negative = case.meta is not None and case.meta.generation.mode != GenerationMode.POSITIVE
    if not negative and _is(case, "DELETE", "/v1/photos") and not (
            case.query and ("folder_id" in case.query or "owner_id" in case.query)):
        subject = _token_subject(case)
        if subject is not None:
            case.query = dict(case.query or {}, owner_id=subject)
    # Moving a photo names a folder the caller owns.  The stateful phase
    # sends generated folder ids (its links carry the photo's id, not a
    # folder's): its positive moves go out of any folder instead (null),
    # since a 404 for the folder reads as "created resource not found".
    stateful = case.meta is None or str(case.meta.phase.name) == "stateful"
    if (not negative and stateful and _is(case, "PATCH", "/v1/photos/{id}")
            and isinstance(case.body, dict) and isinstance(case.body.get("folder_id"), str)):
        case.body["folder_id"] = None


@schemathesis.hook
def filter_case(ctx, case):
    # Bulk deletion takes exactly one of folder_id and owner_id: a positive
    # case with neither is not one.
    if _positive(case) and _is(case, "DELETE", "/v1/photos"):
        return bool(case.query) and ("folder_id" in case.query or "owner_id" in case.query)
    return True
