#!/usr/bin/env python3
"""The load and the read-back of tests/chaos/test-chaos.sh.  Addresses come
from CARRETE_USERS_URL, CARRETE_FOLDERS_URL and CARRETE_PHOTOS_URL; the HTTP
client and the images are tests/backup/backup-api.py's.

  chaos-load.py load DIR STOP      a mixed load at a fixed rate until STOP exists:
                                   ACTORS threads, one user each, with uploads of
                                   distinct images over every upload path (streamed,
                                   multipart form, direct PUT, resumable), lists,
                                   gets (and the original's bytes), renames, moves,
                                   deletes (to the trash, or for good), restores,
                                   empty-trashes, logins and refreshes.  Every answer goes
                                   to DIR/answers.jsonl, every acknowledged write to
                                   DIR/acks.jsonl, each answer that was a success
                                   with wrong data to DIR/wrong.jsonl
  chaos-load.py check DIR KEYS     after the load: every acknowledged upload still
                                   readable with its SHA-256 and its thumbnails there
                                   (or pending); every acknowledged delete for good gone,
                                   from the API and from the store (KEYS: its key
                                   listing); every photo acknowledged in the trash absent
                                   from gets, in GET /v1/trash with its original in the
                                   store, and (a sample, restored and trashed again) its
                                   exact SHA-256; prints DIR/check.json

Settings (environment): CHAOS_ACTORS (3), CHAOS_RATE (operations per second
in all, 6), CHAOS_MAX_REQUESTS (bound, 6000), CHAOS_TIMEOUT (seconds per request, 10).
"""
import hashlib
import importlib.util
import json
import os
import random
import re
import sys
import threading
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    "backup_api", os.path.join(HERE, "..", "backup", "backup-api.py"))
api = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(api)

ACTORS = int(os.environ.get("CHAOS_ACTORS", "3"))
RATE = float(os.environ.get("CHAOS_RATE", "6"))
MAX_REQUESTS = int(os.environ.get("CHAOS_MAX_REQUESTS", "6000"))
TIMEOUT = float(os.environ.get("CHAOS_TIMEOUT", "10"))
PREFIX = re.compile(r"(p/[0-9a-f]+)/original")


def acceptable(status, headers):
    """What an answer may be under faults: a success, or a 503 that says
    when to come back.  (Timeouts and connection errors never get here.)"""
    return 200 <= status < 300 or (status == 503 and headers.get("Retry-After") is not None)


class Journal:
    """Every answer, every acknowledged write, every wrong success: JSON
    lines, written by all the actors."""

    def __init__(self, folder):
        self.lock = threading.Lock()
        self.files = {name: open(os.path.join(folder, name + ".jsonl"), "a")
                      for name in ("answers", "acks", "wrong")}
        self.requests = 0

    def write(self, name, record):
        with self.lock:
            if name == "answers":
                self.requests += 1
            self.files[name].write(json.dumps(record) + "\n")
            self.files[name].flush()

    def over(self):
        with self.lock:
            return self.requests >= MAX_REQUESTS


class Outcome(Exception):
    """A step of an operation did not succeed (recorded already)."""


class Actor(threading.Thread):
    def __init__(self, index, journal, stop_path, seed_base):
        super().__init__(daemon=True)
        self.index, self.journal, self.stop_path = index, journal, stop_path
        self.seed = seed_base
        self.user = {"username": f"chaos{index}-{uuid.uuid4().hex[:8]}",
                     "password": f"chaos battery {index} staple"}
        self.user["email"] = self.user["username"] + "@example.org"
        self.access = self.refresh_token = None
        self.folders = []
        self.photos = {}  # id -> {"sha", "names": set, "folders": set, "prefix"}
        self.trashed = {}  # id -> the same, for photos acknowledged in the trash
        # After an empty-trash that got no answer, the server may still be
        # emptying: no photo goes to the trash any more (it could be taken).
        self.trash_unsure = False
        self.rng = random.Random(index)
        self.failed = None

    # ---- one request, recorded --------------------------------------------------------
    def send(self, op, route, method, url, body=None, raw=None, headers=None, token=True):
        record = {"t": time.time(), "actor": self.index, "op": op, "route": route}
        try:
            status, hdrs, payload = api.request(method, url, body=body, raw=raw, headers=headers,
                                                token=self.access if token else None,
                                                timeout=TIMEOUT)
        except Exception as err:  # noqa: BLE001: a timeout or a connection error, any kind
            record.update(error=type(err).__name__, detail=str(err)[:200],
                          seconds=round(time.time() - record["t"], 3))
            self.journal.write("answers", record)
            raise Outcome(op) from None
        record.update(status=status, retry_after=hdrs.get("Retry-After"),
                      seconds=round(time.time() - record["t"], 3))
        if not acceptable(status, hdrs):
            record["detail"] = payload[:300].decode("utf-8", "replace")
        self.journal.write("answers", record)
        if not 200 <= status < 300:
            raise Outcome(op)
        return hdrs, payload

    def wrong(self, op, what):
        self.journal.write("wrong", {"t": time.time(), "actor": self.index, "op": op, "what": what})

    def ack(self, kind, **fields):
        self.journal.write("acks", {"t": time.time(), "actor": self.index, "kind": kind,
                                    "user": self.user, **fields})

    # ---- set-up, retried until it works: faults begin after it ------------------------
    # Each step is retried (a service just started may answer 503 while a
    # worker's first database connection opens); its answers are recorded
    # and checked like any other.
    def setup(self):
        def retried(step):
            for _ in range(49):
                try:
                    return step()
                except Outcome:
                    time.sleep(0.2)
            return step()

        for _ in range(50):
            try:
                self.send("setup", "POST /v1/auth/register", "POST",
                          api.USERS + "/v1/auth/register", body=self.user, token=False)
                break
            except Outcome:
                time.sleep(0.2)
        retried(self.login)
        for visibility in ("public", "private"):
            _, payload = retried(lambda: self.send(
                "setup", "POST /v1/folders", "POST", api.FOLDERS + "/v1/folders",
                body={"name": f"{visibility} {self.index}", "visibility": visibility,
                      "tags": ["chaos"]}))
            self.folders.append(json.loads(payload)["id"])

    # ---- the operations -----------------------------------------------------------------
    def login(self):
        _, payload = self.send("login", "POST /v1/auth/login", "POST", api.USERS + "/v1/auth/login",
                               body={"username": self.user["username"],
                                     "password": self.user["password"]}, token=False)
        self.take_tokens(payload, "login")

    def take_tokens(self, payload, op):
        pair = json.loads(payload)
        if not pair.get("access_token") or not pair.get("refresh_token"):
            self.wrong(op, f"no tokens in {payload[:200]!r}")
            raise Outcome(op)
        self.access, self.refresh_token = pair["access_token"], pair["refresh_token"]

    def refresh(self):
        token, self.refresh_token = self.refresh_token, None  # unknown until answered
        if token is None:
            return self.login()
        _, payload = self.send("refresh", "POST /v1/auth/refresh", "POST",
                               api.USERS + "/v1/auth/refresh", body={"refresh_token": token},
                               token=False)
        self.take_tokens(payload, "refresh")

    def next_image(self):
        self.seed += 1
        data = api.png(self.seed)
        return f"chaos {self.seed}", data, self.rng.choice(self.folders + [None])

    def acknowledged(self, op, photo, name, data, folder):
        sha = hashlib.sha256(data).hexdigest()
        if photo.get("name") != name or photo.get("folder_id") != folder:
            self.wrong(op, f"acknowledged {name} in {folder}, answered {photo.get('name')} "
                           f"in {photo.get('folder_id')}")
        match = PREFIX.search(photo.get("url") or "")
        if match is None:
            self.wrong(op, f"no original URL in the answer: {photo.get('url')!r}")
        prefix = match.group(1) if match else None
        self.photos[photo["id"]] = {"sha": sha, "names": {name}, "folders": {folder},
                                    "prefix": prefix}
        self.ack("upload", op=op, id=photo["id"], sha256=sha, name=name, folder=folder,
                 prefix=prefix)

    def upload_stream(self):
        name, data, folder = self.next_image()
        query = {"name": name, **({"folder_id": folder} if folder else {})}
        _, payload = self.send("upload_stream", "POST /v1/photos", "POST",
                               api.PHOTOS + "/v1/photos?" + api.urllib.parse.urlencode(query),
                               raw=data, headers={"Content-Type": "image/png"})
        self.acknowledged("upload_stream", json.loads(payload), name, data, folder)

    def upload_form(self):
        name, data, folder = self.next_image()
        boundary = "chaos" + uuid.uuid4().hex
        fields = [("name", name)] + ([("folder_id", folder)] if folder else [])
        body = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                        .encode() for k, v in fields)
        body += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="c.png"\r\n'
                 f"Content-Type: image/png\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        _, payload = self.send("upload_form", "POST /v1/photos (form)", "POST", api.PHOTOS + "/v1/photos",
                               raw=body,
                               headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        self.acknowledged("upload_form", json.loads(payload), name, data, folder)

    def upload_direct(self):
        name, data, folder = self.next_image()
        body = {"name": name, "content_type": "image/png", "size": len(data),
                **({"folder_id": folder} if folder else {})}
        _, payload = self.send("upload_direct", "POST /v1/photos/uploads", "POST",
                               api.PHOTOS + "/v1/photos/uploads", body=body)
        up = json.loads(payload)
        self.send("upload_direct", "PUT upload_url", up["upload_method"], up["upload_url"], raw=data,
                  headers=up["upload_headers"], token=False)
        _, payload = self.send("upload_direct", "POST /v1/photos/{id}/complete", "POST",
                               api.PHOTOS + f"/v1/photos/{up['photo']['id']}/complete")
        self.acknowledged("upload_direct", json.loads(payload), name, data, folder)

    def upload_resumable(self):
        name, data, folder = self.next_image()
        body = {"name": name, "content_type": "image/png", "size": len(data), "resumable": True,
                **({"folder_id": folder} if folder else {})}
        _, payload = self.send("upload_resumable", "POST /v1/photos/uploads (resumable)", "POST",
                               api.PHOTOS + "/v1/photos/uploads", body=body)
        up = json.loads(payload)
        if up.get("part_count") != 1 or len(up.get("parts", [])) != 1:
            self.wrong("upload_resumable", f"{len(data)} bytes in parts: {payload[:300]!r}")
            raise Outcome("upload_resumable")
        hdrs, _ = self.send("upload_resumable", "PUT part url", "PUT", up["parts"][0]["url"], raw=data,
                            token=False)
        etag = hdrs.get("ETag")
        if self.rng.random() < 0.1:  # now and then the client gives up: DELETE
            self.send("upload_resumable", "DELETE /v1/photos/uploads/{id}", "DELETE",
                      api.PHOTOS + f"/v1/photos/uploads/{up['upload_id']}")
            return
        _, payload = self.send("upload_resumable", "POST /v1/photos/uploads/{id}/complete", "POST",
                               api.PHOTOS + f"/v1/photos/uploads/{up['upload_id']}/complete",
                               body={"parts": [{"number": 1, "etag": etag}]})
        self.acknowledged("upload_resumable", json.loads(payload), name, data, folder)

    def some_photo(self):
        if not self.photos:
            raise Outcome("nothing yet")
        key = self.rng.choice(sorted(self.photos))
        return key, self.photos[key]

    def check_photo(self, op, photo):
        known = self.photos.get(photo.get("id"))
        if known is None:
            return
        if photo.get("name") not in known["names"] or photo.get("folder_id") not in known["folders"]:
            self.wrong(op, f"{photo.get('id')}: {photo.get('name')} in {photo.get('folder_id')}, "
                           f"expected one of {sorted(known['names'])} in {sorted(map(str, known['folders']))}")

    def get(self):
        key, known = self.some_photo()
        _, payload = self.send("get", "GET /v1/photos/{id}", "GET", api.PHOTOS + f"/v1/photos/{key}")
        photo = json.loads(payload)
        self.check_photo("get", photo)
        if self.rng.random() < 0.5:
            _, data = self.send("get", "GET original url", "GET", photo["url"], token=False)
            if hashlib.sha256(data).hexdigest() != known["sha"]:
                self.wrong("get", f"{key}: the original's SHA-256 differs")

    def list(self):
        folder = self.rng.choice(self.folders + [None])
        url = api.PHOTOS + "/v1/photos?limit=50" + (f"&folder_id={folder}" if folder else "")
        _, payload = self.send("list", "GET /v1/photos", "GET", url)
        for item in json.loads(payload).get("items", []):
            if item.get("id") in self.trashed:
                self.wrong("list", f"{item['id']}, acknowledged in the trash, is listed")
            self.check_photo("list", item)

    def list_folders(self):
        _, payload = self.send("list_folders", "GET /v1/folders", "GET",
                               api.FOLDERS + "/v1/folders?scope=mine&limit=50")
        got = sorted(f["id"] for f in json.loads(payload).get("items", []))
        if got != sorted(self.folders):
            self.wrong("list_folders", f"folders {got}, expected {sorted(self.folders)}")

    def patch(self, op, key, known, field, value):
        """PATCH one field; until answered, the old value and the new one
        are both right."""
        mine = known["names" if field == "name" else "folders"]
        mine.add(value)
        _, payload = self.send(op, f"PATCH /v1/photos/{{id}} ({field})", "PATCH",
                               api.PHOTOS + f"/v1/photos/{key}", body={field: value})
        mine.intersection_update({value})
        self.check_photo(op, json.loads(payload))

    def rename(self):
        key, known = self.some_photo()
        self.seed += 1
        self.patch("rename", key, known, "name", f"renamed {self.seed}")

    def move(self):
        key, known = self.some_photo()
        folder = self.rng.choice([f for f in self.folders + [None] if f not in known["folders"]] or [None])
        self.patch("move", key, known, "folder_id", folder)

    def delete(self):
        """To the trash, or (half the time) for good."""
        key, known = self.some_photo()
        del self.photos[key]  # gone or not, it is no one's to look at any more
        permanent = self.trash_unsure or self.rng.random() < 0.5
        route = "DELETE /v1/photos/{id}" + ("?permanent=true" if permanent else " (trash)")
        try:
            self.send("delete", route, "DELETE",
                      api.PHOTOS + f"/v1/photos/{key}" + ("?permanent=true" if permanent else ""))
        except Outcome:
            self.ack("maybe-deleted", id=key, prefix=known["prefix"], sha256=known["sha"])
            raise
        if permanent:
            self.ack("delete", id=key, prefix=known["prefix"])
        else:
            self.trashed[key] = known
            self.ack("trash", id=key, prefix=known["prefix"], sha256=known["sha"])

    def restore(self):
        if not self.trashed:
            raise Outcome("nothing in the trash")
        key = self.rng.choice(sorted(self.trashed))
        known = self.trashed.pop(key)  # until answered, in the trash or back
        try:
            _, payload = self.send("restore", "POST /v1/trash/{id}/restore", "POST",
                                   api.PHOTOS + f"/v1/trash/{key}/restore")
        except Outcome:
            self.ack("maybe-restored", id=key, prefix=known["prefix"], sha256=known["sha"])
            raise
        self.photos[key] = known
        photo = json.loads(payload)
        if photo.get("id") != key:
            self.wrong("restore", f"restored {key}, answered {photo.get('id')}")
        self.check_photo("restore", photo)
        self.ack("restore", id=key)

    def empty_trash(self):
        """DELETE /v1/trash, when this actor knows photos are in it (409
        when empty: never, then, since a photo whose trashing or restoring
        went unanswered is not counted in it)."""
        if not self.trashed:
            raise Outcome("nothing in the trash")
        emptied, self.trashed = self.trashed, {}
        try:
            self.send("empty_trash", "DELETE /v1/trash", "DELETE", api.PHOTOS + "/v1/trash")
        except Outcome:
            self.trash_unsure = True
            for key, known in emptied.items():
                self.ack("maybe-deleted", id=key, prefix=known["prefix"], sha256=known["sha"])
            raise
        for key, known in emptied.items():
            self.ack("delete", id=key, prefix=known["prefix"])

    OPS = [("upload_stream", 3), ("upload_form", 2), ("upload_direct", 2), ("upload_resumable", 2),
           ("list", 3), ("list_folders", 1), ("get", 4), ("rename", 2), ("move", 2), ("delete", 2),
           ("restore", 0.5), ("empty_trash", 0.25), ("login", 1), ("refresh", 1)]

    def run(self):
        try:
            self.setup()
        except Exception as err:  # noqa: BLE001
            self.failed = f"actor {self.index}'s set-up: {err!r}"
            return
        names = [op for op, _ in self.OPS]
        weights = [w for _, w in self.OPS]
        period = ACTORS / RATE
        tick = time.monotonic()
        while not os.path.exists(self.stop_path) and not self.journal.over():
            op = self.rng.choices(names, weights)[0]
            if self.access is None and op not in ("login", "refresh"):
                op = "login"
            try:
                getattr(self, op)()
            except Outcome:
                pass
            except Exception as err:  # noqa: BLE001: a bug of this driver, or an answer it cannot read
                self.wrong(op, f"unreadable answer: {err!r}")
            tick += period
            time.sleep(max(0.0, tick - time.monotonic()))
            tick = max(tick, time.monotonic() - period)  # never a burst to catch up


def load(folder, stop_path):
    journal = Journal(folder)
    actors = [Actor(i, journal, stop_path, 1_000_000 * (i + 1)) for i in range(ACTORS)]
    for actor in actors:
        actor.start()
    for actor in actors:
        actor.join()
    failures = [a.failed for a in actors if a.failed]
    if failures:
        raise SystemExit("\n".join(failures))


def read_jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


# What the acknowledgements say became of each photo, in their order:
# live (uploaded, or restored), deleted (for good, or with the trash
# emptied), trashed, or unknown (a delete, restore or empty-trash that got
# no answer: either outcome is right).
FATES = {"upload": "live", "restore": "live", "delete": "deleted", "trash": "trashed",
         "maybe-deleted": "unknown", "maybe-restored": "unknown"}
TRASH_SAMPLE = int(os.environ.get("CHAOS_TRASH_SAMPLE", "10"))


def check(folder, keys_path):
    """The read-back, with no fault running: strict, no retries."""
    acks = read_jsonl(os.path.join(folder, "acks.jsonl"))
    keys = set(open(keys_path).read().split())
    prefixes = {k.rsplit("/", 1)[0] for k in keys}
    fate, latest = {}, {}
    for a in acks:
        fate[a["id"]] = FATES[a["kind"]]
        if a["kind"] in ("upload", "trash"):
            latest[a["id"]] = a
    problems, tokens, trash_listings, listings = [], {}, {}, {}
    result = {"uploads_acknowledged": 0, "uploads_checked": 0, "deletes_checked": 0,
              "thumbnails_ready": 0, "thumbnails_pending": 0, "losses": 0, "deletes_not_gone": 0,
              "trashed_checked": 0, "trashed_restored": 0}

    def token_of(user):
        if user["username"] not in tokens:
            status, payload = api.call("POST", api.USERS + "/v1/auth/login",
                                       {"username": user["username"], "password": user["password"]})
            if status != 200:
                raise SystemExit(f"{user['username']} cannot log in after the load: {status}")
            tokens[user["username"]] = json.loads(payload)["access_token"]
        return tokens[user["username"]]

    def every_id(user, path, cache):
        """The ids in every page of the user's GET `path`, read once."""
        if user["username"] not in cache:
            ids, cursor = set(), None
            while True:
                url = api.PHOTOS + path + "?limit=100" + (f"&cursor={cursor}" if cursor else "")
                status, payload = api.call("GET", url, token=token_of(user))
                if status != 200:
                    raise SystemExit(f"GET {path} of {user['username']}: {status}")
                page = json.loads(payload)
                ids.update(item["id"] for item in page["items"])
                cursor = page.get("next_cursor")
                if not cursor:
                    break
            cache[user["username"]] = ids
        return cache[user["username"]]

    def listed(user):
        return every_id(user, "/v1/photos", listings)

    def trash_of(user):
        return every_id(user, "/v1/trash", trash_listings)

    def lost(what):
        result["losses"] += 1
        problems.append(what)

    def original_sha(photo):
        status, data = api.call("GET", photo["url"])
        return status, hashlib.sha256(data).hexdigest()

    for a in acks:
        if a["kind"] == "upload":
            result["uploads_acknowledged"] += 1
            if fate[a["id"]] != "live":
                continue
            result["uploads_checked"] += 1
            status, payload = api.call("GET", api.PHOTOS + f"/v1/photos/{a['id']}",
                                       token=token_of(a["user"]))
            if status != 200:
                lost(f"acknowledged upload {a['id']} ({a['op']}): GET answers {status}")
                continue
            photo = json.loads(payload)
            status, sha = original_sha(photo)
            if status != 200 or sha != a["sha256"]:
                lost(f"acknowledged upload {a['id']} ({a['op']}): original {status}, SHA-256 "
                     f"{sha} != {a['sha256']}")
                continue
            if photo.get("thumbnails") == "pending":
                result["thumbnails_pending"] += 1  # test-chaos.sh checks that its job is there
                continue
            if photo.get("thumbnails") != "ready":
                lost(f"acknowledged upload {a['id']}: thumbnails {photo.get('thumbnails')} "
                     f"({photo.get('thumbnails_error')})")
                continue
            for which in ("thumbnail_url", "preview_url"):
                status, data = api.call("GET", photo[which])
                if status != 200 or not data:
                    lost(f"acknowledged upload {a['id']}: its {which} answers {status}")
            result["thumbnails_ready"] += 1
        elif a["kind"] == "delete":
            result["deletes_checked"] += 1
            status, _ = api.call("GET", api.PHOTOS + f"/v1/photos/{a['id']}", token=token_of(a["user"]))
            if status != 404:
                result["deletes_not_gone"] += 1
                problems.append(f"acknowledged delete {a['id']}: GET answers {status}")
            if a["prefix"] in prefixes:
                result["deletes_not_gone"] += 1
                problems.append(f"acknowledged delete {a['id']}: objects under {a['prefix']} remain")
        elif a["kind"] == "trash" and fate[a["id"]] == "trashed" and latest[a["id"]] is a:
            result["trashed_checked"] += 1
            if a["id"] in listed(a["user"]):
                lost(f"trashed {a['id']}: listed by GET /v1/photos")
            check_trashed(a, token_of(a["user"]), trash_of(a["user"]), keys, result, lost,
                          original_sha)
    result["problems"] = problems
    with open(os.path.join(folder, "check.json"), "w") as f:
        json.dump(result, f, indent=1)
    print(json.dumps(result, indent=1))
    if problems:
        raise SystemExit(1)


def check_trashed(a, token, trash, keys, result, lost, original_sha):
    """A photo acknowledged in the trash (and neither restored nor deleted
    since): not served, listed in the trash, its original in the store;
    the first TRASH_SAMPLE of them restored, their bytes compared, and
    trashed again (so that the orphan check that follows sees the same)."""
    photo_url = api.PHOTOS + f"/v1/photos/{a['id']}"
    status, _ = api.call("GET", photo_url, token=token)
    if status != 404:
        lost(f"trashed {a['id']}: GET answers {status}, not 404")
    if a["id"] not in trash:
        lost(f"trashed {a['id']}: not in GET /v1/trash")
    if f"{a['prefix']}/original" not in keys:
        lost(f"trashed {a['id']}: its original {a['prefix']}/original is not in the store")
    if result["trashed_restored"] >= TRASH_SAMPLE:
        return
    result["trashed_restored"] += 1
    status, payload = api.call("POST", api.PHOTOS + f"/v1/trash/{a['id']}/restore", token=token)
    if status != 200:
        lost(f"trashed {a['id']}: restore answers {status}")
        return
    status, sha = original_sha(json.loads(payload))
    if status != 200 or sha != a["sha256"]:
        lost(f"trashed {a['id']}: restored, its original {status}, SHA-256 {sha} != {a['sha256']}")
    status, _ = api.call("DELETE", photo_url, token=token)
    if status != 204:
        lost(f"trashed {a['id']}: restored, then DELETE (to the trash again) answers {status}")


if __name__ == "__main__":
    commands = {"load": load, "check": check}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        raise SystemExit(__doc__)
    commands[sys.argv[1]](*sys.argv[2:])
