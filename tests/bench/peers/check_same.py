"""Checks that a benchmark peer answers exactly as Carrete does.

    python3 check_same.py USERS_URL PHOTOS_URL PEER_URL TOKENS_FILE MIN_ITEMS

For every access token in TOKENS_FILE (one a line): GET /v1/users/me from
carrete-users and from the peer, and GET /v1/photos?limit=50 from
carrete-photos and from the peer, then (for the first 20 tokens) the next
page through each side's own next_cursor.  Every answer must be a 200 with
Content-Type application/json and the same Cache-Control, and the two
parsed bodies must be equal: same members, same values, ids, signed URLs
and cursors included.  Each page must hold at least MIN_ITEMS items, and
the user's id in /me must be the token's `sub`.  A token with a broken
signature must get 401 from both.

Signed URLs depend on the time only through the URL cache's window
(services/photos/url-cache.c), so both sides sign the same URL unless a
window ends between the two requests: a pair that differs is asked again
once before it counts as a difference.

Before trusting itself, the comparison is run on a copy of a real answer
with one character changed, which it must report.  Standard library only.
Exits 1 on any difference, with the first ones printed.
"""

import base64
import copy
import http.client
import json
import sys
import urllib.parse

PAGE = "/v1/photos?limit=50"
FOLLOWED_PAGES = 20


def differences(a, b, path="$"):
    """Every place where two parsed JSON values differ (types included)."""
    if type(a) is not type(b):
        return [f"{path}: {a!r} != {b!r}"]
    if isinstance(a, dict):
        out = [f"{path}.{k}: only on one side" for k in sorted(a.keys() ^ b.keys())]
        for k in sorted(a.keys() & b.keys()):
            out += differences(a[k], b[k], f"{path}.{k}")
        return out
    if isinstance(a, list):
        out = [] if len(a) == len(b) else [f"{path}: {len(a)} items != {len(b)}"]
        for i, (x, y) in enumerate(zip(a, b)):
            out += differences(x, y, f"{path}[{i}]")
        return out
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


class Side:
    def __init__(self, name, url):
        self.name = name
        parts = urllib.parse.urlsplit(url)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)

    def get(self, path, token):
        self.conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        r = self.conn.getresponse()
        body = r.read()
        parsed = None
        if r.getheader("Content-Type", "").startswith("application/json"):
            parsed = json.loads(body)
        return r.status, r.getheader("Content-Type"), r.getheader("Cache-Control"), parsed, len(body)


def token_sub(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"]


def main():
    users_url, photos_url, peer_url, tokens_file, min_items = sys.argv[1:6]
    min_items = int(min_items)
    tokens = [t.strip() for t in open(tokens_file) if t.strip()]
    carrete_users, carrete_photos = Side("carrete-users", users_url), Side("carrete-photos", photos_url)
    peer = Side("peer", peer_url)
    problems = []
    compared = {"me": 0, "page 1": 0, "page 2": 0}
    body_bytes = [0, 0]  # of the answers found equal: carrete, peer

    def compare(what, carrete, path, token, peer_path=None):
        for attempt in (1, 2):
            try:
                c, p = carrete.get(path, token), peer.get(peer_path or path, token)
            except (OSError, http.client.HTTPException, ValueError) as e:
                problems.append(f"{what}: {type(e).__name__}: {e}")
                for side in (carrete, peer):
                    side.conn.close()  # reconnects on the next request
                return None
            if c[0] != 200 or p[0] != 200:
                problems.append(f"{what}: status {carrete.name} {c[0]}, peer {p[0]}")
                return None
            found = differences(c[3], p[3])
            if c[1:3] != p[1:3]:
                found.append(f"headers: {c[1:3]} != {p[1:3]}")
            if not found:
                compared[what.split(" #")[0]] += 1
                body_bytes[0] += c[4]
                body_bytes[1] += p[4]
                return c[3]
        problems.extend(f"{what}: {d}" for d in found[:5])
        return None

    # The comparison must be able to fail: one changed character in a real answer.
    sample = Side("carrete-photos", photos_url).get(PAGE, tokens[0])[3]
    if not sample or not sample.get("items"):
        print("check: carrete-photos lists nothing for the first token", file=sys.stderr)
        return 1
    broken = copy.deepcopy(sample)
    url = broken["items"][-1]["thumbnail_url"]
    broken["items"][-1]["thumbnail_url"] = url[:-1] + ("0" if url[-1] != "0" else "1")
    if len(differences(sample, broken)) != 1 or differences(sample, sample):
        print("check: the comparison does not see a changed URL; not trusting it", file=sys.stderr)
        return 1

    for i, token in enumerate(tokens):
        me = compare(f"me #{i}", carrete_users, "/v1/users/me", token)
        if me is not None and me.get("id") != token_sub(token):
            problems.append(f"me #{i}: id {me.get('id')} is not the token's sub {token_sub(token)}")
        page = compare(f"page 1 #{i}", carrete_photos, PAGE, token)
        if page is not None and len(page["items"]) < min_items:
            problems.append(f"page 1 #{i}: {len(page['items'])} items < {min_items}")
        if page is not None and i < FOLLOWED_PAGES and page["next_cursor"]:
            path = f"{PAGE}&cursor={urllib.parse.quote(page['next_cursor'])}"
            compare(f"page 2 #{i}", carrete_photos, path, token)
        if len(problems) >= 20:
            break

    bad = tokens[0][:-2] + ("AA" if tokens[0][-2:] != "AA" else "BB")
    for side in (carrete_users, peer):
        status = side.get("/v1/users/me", bad)[0]
        if status != 401:
            problems.append(f"{side.name} answered {status}, not 401, to a token with a broken signature")

    if problems:
        print(f"check: the peer does NOT answer as Carrete ({len(problems)} problems):", file=sys.stderr)
        for p in problems[:20]:
            print(f"  {p}", file=sys.stderr)
        return 1
    print(f"check: same answers for {len(tokens)} users: {compared['me']} /me, "
          f"{compared['page 1']} first pages, {compared['page 2']} second pages "
          f"(body bytes: carrete {body_bytes[0]}, peer {body_bytes[1]})",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
