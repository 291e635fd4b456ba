"""GET /v1/users/me and GET /v1/photos written on the roadmap's stack.

The benchmark peer of tests/bench/bench-peers.sh: FastAPI under uvicorn
(uvloop, httptools, several workers), asyncpg, PyJWT.  It answers the same
two requests as carrete-users and carrete-photos, from the same databases,
with the same bodies, and keeps the same caches they keep -- no more, no
fewer:

* verified access tokens, keyed by their text, until their `exp`, at most
  4,096, forgotten all at once when full (services/common/auth/carrete-jwt.c);
* signed storage URLs, signed for the start of a window of a quarter of
  their lifetime (at most 5 minutes), forgotten at each new window or at
  20,000 entries (services/photos/url-cache.c).

Each worker process has its own pools and caches, as each of Carrete's
worker threads has its own.  Settings come from the environment, under Carrete's names
where Carrete has one (see README in tests/bench/).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import struct
import time
from contextlib import asynccontextmanager
from datetime import datetime
from urllib.parse import quote

import asyncpg
import jwt
import orjson
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from nacl.bindings import crypto_shorthash_siphash24

# ---- libsodium's KDF, and the opaque ids of services/common/ids/carrete-ids.c ------


def kdf(master: bytes, context: bytes, subkey_id: int, length: int) -> bytes:
    """crypto_kdf_derive_from_key: keyed BLAKE2b, the subkey id (little
    endian) as salt and the 8-byte context as personalisation."""
    assert len(context) == 8 and len(master) == 32
    return hashlib.blake2b(b"", digest_size=length, key=master,
                           salt=struct.pack("<Q", subkey_id), person=context).digest()


BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
BASE62_VALUE = {c: i for i, c in enumerate(BASE62)}
USER, PHOTO, FOLDER = 0, 1, 2
PREFIXES = ("us_", "ph_", "fo_")
ID_DIGITS = 11
ROUNDS = 8
MASK32 = 0xFFFFFFFF


ROUND_INPUT = struct.Struct("<BI")  # the round number, then the half (little endian)
ROUND_OUTPUT = struct.Struct("<I")  # the first 4 bytes of the hash


class Ids:
    """An 8-round Feistel network over SipHash-2-4 (libsodium's
    crypto_shorthash), one key per type, written as 11 base62 digits."""

    def __init__(self, id_key: bytes):
        self.keys = [kdf(id_key, b"carrete1", 1 + t, 16) for t in range(len(PREFIXES))]

    # The rounds are written out with local names: they are most of the
    # cost of a page of 50 photos.
    def permute(self, kind: int, value: int, h=crypto_shorthash_siphash24,
                pack=ROUND_INPUT.pack, unpack=ROUND_OUTPUT.unpack_from) -> int:
        key = self.keys[kind]
        left, right = value >> 32, value & MASK32
        for r in range(ROUNDS):
            left, right = right, left ^ unpack(h(pack(r, right), key))[0]
        return (left << 32) | right

    def unpermute(self, kind: int, value: int, h=crypto_shorthash_siphash24,
                  pack=ROUND_INPUT.pack, unpack=ROUND_OUTPUT.unpack_from) -> int:
        key = self.keys[kind]
        left, right = value >> 32, value & MASK32
        for r in reversed(range(ROUNDS)):
            left, right = right ^ unpack(h(pack(r, left), key))[0], left
        return (left << 32) | right

    def encode(self, kind: int, value: int) -> str:
        n = self.permute(kind, value)
        digits = []
        for _ in range(ID_DIGITS):
            n, d = divmod(n, 62)
            digits.append(BASE62[d])
        return PREFIXES[kind] + "".join(reversed(digits))

    def decode(self, kind: int, text: str) -> int | None:
        if not isinstance(text, str) or len(text) != 3 + ID_DIGITS or not text.startswith(PREFIXES[kind]):
            return None
        n = 0
        for c in text[3:]:
            d = BASE62_VALUE.get(c)
            if d is None:
                return None
            n = n * 62 + d
        if n >= 1 << 64:  # 62^11 exceeds 2^64
            return None
        plain = self.unpermute(kind, n)
        return plain if 0 < plain < 1 << 63 else None


# ---- cursors (services/common/ids/carrete-cursor.c), list filters (photos/routes.c) -


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes | None:
    if not text or len(text) % 4 == 1 or "=" in text:
        return None
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError:
        return None


class Cursors:
    MAC_BYTES = 16

    def __init__(self, id_key: bytes):
        self.key = kdf(id_key, b"carrete2", 1, 32)

    def encode(self, fields: list[str]) -> str:
        payload = "\x1f".join(fields).encode()
        return b64url(payload + hmac.digest(self.key, payload, "sha256")[: self.MAC_BYTES])

    def decode(self, cursor: str, n_fields: int) -> list[str] | None:
        raw = b64url_decode(cursor) if cursor and len(cursor) <= 1024 else None
        if raw is None or len(raw) < self.MAC_BYTES:
            return None
        payload, mac = raw[: -self.MAC_BYTES], raw[-self.MAC_BYTES:]
        if not hmac.compare_digest(mac, hmac.digest(self.key, payload, "sha256")[: self.MAC_BYTES]):
            return None
        fields = payload.decode("utf-8", "replace").split("\x1f")
        return fields if len(fields) == n_fields else None


# What selects rows, digested into every cursor.  Only the default listing
# (no filter, newest first) is served here, so the digest is of empty values.
FILTER_NAMES = ("folder_id", "q", "tags", "match", "from", "to", "sort", "order")
NO_FILTERS = hashlib.sha256("".join(f"{n}=;" for n in FILTER_NAMES).encode()).hexdigest()

# ---- signed fs storage URLs (carrete-storage-fs.c) and their cache (url-cache.c) ---


class UrlCache:
    MAX_WINDOW = 300

    def __init__(self, id_key: bytes, public_url: str, ttl: int, max_entries: int = 20000):
        self.key = kdf(id_key, b"carrete3", 1, 32)
        self.public_url = public_url.rstrip("/")
        self.ttl = ttl
        self.window = min(max(ttl // 4, 1), self.MAX_WINDOW)
        self.max_entries = max_entries
        self.current_window = -1
        self.urls: dict[str, str] = {}

    def presign_get(self, key: str, now: int, content_type: str) -> str:
        expires = str(now + self.ttl)
        message = f"carrete-storage-url-1\nGET\n{key}\n{expires}\n{content_type}".encode()
        signature = hmac.digest(self.key, message, "sha256").hex()
        return (f"{self.public_url}/v1/storage/{key}?expires={expires}"
                f"&content_type={quote(content_type, safe='')}&signature={signature}")

    def get(self, key: str, content_type: str, now: int) -> str:
        window_start = now - now % self.window
        if window_start != self.current_window or len(self.urls) >= self.max_entries:
            self.urls.clear()
            self.current_window = window_start
        lookup = content_type + "\n" + key
        url = self.urls.get(lookup)
        if url is None:
            url = self.urls[lookup] = self.presign_get(key, window_start, content_type)
        return url


# ---- access tokens (carrete-jwt.c, carrete-jwk.c) --------------------------------


class Tokens:
    CACHE_MAX = 4096

    def __init__(self, public_pem: bytes, issuer: str, audience: str):
        self.key = load_pem_public_key(public_pem)
        if not isinstance(self.key, ec.EllipticCurvePublicKey) or self.key.curve.name != "secp256r1":
            raise SystemExit("CARRETE_JWT_PUBLIC_KEY_FILE: not an EC P-256 key")
        numbers = self.key.public_numbers()
        x, y = b64url(numbers.x.to_bytes(32, "big")), b64url(numbers.y.to_bytes(32, "big"))
        # RFC 7638 thumbprint: the key's `kid`.
        self.kid = b64url(hashlib.sha256(
            f'{{"crv":"P-256","kty":"EC","x":"{x}","y":"{y}"}}'.encode()).digest())
        self.issuer = issuer
        self.audience = audience
        self.verified: dict[str, dict] = {}

    def _verify(self, token: str) -> dict | None:
        if len(token) > 4096:
            return None
        try:
            decoded = jwt.decode_complete(
                token, self.key, algorithms=["ES256"], issuer=self.issuer, audience=self.audience,
                options={"require": ["exp", "iss", "aud", "sub"], "verify_iat": False})
        except jwt.PyJWTError:
            return None
        header, claims = decoded["header"], decoded["payload"]
        exp, nbf = claims.get("exp"), claims.get("nbf", 0)
        if (header.get("kid") != self.kid or "crit" in header
                or type(exp) is not int or type(nbf) is not int
                or not isinstance(claims.get("sub"), str) or not isinstance(claims.get("role"), str)):
            return None
        return {"sub": claims["sub"], "role": claims["role"], "jti": claims.get("jti"), "exp": exp}

    def verify(self, token: str, now: int) -> dict | None:
        known = self.verified.get(token)
        if known is not None and known["exp"] > now:
            return known
        claims = self._verify(token)
        if claims is None:
            return None
        if len(self.verified) >= self.CACHE_MAX:
            self.verified.clear()
        self.verified[token] = claims
        return claims


# ---- the application -------------------------------------------------------------

USER_COLUMNS = (
    "id, username, email, password_hash, role,"
    " to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'),"
    " to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
)
FIND_USER = f"SELECT {USER_COLUMNS} FROM users WHERE id = $1"


def rfc3339(col: str) -> str:
    return f"to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"


def exact(col: str) -> str:
    return f"(to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00')"


def list_sql(after: bool) -> str:
    """photos_list_0_1_<after>_0 of services/photos/store.c: owner scope,
    sorted by shot_at, newest first."""
    keyset = (" AND (shot_at, id) < ($8::timestamptz, $9)" if after
              else " AND $8::text IS NULL AND $9::bigint IS NULL")
    return (
        "SELECT id, owner_id, folder_id, name, object_prefix, content_type, size, encode(sha256, 'hex'),"
        f" width, height, {rfc3339('taken_at')}, {rfc3339('uploaded_at')}, {rfc3339('updated_at')},"
        f" state, {rfc3339('expires_at')}, {exact('shot_at')} FROM photos WHERE owner_id = $1"
        " AND state = 'ready'"
        " AND ($2::bigint = 0 OR folder_id = $2)"
        " AND ($3::bigint[] IS NULL OR folder_id = ANY ($3))"
        " AND ($4::text IS NULL OR name ILIKE $4)"
        " AND ($5::timestamptz IS NULL OR shot_at >= $5)"
        " AND ($6::timestamptz IS NULL OR shot_at <= $6)"
        f"{keyset} ORDER BY shot_at DESC, id DESC LIMIT $7"
    )


LIST_FIRST, LIST_AFTER = list_sql(False), list_sql(True)
THUMB_SMALL = 256


def env(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise SystemExit(f"{name} is not set")
    return value


def read_id_key(path: str) -> bytes:
    with open(path, encoding="ascii") as f:
        text = f.read().strip()
    key = bytes.fromhex(text)
    if len(key) != 32:
        raise SystemExit("CARRETE_ID_KEY_FILE: expected 64 hexadecimal characters")
    return key


ID_KEY = read_id_key(env("CARRETE_ID_KEY_FILE"))
with open(env("CARRETE_JWT_PUBLIC_KEY_FILE"), "rb") as _f:
    TOKENS = Tokens(_f.read(), env("CARRETE_JWT_ISSUER", "carrete"), env("CARRETE_JWT_AUDIENCE", "carrete"))
IDS = Ids(ID_KEY)
CURSORS = Cursors(ID_KEY)
URLS = UrlCache(ID_KEY, env("CARRETE_PUBLIC_URL", "http://127.0.0.1:8082"),
                int(env("CARRETE_URL_TTL", "900")))
POOL_SIZE = int(env("PEER_DB_POOL_SIZE", "10"))  # asyncpg's own default size
del ID_KEY


async def keep_session(connection: asyncpg.Connection) -> None:
    """Nothing here changes a session's state, so a connection goes back to
    the pool as it is, as Carrete's do.  asyncpg's default would run
    `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL` on
    every release: one more round trip per request than Carrete makes."""


@asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.users_db = await asyncpg.create_pool(env("PEER_USERS_DATABASE_URL"), min_size=POOL_SIZE,
                                                   max_size=POOL_SIZE, reset=keep_session)
    app.state.photos_db = await asyncpg.create_pool(env("PEER_PHOTOS_DATABASE_URL"), min_size=POOL_SIZE,
                                                    max_size=POOL_SIZE, reset=keep_session)
    yield
    await app.state.users_db.close()
    await app.state.photos_db.close()


app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)


def problem(status: int, detail: str) -> JSONResponse:
    headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="carrete", error="invalid_token"'
    return JSONResponse({"type": "about:blank", "status": status, "detail": detail},
                        status_code=status, media_type="application/problem+json", headers=headers)


@app.exception_handler(HTTPException)
async def http_problem(request: Request, exc: HTTPException) -> JSONResponse:
    return problem(exc.status_code, str(exc.detail))


def json_response(body: dict, cache_control: str = "no-store") -> Response:
    return Response(orjson.dumps(body), media_type="application/json",
                    headers={"Cache-Control": cache_control, "X-Content-Type-Options": "nosniff"})


async def caller_id(request: Request) -> int:
    """The bearer token's user, as services/common/http/carrete-server.c
    finds it for every route that needs one.  (async: FastAPI would run a
    plain `def` dependency in its thread pool, a hop per request.)"""
    header = request.headers.get("authorization")
    if header is None:
        raise HTTPException(401, "This route needs a bearer token.")
    if header[:7].lower() != "bearer ":
        raise HTTPException(401, 'Authorization must be "Bearer <token>".')
    claims = TOKENS.verify(header[7:].strip(), int(time.time()))
    if claims is None:
        raise HTTPException(401, "The access token is missing, expired or invalid.")
    user_id = IDS.decode(USER, claims["sub"])
    if user_id is None:
        raise HTTPException(401, "The access token names no user of this installation.")
    return user_id


@app.get("/healthz")
async def healthz() -> Response:
    return json_response({"status": "ok"})


@app.get("/v1/users/me")
async def me(request: Request, user_id: int = Depends(caller_id)) -> Response:
    row = await request.app.state.users_db.fetchrow(FIND_USER, user_id)
    if row is None:
        raise HTTPException(401, "This account no longer exists.")
    return json_response({"id": IDS.encode(USER, row[0]), "username": row[1], "email": row[2],
                          "role": row[4], "created_at": row[5], "updated_at": row[6]})


@app.get("/v1/photos")
async def list_photos(request: Request, user_id: int = Depends(caller_id),
                      limit: int = Query(50, ge=1, le=200), cursor: str | None = None) -> Response:
    unsupported = [name for name in FILTER_NAMES if name in request.query_params]
    if unsupported:
        raise HTTPException(422, f"this peer serves only limit and cursor, not {unsupported[0]}")
    after_key = after_id = None
    if cursor is not None:
        position = CURSORS.decode(cursor, 3)
        try:
            # asyncpg sends parameters in binary: the cursor's text becomes
            # the timestamptz that PostgreSQL parses from it on Carrete's side.
            after_key, after_id = datetime.fromisoformat(position[1]), int(position[2])
        except (TypeError, ValueError):
            position = None
        if position is None or position[0] != NO_FILTERS or not 0 < after_id < 1 << 63:
            raise HTTPException(422, "cursor is not a cursor of this listing")
    rows = await request.app.state.photos_db.fetch(
        LIST_AFTER if cursor is not None else LIST_FIRST,
        user_id, 0, None, None, None, None, limit + 1, after_key, after_id)

    now = int(time.time())
    # Every row of a page has the same owner, and folders repeat: each
    # distinct one is encoded once per answer.
    owners: dict[int, str] = {}
    folders: dict[int, str | None] = {}
    items = []
    for row in rows[:limit]:
        owner, folder, ready = row[1], row[2] or 0, row[13] == "ready"
        if owner not in owners:
            owners[owner] = IDS.encode(USER, owner)
        if folder not in folders:
            folders[folder] = IDS.encode(FOLDER, folder) if folder else None
        items.append({
            "id": IDS.encode(PHOTO, row[0]),
            "owner_id": owners[owner],
            "folder_id": folders[folder],
            "name": row[3],
            "content_type": row[5],
            "size": row[6] or 0,
            "width": (row[8] or 0) if ready else None,
            "height": (row[9] or 0) if ready else None,
            "sha256": row[7],
            "taken_at": row[10],
            "uploaded_at": row[11],
            "updated_at": row[12],
            "state": row[13],
            "url": None,
            "thumbnail_url": URLS.get(f"{row[4]}/{THUMB_SMALL}.jpg", "image/jpeg", now) if ready else None,
            "preview_url": None,
        })
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = CURSORS.encode([NO_FILTERS, last[15], str(last[0])])
    return json_response({"items": items, "next_cursor": next_cursor}, "private, no-store")
