#!/usr/bin/env python3
"""The API side of tests/backup/test-backup.sh: fills a stack, keeps a light
write load going, reads back everything a user can see, and compares two
such readings.  Addresses come from CARRETE_USERS_URL, CARRETE_FOLDERS_URL
and CARRETE_PHOTOS_URL.

  backup-api.py populate STATE            users, folders, photos (both upload paths)
  backup-api.py load STATE STOP LOG       uploads, renames, deletes until STOP exists
  backup-api.py doom STATE DOOMED         deletes the account of the last user and the
                                          first public folder of the one before (with
                                          its photos), noting them in DOOMED
  backup-api.py collect STATE OUT [DOOMED]
                                          every user, folder and photo (SHA-256 of
                                          each original fetched through its URL),
                                          logging in with the old passwords (the
                                          doomed account's must fail)
  backup-api.py compare BEFORE AFTER LOG START [DOOMED]
                                          what was acknowledged before the backup
                                          (at START, seconds since the epoch) is
                                          all there, byte for byte, and nothing of
                                          the doomed account and folder
"""
import hashlib
import json
import os
import struct
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib

USERS = os.environ.get("CARRETE_USERS_URL", "")
FOLDERS = os.environ.get("CARRETE_FOLDERS_URL", "")
PHOTOS = os.environ.get("CARRETE_PHOTOS_URL", "")


def request(method, url, body=None, token=None, headers=None, raw=None, timeout=30):
    """One HTTP request: (status, headers, payload).  Connection errors and
    timeouts raise (OSError, urllib.error.URLError)."""
    data, hdrs = None, dict(headers or {})
    if body is not None:
        data = json.dumps(body).encode()
        hdrs["Content-Type"] = "application/json"
    if raw is not None:
        data = raw
    if token:
        hdrs["Authorization"] = "Bearer " + token
    req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            payload = resp.read()
            return resp.status, resp.headers, payload
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def call(method, url, body=None, token=None, headers=None, raw=None):
    status, _, payload = request(method, url, body, token, headers, raw)
    return status, payload


def ok(status, payload, what, *expected):
    if status not in expected:
        raise SystemExit(f"{what}: {status} {payload[:300]!r}")
    return json.loads(payload) if payload else None


def png(seed):
    """A small PNG whose pixels depend on `seed`: distinct bytes per photo
    (the seed's eight bytes are the first pixels' own)."""
    w = h = 16
    rows = b"".join(b"\0" + bytes(((x * 7 + y * 13 + seed * 31 + c * 17) % 256)
                                  for x in range(w) for c in range(3)) for y in range(h))
    rows = rows[:1] + seed.to_bytes(8, "big") + rows[9:]

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def login(user):
    return ok(*call("POST", USERS + "/v1/auth/login",
                    {"username": user["username"], "password": user["password"]}),
              "login " + user["username"], 200)["access_token"]


def upload_stream(token, name, data, folder_id=None):
    query = {"name": name}
    if folder_id:
        query["folder_id"] = folder_id
    return ok(*call("POST", PHOTOS + "/v1/photos?" + urllib.parse.urlencode(query), raw=data,
                    token=token, headers={"Content-Type": "image/png"}), "upload " + name, 201)


def upload_direct(token, name, data, folder_id=None):
    body = {"name": name, "content_type": "image/png", "size": len(data)}
    if folder_id:
        body["folder_id"] = folder_id
    up = ok(*call("POST", PHOTOS + "/v1/photos/uploads", body, token=token), "direct " + name, 201)
    ok(*call(up["upload_method"], up["upload_url"], raw=data, headers=up["upload_headers"]),
       "PUT " + name, 200, 201, 204)
    return ok(*call("POST", PHOTOS + f"/v1/photos/{up['photo']['id']}/complete", token=token),
              "complete " + name, 200)


def populate(state_path):
    users, seed = [], 0
    for i in range(3):
        user = {"username": f"backup{i}", "email": f"backup{i}@example.org",
                "password": f"correct horse {i} battery"}
        ok(*call("POST", USERS + "/v1/auth/register", user), "register", 201)
        token = login(user)
        for visibility in ("public", "private"):
            folder = ok(*call("POST", FOLDERS + "/v1/folders",
                              {"name": f"{visibility} {i}", "visibility": visibility,
                               "tags": [f"tag{i}", visibility]}, token=token), "folder", 201)
            for j in range(2):
                seed += 1
                send = upload_direct if j == 1 else upload_stream
                send(token, f"photo {seed}", png(seed), folder["id"])
        seed += 1
        upload_stream(token, f"loose {seed}", png(seed))
        users.append(user)
    with open(state_path, "w") as f:
        json.dump({"users": users, "seed": seed}, f)


def load(state_path, stop_path, log_path):
    """A light load on the first user until `stop_path` exists: each round
    uploads a photo, renames the one before, and deletes the one before
    that.  Every acknowledged write is logged."""
    state = json.load(open(state_path))
    user, seed, mine = state["users"][0], 10000, []
    token, since = login(user), time.time()
    with open(log_path, "w") as log:
        while not os.path.exists(stop_path):
            if time.time() - since > 600:
                raise SystemExit("the load was never stopped")
            seed += 1
            data = png(seed)
            photo = upload_stream(token, f"load {seed}", data)
            mine.append(photo["id"])
            log.write(json.dumps({"op": "upload", "name": f"load {seed}", "t": time.time(),
                                  "sha256": hashlib.sha256(data).hexdigest()}) + "\n")
            if len(mine) >= 2:
                ok(*call("PATCH", PHOTOS + f"/v1/photos/{mine[-2]}", {"name": f"renamed {seed - 1}"},
                         token=token), "rename", 200)
                log.write(json.dumps({"op": "rename", "name": f"load {seed - 1}",
                                      "to": f"renamed {seed - 1}"}) + "\n")
            if len(mine) >= 3:
                ok(*call("DELETE", PHOTOS + f"/v1/photos/{mine[-3]}", token=token), "delete", 204)
                log.write(json.dumps({"op": "delete", "name": f"renamed {seed - 2}",
                                      "sha256": hashlib.sha256(png(seed - 2)).hexdigest()}) + "\n")
            log.flush()
            time.sleep(0.05)


def doom(state_path, doomed_path):
    """Run by test-backup.sh's pg_dump wrapper just before the folders dump
    (the users' snapshot is not taken yet): one account and one folder with
    photos go during the backup."""
    users = json.load(open(state_path))["users"]
    gone, keeper = users[-1], users[-2]
    ok(*call("DELETE", USERS + "/v1/users/me", token=login(gone)), "delete the account", 204)
    token = login(keeper)
    folder = next(f for f in pages(FOLDERS + "/v1/folders?limit=100", token)
                  if f["visibility"] == "public")
    # For good: what this checks is a deletion racing the dumps (a trashed
    # folder and its photos are kept, and come back in the trash).
    ok(*call("DELETE", FOLDERS + f"/v1/folders/{folder['id']}?recursive=true&permanent=true",
             token=token), "delete the folder", 204)
    with open(doomed_path, "w") as f:
        json.dump({"user": gone["username"], "folder": [keeper["username"], folder["name"]]}, f)


def pages(url, token):
    items, cursor = [], None
    while True:
        page = ok(*call("GET", url + ("&cursor=" + cursor if cursor else ""), token=token), url, 200)
        items += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return items


def doomed_of(path):
    return json.load(open(path)) if path else {"user": None, "folder": [None, None]}


def collect(state_path, out_path, doomed_path=None):
    state, out = json.load(open(state_path)), {}
    doomed = doomed_of(doomed_path)
    for user in state["users"]:
        if user["username"] == doomed["user"]:
            # Deleted before the users' snapshot: the account is not restored.
            status, payload = call("POST", USERS + "/v1/auth/login",
                                   {"username": user["username"], "password": user["password"]})
            if status != 401:
                raise SystemExit(f"the deleted account {user['username']} logs in: {status}")
            continue
        token = login(user)  # the old password must work
        me = ok(*call("GET", USERS + "/v1/users/me", token=token), "me", 200)
        folders = pages(FOLDERS + "/v1/folders?limit=100", token)
        by_id = {f["id"]: f for f in folders}
        photos = []
        for item in pages(PHOTOS + "/v1/photos?limit=100", token):
            photo = ok(*call("GET", PHOTOS + f"/v1/photos/{item['id']}", token=token), "photo", 200)
            status, data = call("GET", photo["url"])
            if status != 200:
                raise SystemExit(f"the original of {photo['name']}: {status}")
            folder = by_id.get(photo.get("folder_id"))
            photos.append({"name": photo["name"], "sha256": hashlib.sha256(data).hexdigest(),
                           "folder": folder["name"] if folder else None,
                           "tags": sorted(folder["tags"]) if folder else []})
        out[user["username"]] = {
            "email": me["email"], "username": me["username"],
            "folders": sorted((f["name"], f["visibility"], sorted(f["tags"])) for f in folders),
            "photos": sorted(photos, key=lambda p: p["sha256"])}
    with open(out_path, "w") as f:
        json.dump(out, f, indent=1)


def load_user(before):
    return sorted(before)[0]


def compare(before_path, after_path, log_path, start, doomed_path=None):
    before, after = json.load(open(before_path)), json.load(open(after_path))
    doomed = doomed_of(doomed_path)
    # Nothing of the deleted account or folder comes back, for anyone.
    everywhere = {p["sha256"] for user in after.values() for p in user["photos"]}
    for name, old in before.items():
        for photo in old["photos"]:
            if name == doomed["user"] or [name, photo["folder"]] == doomed["folder"]:
                if photo["sha256"] in everywhere:
                    raise SystemExit(f"{name}'s photo {photo['name']}, deleted during the backup, is back")
                photo["doomed"] = True
    if doomed["user"] is not None:
        before.pop(doomed["user"])
    load_ops = [json.loads(line) for line in open(log_path)]
    deleted = {op["sha256"] for op in load_ops if op["op"] == "delete"}
    # Uploads of the load acknowledged before the backup started, and never
    # deleted, must be there too.
    must = {op["sha256"] for op in load_ops
            if op["op"] == "upload" and op["t"] < float(start) and op["sha256"] not in deleted}
    uploaded = {op["sha256"]: op["name"] for op in load_ops if op["op"] == "upload"}
    renamed = {op["to"]: op["name"] for op in load_ops if op["op"] == "rename"}
    problems, checked = [], 0
    for name, old in before.items():
        new = after.get(name)
        if new is None:
            problems.append(f"user {name} is missing")
            continue
        if (new["username"], new["email"]) != (old["username"], old["email"]):
            problems.append(f"user {name}: {new['username']} {new['email']}")
        # The deleted folder was in the folders dump: it may come back, empty.
        folders = [f for f in new["folders"] if [name, f[0]] != doomed["folder"]]
        if folders != [f for f in old["folders"] if [name, f[0]] != doomed["folder"]]:
            problems.append(f"{name}'s folders: {new['folders']} != {old['folders']}")
        restored = {p["sha256"]: p for p in new["photos"]}
        for photo in old["photos"]:
            checked += 1
            if photo.get("doomed"):
                continue
            if restored.pop(photo["sha256"], None) != photo:
                problems.append(f"{name}'s photo {photo['name']} is missing or differs")
        # What is left came from the load: its bytes are one it uploaded,
        # under a name it gave that photo.
        for sha in must if name == load_user(before) else ():
            checked += 1
            if sha not in restored:
                problems.append(f"the load's upload {uploaded[sha]}, acknowledged before the backup, is missing")
        for sha, photo in restored.items():
            original = uploaded.get(sha)
            if original is None or renamed.get(photo["name"], photo["name"]) != original:
                problems.append(f"{name}'s photo {photo['name']} was never acknowledged")
            checked += 1
    print(f"{checked} photos checked; {len(uploaded)} uploads, {len(renamed)} renames and "
          f"{sum(op['op'] == 'delete' for op in load_ops)} deletes acknowledged during the load")
    if problems:
        raise SystemExit("\n".join(problems))


if __name__ == "__main__":
    commands = {"populate": populate, "load": load, "doom": doom, "collect": collect,
                "compare": compare}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        raise SystemExit(__doc__)
    commands[sys.argv[1]](*sys.argv[2:])
