#define G_LOG_DOMAIN "carrete-e2e-authz"

/* The authorization matrix: every route of the three services, asked by
 * nine callers, against the live stack.  The table below is the contract
 * (from DESIGN.md):
 *
 *   - a missing token on a route that needs one, and an expired or forged
 *     token on any route that reads tokens (even where anonymous callers are
 *     welcome), is 401 with WWW-Authenticate: Bearer;
 *   - other people's private folders and photos do not exist (404); their
 *     public ones can be read (200) but not changed (403);
 *   - administrators have the admin routes of carrete-users and no other
 *     extra right: on folders and photos they are just another user;
 *   - every folder the owner makes is shared with a viewer and a
 *     contributor, and was shared with a removed member: a member sees the
 *     folder and its photos, and may change neither (403, its existence is
 *     known to them); a contributor also uploads into it and changes the
 *     photos they added; a removed member is a stranger again (404) on
 *     their very next request;
 *   - share links are the owner's alone: a member who may see the folder
 *     or photo is refused (403), anyone else finds nothing (404), and
 *     another account's link id is 404 to all but its owner;
 *   - routes that read no token (register, login, refresh, logout, JWKS,
 *     probes, documents) ignore whatever Authorization comes with them;
 *   - a link holder (six callers, without an account: an open link, one
 *     with a password sent right, missing or wrong, an expired one and a
 *     revoked one) holds a link to the row's resource (its folder, else
 *     its photo; else, and for what is in the trash, a standing folder of
 *     the owner) and sends X-Carrete-Share.  Only the reading routes a link
 *     covers read it: there the link answers (200; 401 for the password;
 *     404 dead), a listing without folder_id is 404; every other route
 *     treats the holder as anyone without a bearer, so a row that leaves
 *     the link columns out expects the anonymous caller's answer there.
 *
 * A cell that changes state runs against resources made for it alone, and
 * afterwards the resource is looked at again (a trashed one: whether it is
 * in the owner's trash, or else as a live one): G(…) means it must be gone,
 * K(…) (and every refusal) that it must be exactly as before, C(…) that it
 * must have changed.  An account's look includes its storage quota and
 * usage, which carrete-photos keeps.
 *
 * Every cell runs; the whole table (expected/got) is printed as TAP
 * comments, and each part fails listing every cell that differs. */

#include <string.h>

#include "stack.h"

typedef enum
{
  ANON,
  OWNER,
  OTHER,
  ADMIN,
  EXPIRED,
  FORGED,
  VIEWER,      /* a member of the owner's folders as viewer */
  CONTRIBUTOR, /* … as contributor */
  REMOVED,     /* added as contributor, then removed */
  LINK_OPEN,   /* a share link's holder, no account: a link without a password */
  LINK_PW,     /* … a link with a password, sent */
  LINK_PW_MISSING, /* … not sent */
  LINK_PW_WRONG,   /* … a wrong one sent */
  LINK_EXPIRED,    /* … an open link past its expiry */
  LINK_REVOKED,    /* … an open link its owner deleted */
  N_CALLERS
} Caller;

static const char *const caller_names[N_CALLERS] = {
  "anon",    "owner",   "other",   "admin",    "expired",  "forged",   "viewer",  "contrib",
  "removed", "link",    "link-pw", "link-nopw", "link-badpw", "link-old", "link-gone",
};

#define FIRST_LINK LINK_OPEN

/* What a row acts on, made by the owner (see setup_resource). */
typedef enum
{
  NONE,         /* the route itself */
  SELF,         /* the caller's own account */
  USER,         /* the owner's account: {user} */
  SESSION,      /* a fresh refresh token of the owner: {refresh} */
  PRIV_FOLDER,  /* {folder} */
  PUB_FOLDER,
  LOOSE_PHOTO,  /* a photo in no folder: {photo} */
  PRIV_PHOTO,   /* a photo ({photo}) in a private folder ({folder}) */
  PUB_PHOTO,    /* … in a public folder */
  PRIV_PENDING, /* a direct upload PUT but not completed, private folder */
  PUB_PENDING,  /* … public folder */
  RESUMABLE,    /* a resumable upload ({upload}, one part sent: {etag}), private folder */
  TRASHED_PHOTO,  /* a photo in no folder ({photo}), moved to the owner's trash */
  TRASHED_FOLDER, /* an empty private folder ({folder}), moved to the owner's trash */
  MEMBER_PHOTO,   /* a photo ({photo}) the contributor added to a private folder ({folder}) */
  LINK,           /* a share link ({share}) to a private folder ({folder}) */
  N_KINDS
} Kind;

static const char *const kind_names[N_KINDS] = {
  "-", "self", "user", "session", "priv-folder", "pub-folder", "loose-photo", "priv-photo",
  "pub-photo", "priv-pending", "pub-pending", "resumable", "trash-photo", "trash-folder",
  "member-photo", "link",
};

enum
{
  FRESH = 1 << 0,       /* a new resource for every cell */
  FRESH_OWNER = 1 << 1, /* … owned by a new account, who is the "owner" caller */
  BODY_PNG = 1 << 2,    /* the body is a raw unique PNG */
  BODY_FORM = 1 << 3,   /* the body is multipart/form-data with a unique PNG */
};

#define STATUS_MASK 0xfff
#define GONE 0x1000    /* the resource is gone afterwards */
#define KEPT 0x2000    /* the resource is unchanged afterwards (implied for refusals) */
#define CHANGED 0x4000 /* the resource is different afterwards */
#define G(s) ((s) | GONE)
#define K(s) ((s) | KEPT)
#define C(s) ((s) | CHANGED)

typedef struct
{
  const char *service;
  const char *method;
  const char *path; /* with {user} {folder} {photo} {u} {viewer} {target} */
  Kind kind;
  guint flags;
  const char *body; /* JSON template, or NULL */
  int expect[N_CALLERS];
} Row;

#define ALL(s) { s, s, s, s, s, s, s, s, s }
/* The link columns of a route that reads the link, when it covers the
 * resource: `s` with the link (and its password), then the refusals. */
#define READS(s) s, s, 401, 401, 404, 404
#define LINK_404 404, 404, 404, 404, 404, 404
#define PASSWORD_JSON "\"password\":\"" STACK_PASSWORD "\""

static const Row users_rows[] = {
  { "users", "POST", "/v1/auth/register", NONE, 0,
    "{\"username\":\"r{u}\",\"email\":\"r{u}@example.org\"," PASSWORD_JSON "}", ALL (201) },
  { "users", "POST", "/v1/auth/login", NONE, 0, "{\"username\":\"{name}\"," PASSWORD_JSON "}",
    ALL (200) },
  { "users", "POST", "/v1/auth/refresh", SESSION, FRESH, "{\"refresh_token\":\"{refresh}\"}",
    ALL (200) },
  { "users", "POST", "/v1/auth/logout", SESSION, FRESH, "{\"refresh_token\":\"{refresh}\"}",
    ALL (204) },
  { "users", "GET", "/v1/users/me", SELF, 0, NULL, { 401, 200, 200, 200, 401, 401, 200, 200, 200 } },
  { "users", "PATCH", "/v1/users/me", SELF, 0, "{\"email\":\"m{u}@example.org\"}",
    { 401, 200, 200, 200, 401, 401, 200, 200, 200 } },
  { "users", "DELETE", "/v1/users/me", SELF, FRESH, NULL,
    { 401, G (204), G (204), G (204), 401, 401, G (204), G (204), G (204) } },
  { "users", "GET", "/v1/users/{user}", USER, 0, NULL, { 200, 200, 200, 200, 401, 401, 200, 200, 200 } },
  { "users", "GET", "/v1/users", NONE, 0, NULL, { 401, 403, 403, 200, 401, 401, 403, 403, 403 } },
  { "users", "PATCH", "/v1/users/{user}", USER, FRESH_OWNER, "{\"quota_bytes\":1000000}",
    { 401, 403, 403, C (200), 401, 401, 403, 403, 403 } },
  { "users", "DELETE", "/v1/users/{user}", USER, FRESH_OWNER, NULL,
    { 401, 403, 403, G (204), 401, 401, 403, 403, 403 } },
  { "users", "GET", "/v1/users?username={name}", NONE, 0, NULL,
    { 401, 200, 200, 200, 401, 401, 200, 200, 200 } },
  { "users", "GET", "/.well-known/jwks.json", NONE, 0, NULL, ALL (200) },
};

static const Row folders_rows[] = {
  { "folders", "POST", "/v1/folders", NONE, 0, "{\"name\":\"n{u}\"}",
    { 401, 201, 201, 201, 401, 401, 201, 201, 201 } },
  { "folders", "GET", "/v1/folders", NONE, 0, NULL, { 200, 200, 200, 200, 401, 401, 200, 200, 200 } },
  { "folders", "GET", "/v1/folders?scope=mine", NONE, 0, NULL, { 401, 200, 200, 200, 401, 401, 200, 200, 200 } },
  { "folders", "GET", "/v1/folders?scope=public", NONE, 0, NULL,
    { 200, 200, 200, 200, 401, 401, 200, 200, 200 } },
  { "folders", "GET", "/v1/folders/{folder}", PRIV_FOLDER, 0, NULL,
    { 404, 200, 404, 404, 401, 401, 200, 200, 404, READS (200) } },
  { "folders", "GET", "/v1/folders/{folder}", PUB_FOLDER, 0, NULL,
    { 200, 200, 200, 200, 401, 401, 200, 200, 200, READS (200) } },
  { "folders", "PATCH", "/v1/folders/{folder}", PRIV_FOLDER, FRESH, "{\"tags\":[\"patched\"]}",
    { 401, 200, 404, 404, 401, 401, 403, 403, 404 } },
  { "folders", "PATCH", "/v1/folders/{folder}", PUB_FOLDER, FRESH, "{\"tags\":[\"patched\"]}",
    { 401, 200, 403, 403, 401, 401, 403, 403, 403 } },
  { "folders", "DELETE", "/v1/folders/{folder}", PRIV_FOLDER, FRESH, NULL,
    { 401, G (204), 404, 404, 401, 401, 403, 403, 404 } },
  { "folders", "DELETE", "/v1/folders/{folder}", PUB_FOLDER, FRESH, NULL,
    { 401, G (204), 403, 403, 401, 401, 403, 403, 403 } },
  { "folders", "DELETE", "/v1/folders/{folder}", PRIV_PHOTO, FRESH, NULL,
    { 401, 409, 404, 404, 401, 401, 403, 403, 404 } },
  { "folders", "DELETE", "/v1/folders/{folder}?recursive=true", PRIV_PHOTO, FRESH, NULL,
    { 401, G (204), 404, 404, 401, 401, 403, 403, 404 } },
  { "folders", "DELETE", "/v1/folders/{folder}?recursive=true", PUB_PHOTO, FRESH, NULL,
    { 401, G (204), 403, 403, 401, 401, 403, 403, 403 } },
  { "folders", "DELETE", "/v1/folders?owner_id={user}", PRIV_FOLDER, FRESH_OWNER, NULL,
    { 401, G (204), 403, 403, 401, 401, 403, 403, 403 } },
  { "folders", "DELETE", "/v1/folders", PRIV_FOLDER, FRESH, NULL,
    { 401, 422, 422, 422, 401, 401, 422, 422, 422 } },
  { "folders", "DELETE", "/v1/folders/{folder}?permanent=true", PRIV_FOLDER, FRESH, NULL,
    { 401, G (204), 404, 404, 401, 401, 403, 403, 404 } },
  { "folders", "DELETE", "/v1/folders/{folder}?permanent=true", PUB_FOLDER, FRESH, NULL,
    { 401, G (204), 403, 403, 401, 401, 403, 403, 403 } },
  { "folders", "DELETE", "/v1/folders/{folder}?permanent=maybe", PRIV_FOLDER, FRESH, NULL,
    { 401, 422, 422, 422, 401, 401, 422, 422, 422 } },
  /* The folder trash, for carrete-photos' /v1/trash: one's own only. */
  { "folders", "GET", "/v1/folders/trash", NONE, 0, NULL,
    { 401, 200, 200, 200, 401, 401, 200, 200, 200 } },
  { "folders", "GET", "/v1/folders/trash/{folder}", TRASHED_FOLDER, 0, NULL,
    { 401, 200, 404, 404, 401, 401, 404, 404, 404 } },
  { "folders", "POST", "/v1/folders/trash/{folder}/restore", TRASHED_FOLDER, FRESH, NULL,
    { 401, C (200), 404, 404, 401, 401, 404, 404, 404 } },
  { "folders", "DELETE", "/v1/folders/trash/{folder}", TRASHED_FOLDER, FRESH, NULL,
    { 401, G (204), 404, 404, 401, 401, 404, 404, 404 } },
  { "folders", "DELETE", "/v1/folders/trash", TRASHED_FOLDER, FRESH_OWNER, NULL,
    { 401, G (204), K (204), K (204), 401, 401, K (204), K (204), K (204) } },
  { "folders", "GET", "/v1/folders?scope=shared", NONE, 0, NULL,
    { 401, 200, 200, 200, 401, 401, 200, 200, 200 } },
  { "folders", "GET", "/v1/folders?scope=all", NONE, 0, NULL,
    { 200, 200, 200, 200, 401, 401, 200, 200, 200 } },
  /* Members: the owner alone manages them. */
  { "folders", "GET", "/v1/folders/{folder}/members", PRIV_FOLDER, 0, NULL,
    { 401, 200, 404, 404, 401, 401, 403, 403, 404 } },
  { "folders", "GET", "/v1/folders/{folder}/members", PUB_FOLDER, 0, NULL,
    { 401, 200, 403, 403, 401, 401, 403, 403, 403 } },
  { "folders", "PUT", "/v1/folders/{folder}/members/{target}", PRIV_FOLDER, FRESH,
    "{\"role\":\"viewer\"}", { 401, C (201), 404, 404, 401, 401, 403, 403, 404 } },
  { "folders", "PUT", "/v1/folders/{folder}/members/{target}", PUB_FOLDER, FRESH,
    "{\"role\":\"viewer\"}", { 401, C (201), 403, 403, 401, 401, 403, 403, 403 } },
  { "folders", "PUT", "/v1/folders/{folder}/members/{viewer}", PRIV_FOLDER, FRESH,
    "{\"role\":\"contributor\"}", { 401, C (200), 404, 404, 401, 401, 403, 403, 404 } },
  { "folders", "DELETE", "/v1/folders/{folder}/members/{viewer}", PRIV_FOLDER, FRESH, NULL,
    { 401, C (204), 404, 404, 401, 401, 403, 403, 404 } },
  { "folders", "DELETE", "/v1/folders/{folder}/members/{viewer}", PUB_FOLDER, FRESH, NULL,
    { 401, C (204), 403, 403, 401, 401, 403, 403, 403 } },
  /* Share links: the owner alone manages them. */
  { "folders", "POST", "/v1/shares", PRIV_FOLDER, FRESH,
    "{\"folder_id\":\"{folder}\",\"allow_download\":true}",
    { 401, C (201), 404, 404, 401, 401, 403, 403, 404 } },
  { "folders", "POST", "/v1/shares", PUB_FOLDER, FRESH,
    "{\"folder_id\":\"{folder}\",\"allow_download\":true}",
    { 401, C (201), 403, 403, 401, 401, 403, 403, 403 } },
  { "folders", "POST", "/v1/shares", PRIV_PHOTO, FRESH,
    "{\"photo_id\":\"{photo}\",\"allow_download\":false}",
    { 401, C (201), 404, 404, 401, 401, 403, 403, 404 } },
  { "folders", "GET", "/v1/shares?folder_id={folder}", LINK, 0, NULL,
    { 401, 200, 404, 404, 401, 401, 403, 403, 404 } },
  { "folders", "GET", "/v1/shares?folder_id={folder}", PUB_FOLDER, 0, NULL,
    { 401, 200, 403, 403, 401, 401, 403, 403, 403 } },
  { "folders", "PATCH", "/v1/shares/{share}", LINK, FRESH, "{\"label\":\"patched\"}",
    { 401, C (200), 404, 404, 401, 401, 404, 404, 404 } },
  { "folders", "DELETE", "/v1/shares/{share}", LINK, FRESH, NULL,
    { 401, C (204), 404, 404, 401, 401, 404, 404, 404 } },
  /* Without X-Carrete-Share there is no link to resolve, whoever asks;
   * a link holder learns what theirs covers. */
  { "folders", "GET", "/v1/shares/current", NONE, 0, NULL,
    { 400, 400, 400, 400, 401, 401, 400, 400, 400, READS (200) } },
};

#define DIRECT_BODY(folder) \
  "{\"name\":\"d.png\",\"folder_id\":" folder ",\"content_type\":\"image/png\",\"size\":100}"
#define RESUMABLE_BODY(folder)                                                                \
  "{\"name\":\"r.png\",\"folder_id\":" folder ",\"content_type\":\"image/png\",\"size\":100," \
  "\"resumable\":true}"

static const Row photos_rows[] = {
  { "photos", "POST", "/v1/photos?name=raw.png", NONE, BODY_PNG, NULL,
    { 401, 201, 201, 201, 401, 401, 201, 201, 201 } },
  { "photos", "POST", "/v1/photos?name=raw.png&folder_id={folder}", PRIV_FOLDER, BODY_PNG, NULL,
    { 401, 201, 404, 404, 401, 401, 403, 201, 404 } },
  { "photos", "POST", "/v1/photos?name=raw.png&folder_id={folder}", PUB_FOLDER, BODY_PNG, NULL,
    { 401, 201, 403, 403, 401, 401, 403, 201, 403 } },
  { "photos", "POST", "/v1/photos (multipart)", NONE, BODY_FORM, NULL,
    { 401, 201, 201, 201, 401, 401, 201, 201, 201 } },
  { "photos", "POST", "/v1/photos/uploads", NONE, 0, DIRECT_BODY ("null"),
    { 401, 201, 201, 201, 401, 401, 201, 201, 201 } },
  { "photos", "POST", "/v1/photos/uploads", PRIV_FOLDER, 0, DIRECT_BODY ("\"{folder}\""),
    { 401, 201, 404, 404, 401, 401, 403, 201, 404 } },
  { "photos", "POST", "/v1/photos/uploads", PUB_FOLDER, 0, DIRECT_BODY ("\"{folder}\""),
    { 401, 201, 403, 403, 401, 401, 403, 201, 403 } },
  { "photos", "POST", "/v1/photos/uploads (resumable)", NONE, 0, RESUMABLE_BODY ("null"),
    { 401, 201, 201, 201, 401, 401, 201, 201, 201 } },
  { "photos", "POST", "/v1/photos/uploads (resumable)", PRIV_FOLDER, 0,
    RESUMABLE_BODY ("\"{folder}\""), { 401, 201, 404, 404, 401, 401, 403, 201, 404 } },
  { "photos", "POST", "/v1/photos/uploads (resumable)", PUB_FOLDER, 0,
    RESUMABLE_BODY ("\"{folder}\""), { 401, 201, 403, 403, 401, 401, 403, 201, 403 } },
  /* Another user's upload is a 404, never a 403: it says nothing. */
  { "photos", "GET", "/v1/photos/uploads/{upload}", RESUMABLE, 0, NULL,
    { 401, 200, 404, 404, 401, 401, 404, 404, 404 } },
  { "photos", "POST", "/v1/photos/uploads/{upload}/parts?from=1&to=1", RESUMABLE, 0, NULL,
    { 401, 200, 404, 404, 401, 401, 404, 404, 404 } },
  { "photos", "POST", "/v1/photos/uploads/{upload}/complete", RESUMABLE, FRESH,
    "{\"parts\":[{\"number\":1,\"etag\":\"{etag}\"}]}", { 401, G (201), 404, 404, 401, 401, 404, 404, 404 } },
  { "photos", "DELETE", "/v1/photos/uploads/{upload}", RESUMABLE, FRESH, NULL,
    { 401, G (204), 404, 404, 401, 401, 404, 404, 404 } },
  { "photos", "POST", "/v1/photos/{photo}/complete", PRIV_PENDING, FRESH, NULL,
    { 401, 200, 404, 404, 401, 401, 404, 404, 404 } },
  { "photos", "POST", "/v1/photos/{photo}/complete", PUB_PENDING, FRESH, NULL,
    { 401, 200, 404, 404, 401, 401, 404, 404, 404 } },
  { "photos", "GET", "/v1/photos/{photo}", LOOSE_PHOTO, 0, NULL,
    { 404, 200, 404, 404, 401, 401, 404, 404, 404, READS (200) } },
  { "photos", "GET", "/v1/photos/{photo}", PRIV_PHOTO, 0, NULL,
    { 404, 200, 404, 404, 401, 401, 200, 200, 404, READS (200) } },
  { "photos", "GET", "/v1/photos/{photo}", PUB_PHOTO, 0, NULL,
    { 200, 200, 200, 200, 401, 401, 200, 200, 200, READS (200) } },
  { "photos", "PATCH", "/v1/photos/{photo}", LOOSE_PHOTO, FRESH, "{\"name\":\"renamed.png\"}",
    { 401, 200, 404, 404, 401, 401, 404, 404, 404 } },
  { "photos", "PATCH", "/v1/photos/{photo}", PRIV_PHOTO, FRESH, "{\"name\":\"renamed.png\"}",
    { 401, 200, 404, 404, 401, 401, 403, 403, 404 } },
  { "photos", "PATCH", "/v1/photos/{photo}", PUB_PHOTO, FRESH, "{\"name\":\"renamed.png\"}",
    { 401, 200, 403, 403, 401, 401, 403, 403, 403 } },
  { "photos", "PATCH", "/v1/photos/{photo}", PRIV_PHOTO, FRESH, "{\"folder_id\":null}",
    { 401, 200, 404, 404, 401, 401, 403, 403, 404 } },
  { "photos", "DELETE", "/v1/photos/{photo}", LOOSE_PHOTO, FRESH, NULL,
    { 401, G (204), 404, 404, 401, 401, 404, 404, 404 } },
  { "photos", "DELETE", "/v1/photos/{photo}", PRIV_PHOTO, FRESH, NULL,
    { 401, G (204), 404, 404, 401, 401, 403, 403, 404 } },
  { "photos", "DELETE", "/v1/photos/{photo}", PUB_PHOTO, FRESH, NULL,
    { 401, G (204), 403, 403, 401, 401, 403, 403, 403 } },
  /* A contributor's photo in the owner's folder: the contributor and the
   * folder's owner change it, members read it. */
  { "photos", "GET", "/v1/photos/{photo}", MEMBER_PHOTO, 0, NULL,
    { 404, 200, 404, 404, 401, 401, 200, 200, 404, READS (200) } },
  { "photos", "PATCH", "/v1/photos/{photo}", MEMBER_PHOTO, FRESH, "{\"name\":\"renamed.png\"}",
    { 401, C (200), 404, 404, 401, 401, 403, C (200), 404 } },
  { "photos", "PATCH", "/v1/photos/{photo}", MEMBER_PHOTO, FRESH, "{\"folder_id\":null}",
    { 401, 403, 404, 404, 401, 401, 403, C (200), 404 } },
  { "photos", "DELETE", "/v1/photos/{photo}", MEMBER_PHOTO, FRESH, NULL,
    { 401, G (204), 404, 404, 401, 401, 403, G (204), 404 } },
  /* A link holder lists only the linked folder: no folder_id is 404. */
  { "photos", "GET", "/v1/photos", NONE, 0, NULL,
    { 401, 200, 200, 200, 401, 401, 200, 200, 200, LINK_404 } },
  { "photos", "GET", "/v1/photos?folder_id={folder}", PRIV_PHOTO, 0, NULL,
    { 404, 200, 404, 404, 401, 401, 200, 200, 404, READS (200) } },
  { "photos", "GET", "/v1/photos?folder_id={folder}", PUB_PHOTO, 0, NULL,
    { 200, 200, 200, 200, 401, 401, 200, 200, 200, READS (200) } },
  { "photos", "GET", "/v1/photos?tags=e2e&match=any", NONE, 0, NULL,
    { 401, 200, 200, 200, 401, 401, 200, 200, 200, LINK_404 } },
  /* Bulk deletion only ever removes the caller's own photos: asked by
   * someone else it succeeds and removes nothing. */
  { "photos", "DELETE", "/v1/photos?folder_id={folder}", PRIV_PHOTO, FRESH, NULL,
    { 401, G (204), K (204), K (204), 401, 401, K (204), K (204), K (204) } },
  { "photos", "DELETE", "/v1/photos?folder_id={folder}", PUB_PHOTO, FRESH, NULL,
    { 401, G (204), K (204), K (204), 401, 401, K (204), K (204), K (204) } },
  { "photos", "DELETE", "/v1/photos?owner_id={user}", LOOSE_PHOTO, FRESH_OWNER, NULL,
    { 401, G (204), 403, 403, 401, 401, 403, 403, 403 } },
  { "photos", "DELETE", "/v1/photos", LOOSE_PHOTO, FRESH, NULL, { 401, 422, 422, 422, 401, 401, 422, 422, 422 } },
  { "photos", "DELETE", "/v1/photos?folder_id={folder}&trash=true", PRIV_PHOTO, FRESH, NULL,
    { 401, G (204), K (204), K (204), 401, 401, K (204), K (204), K (204) } },
  { "photos", "DELETE", "/v1/photos/{photo}?permanent=true", LOOSE_PHOTO, FRESH, NULL,
    { 401, G (204), 404, 404, 401, 401, 404, 404, 404 } },
  { "photos", "DELETE", "/v1/photos/{photo}?permanent=true", PUB_PHOTO, FRESH, NULL,
    { 401, G (204), 403, 403, 401, 401, 403, 403, 403 } },
  { "photos", "DELETE", "/v1/photos/{photo}?permanent=maybe", LOOSE_PHOTO, FRESH, NULL,
    { 401, 422, 422, 422, 401, 401, 422, 422, 422 } },
  /* The trash: the owner's alone; anyone else's ids are 404. */
  { "photos", "GET", "/v1/trash", NONE, 0, NULL,
    { 401, 200, 200, 200, 401, 401, 200, 200, 200 } },
  { "photos", "POST", "/v1/trash/{photo}/restore", TRASHED_PHOTO, FRESH, NULL,
    { 401, C (200), 404, 404, 401, 401, 404, 404, 404 } },
  { "photos", "POST", "/v1/trash/{folder}/restore", TRASHED_FOLDER, FRESH, NULL,
    { 401, C (200), 404, 404, 401, 401, 404, 404, 404 } },
  { "photos", "DELETE", "/v1/trash/{photo}", TRASHED_PHOTO, FRESH, NULL,
    { 401, G (204), 404, 404, 401, 401, 404, 404, 404 } },
  { "photos", "DELETE", "/v1/trash/{folder}", TRASHED_FOLDER, FRESH, NULL,
    { 401, G (204), 404, 404, 401, 401, 404, 404, 404 } },
  /* Another's own trash is empty: emptying it is a 409 and changes nothing.
   * The contributor's is not: the rows above trashed a photo they added. */
  { "photos", "DELETE", "/v1/trash", TRASHED_PHOTO, FRESH_OWNER, NULL,
    { 401, G (204), 409, 409, 401, 401, 409, K (204), 409 } },
  /* Quotas: everyone reads their own; only the admin role sets one. */
  { "photos", "GET", "/v1/photos/usage", NONE, 0, NULL, { 401, 200, 200, 200, 401, 401, 200, 200, 200 } },
  { "photos", "PUT", "/v1/photos/quotas/{user}", USER, FRESH_OWNER, "{\"quota_bytes\":1000000}",
    { 401, 403, 403, C (200), 401, 401, 403, 403, 403 } },
  /* With s3 storage the photos service serves no bytes itself. */
  { "photos", "GET", "/v1/storage/p/0/original", NONE, 0, NULL, ALL (404) },
  { "photos", "PUT", "/v1/storage/p/0/original", NONE, BODY_PNG, NULL, ALL (404) },
};

#define PROBES(svc)                                                   \
  { svc, "GET", "/healthz", NONE, 0, NULL, ALL (200) },               \
  { svc, "GET", "/readyz", NONE, 0, NULL, ALL (200) },                \
  { svc, "GET", "/metrics", NONE, 0, NULL, ALL (200) },               \
  { svc, "GET", "/openapi.json", NONE, 0, NULL, ALL (200) },          \
  { svc, "GET", "/docs", NONE, 0, NULL, ALL (200) }

static const Row probe_rows[] = { PROBES ("users"), PROBES ("folders"), PROBES ("photos") };

/* ---- the stack and the standing callers -------------------------------------------------- */

static Stack *stack;
static StackUser *owner, *other, *admin, *viewer, *contributor, *removed, *target;

typedef struct
{
  char *folder;
  char *photo;
  char *refresh;
  char *upload;
  char *etag; /* escaped for a JSON string */
  char *share;
} Resource;

static void
resource_clear (Resource *res)
{
  g_clear_pointer (&res->folder, g_free);
  g_clear_pointer (&res->photo, g_free);
  g_clear_pointer (&res->refresh, g_free);
  g_clear_pointer (&res->upload, g_free);
  g_clear_pointer (&res->etag, g_free);
  g_clear_pointer (&res->share, g_free);
}

/* Resources of rows without FRESH, made once by the standing owner. */
static Resource shared[N_KINDS];
static gboolean shared_made[N_KINDS];
/* What a link holder holds when the row's resource has nothing a link can
 * cover (made once); and the links made so far, "target|caller" → token,
 * so that a shared resource's holders keep one link each. */
static char *link_folder;
static GHashTable *links;

static void
member_put (const char *folder, StackUser *by, StackUser *member, const char *role)
{
  g_autofree char *path = g_strdup_printf ("/v1/folders/%s/members/%s", folder, member->id);
  g_autofree char *body = g_strdup_printf ("{\"role\":\"%s\"}", role);
  g_autoptr (CtResponse) r = ct_http (stack->folders.url, "PUT", path, by->token, body);

  g_assert_cmpuint (r->status, ==, 201);
}

/* Every folder of the matrix has the standing members; the removed one
 * was a contributor until just now. */
static void
share_folder (const char *folder, StackUser *by)
{
  g_autofree char *path = g_strdup_printf ("/v1/folders/%s/members/%s", folder, removed->id);
  g_autoptr (CtResponse) r = NULL;

  member_put (folder, by, viewer, "viewer");
  member_put (folder, by, contributor, "contributor");
  member_put (folder, by, removed, "contributor");
  r = ct_http (stack->folders.url, "DELETE", path, by->token, NULL);
  g_assert_cmpuint (r->status, ==, 204);
}

static void
setup_resource (Kind kind, StackUser *by, Resource *res)
{
  switch (kind)
    {
    case NONE:
    case SELF:
    case USER:
      break;
    case SESSION:
      g_free (stack_login (stack, by->name, &res->refresh));
      break;
    case PRIV_FOLDER:
    case PRIV_PHOTO:
    case PRIV_PENDING:
    case RESUMABLE:
    case TRASHED_FOLDER:
    case MEMBER_PHOTO:
    case LINK:
      res->folder = stack_folder_new (stack, by->token, "private", "[\"e2e\"]");
      break;
    case PUB_FOLDER:
    case PUB_PHOTO:
    case PUB_PENDING:
      res->folder = stack_folder_new (stack, by->token, "public", "[\"e2e\"]");
      break;
    case LOOSE_PHOTO:
    case TRASHED_PHOTO:
    case N_KINDS:
      break;
    }
  if (res->folder != NULL)
    share_folder (res->folder, by);
  if (kind == MEMBER_PHOTO)
    res->photo = stack_photo_new (stack, contributor->token, res->folder);
  if (kind == LOOSE_PHOTO || kind == PRIV_PHOTO || kind == PUB_PHOTO || kind == TRASHED_PHOTO)
    res->photo = stack_photo_new (stack, by->token, res->folder);
  if (kind == TRASHED_PHOTO || kind == TRASHED_FOLDER)
    {
      g_autofree char *path = kind == TRASHED_PHOTO
                                  ? g_strdup_printf ("/v1/photos/%s", res->photo)
                                  : g_strdup_printf ("/v1/folders/%s", res->folder);
      g_autoptr (CtResponse) r
          = ct_http (kind == TRASHED_PHOTO ? stack->photos.url : stack->folders.url, "DELETE",
                     path, by->token, NULL);
      g_assert_cmpuint (r->status, ==, 204);
    }
  if (kind == LINK)
    {
      g_autofree char *body
          = g_strdup_printf ("{\"folder_id\":\"%s\",\"allow_download\":true}", res->folder);
      g_autoptr (CtResponse) r = ct_http (stack->folders.url, "POST", "/v1/shares", by->token,
                                          body);

      g_assert_cmpuint (r->status, ==, 201);
      res->share = g_strdup (ct_response_string (r, "id"));
    }
  if (kind == PRIV_PENDING || kind == PUB_PENDING)
    res->photo = stack_direct_upload_new (stack, by->token, res->folder);
  if (kind == RESUMABLE)
    {
      g_autofree char *etag = NULL;
      res->upload = stack_resumable_upload_new (stack, by->token, res->folder, &etag);
      res->etag = g_strescape (etag, NULL);
    }
}

/* ---- one cell ---------------------------------------------------------------------------- */

typedef struct
{
  const Row *row;
  Caller caller;
  StackUser *owner;       /* whose resource it is */
  StackUser *fresh_owner; /* owned by the cell */
  Resource res;
  char *token;            /* the caller's */
  char *share;            /* a link holder's token */
  const char *share_password;
  char *path;
  char *before;           /* the resource's fingerprint */
} Cell;

static void
cell_clear (Cell *cell)
{
  stack_user_free (cell->fresh_owner);
  if (!(cell->row->flags & (FRESH | FRESH_OWNER)))
    memset (&cell->res, 0, sizeof cell->res); /* shared: not ours */
  resource_clear (&cell->res);
  g_free (cell->token);
  g_free (cell->share);
  g_free (cell->path);
  g_free (cell->before);
}

static char *
expand (const char *template, Cell *cell)
{
  static guint counter;
  g_autofree char *unique = g_strdup_printf ("%x%u", g_random_int_range (0, 0xffff), ++counter);
  const char *names[] = { "{user}", "{folder}", "{photo}", "{u}", "{name}", "{refresh}",
                          "{upload}", "{etag}", "{viewer}", "{target}", "{share}" };
  const char *values[] = { cell->owner->id, cell->res.folder, cell->res.photo, unique,
                           cell->owner->name, cell->res.refresh, cell->res.upload,
                           cell->res.etag, viewer->id, target->id, cell->res.share };
  GString *out = g_string_new (template);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (values[i] != NULL)
      g_string_replace (out, names[i], values[i], 0);
  return g_string_free (out, FALSE);
}

/* The standing account of a caller who is neither the owner nor anonymous. */
static StackUser *
standing (Caller caller)
{
  switch (caller)
    {
    case OTHER:
      return other;
    case ADMIN:
      return admin;
    case VIEWER:
      return viewer;
    case CONTRIBUTOR:
      return contributor;
    case REMOVED:
      return removed;
    default:
      return owner;
    }
}

/* A self row acts on the caller's own account: a fresh one of the
 * caller's kind when the cell destroys it. */
static StackUser *
fresh_account (Caller caller)
{
  return caller == ADMIN ? stack_admin_new (stack, "fadmin") : stack_user_new (stack, "fself");
}

static void
choose_owner (Cell *cell)
{
  const Row *row = cell->row;

  cell->owner = owner;
  if (row->kind == SELF && !(row->flags & FRESH))
    cell->owner = standing (cell->caller);
  else if (row->kind == SELF || (row->flags & FRESH_OWNER))
    cell->owner = cell->fresh_owner = fresh_account (row->kind == SELF ? cell->caller : OWNER);
}

static char *
caller_token (Cell *cell)
{
  switch (cell->caller)
    {
    case ANON:
      return NULL;
    case OWNER:
      return g_strdup (cell->owner->token);
    case OTHER:
    case ADMIN:
    case VIEWER:
    case CONTRIBUTOR:
    case REMOVED:
      return g_strdup (cell->row->kind == SELF ? cell->owner->token
                                               : standing (cell->caller)->token);
    case LINK_OPEN:
    case LINK_PW:
    case LINK_PW_MISSING:
    case LINK_PW_WRONG:
    case LINK_EXPIRED:
    case LINK_REVOKED:
      return NULL;
    case EXPIRED:
      return stack_expired_token (stack, cell->owner->id, "user");
    case FORGED:
      /* A forger would claim everything. */
      return stack_forged_token (stack, cell->owner->id, "admin");
    case N_CALLERS:
      break;
    }
  g_assert_not_reached ();
}

#define LINK_PASSWORD "matrix link password"

/* A new link of `by` to `covered` ("fo_…" or "ph_…") for `caller`: with a
 * password (LINK_PW), expired or revoked as the caller's name says. */
static char *
make_link (StackUser *by, const char *covered, Caller caller)
{
  gboolean password = caller == LINK_PW || caller == LINK_PW_MISSING || caller == LINK_PW_WRONG;
  g_autofree char *body = g_strdup_printf (
      "{\"%s\":\"%s\",\"allow_download\":true%s}",
      g_str_has_prefix (covered, "fo_") ? "folder_id" : "photo_id", covered,
      password ? ",\"password\":\"" LINK_PASSWORD "\"" : "");
  g_autoptr (CtResponse) made = ct_http (stack->folders.url, "POST", "/v1/shares", by->token, body);
  g_autofree char *row = NULL;

  stack_assert_status (made, 201);
  row = stack_row_id (stack, ct_response_string (made, "id"));
  if (caller == LINK_EXPIRED)
    g_free (stack_sql (stack, "folders",
                       "UPDATE shares SET expires_at = now() - interval '1 second'"
                       " WHERE id = $1::bigint RETURNING id",
                       row));
  if (caller == LINK_REVOKED)
    {
      g_autofree char *path = g_strdup_printf ("/v1/shares/%s", ct_response_string (made, "id"));
      g_autoptr (CtResponse) r = ct_http (stack->folders.url, "DELETE", path, by->token, NULL);
      stack_assert_status (r, 204);
    }
  return g_strdup (ct_response_string (made, "token"));
}

/* A link holder's link: to the resource's folder, else its photo (while
 * not in the trash: a link cannot be made to what is there), else to the
 * standing link folder. */
static void
prepare_link (Cell *cell)
{
  Kind kind = cell->row->kind;
  StackUser *by = cell->owner;
  const char *covered = NULL;
  g_autofree char *key = NULL;
  Caller kind_of_link = cell->caller == LINK_PW_MISSING || cell->caller == LINK_PW_WRONG
                            ? LINK_PW
                            : cell->caller;
  char *token;

  if (cell->res.folder != NULL && kind != TRASHED_FOLDER)
    covered = cell->res.folder;
  else if (cell->res.photo != NULL && kind != TRASHED_PHOTO)
    covered = cell->res.photo;
  if (covered == NULL)
    {
      if (link_folder == NULL)
        link_folder = stack_folder_new (stack, owner->token, "private", NULL);
      covered = link_folder;
      by = owner;
    }
  if (links == NULL)
    links = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  /* The three password callers hold one link (one Argon2 hash to make,
   * not three): only what they send differs. */
  key = g_strdup_printf ("%s|%u", covered, kind_of_link);
  token = g_hash_table_lookup (links, key);
  if (token == NULL)
    {
      token = make_link (by, covered, kind_of_link);
      g_hash_table_insert (links, g_steal_pointer (&key), token);
    }
  cell->share = g_strdup (token);
  cell->share_password = cell->caller == LINK_PW         ? LINK_PASSWORD
                         : cell->caller == LINK_PW_WRONG ? "not the password"
                                                         : NULL;
}

static void
cell_prepare (Cell *cell)
{
  const Row *row = cell->row;

  choose_owner (cell);
  if (row->flags & (FRESH | FRESH_OWNER))
    setup_resource (row->kind, cell->owner, &cell->res);
  else
    {
      if (!shared_made[row->kind])
        setup_resource (row->kind, owner, &shared[row->kind]);
      shared_made[row->kind] = TRUE;
      cell->res = shared[row->kind];
    }
  cell->token = caller_token (cell);
  if (cell->caller >= FIRST_LINK)
    prepare_link (cell);
  cell->path = expand (row->path, cell);
  if (strstr (cell->path, " (") != NULL)
    *strstr (cell->path, " (") = '\0';
}

/* What an owner's look at the resource shows, to compare before and after
 * (NULL when the row's resource has no such look). */
static char *
fingerprint (Cell *cell)
{
  g_autoptr (CtResponse) r = NULL;
  g_autofree char *path = NULL;
  JsonObject *object;

  if (cell->row->kind == SELF || cell->row->kind == USER)
    {
      g_autoptr (CtResponse) usage = NULL;
      g_autofree char *profile = NULL;
      g_autofree char *numbers = NULL;

      path = g_strdup_printf ("/v1/users/%s", cell->owner->id);
      r = ct_http (stack->users.url, "GET", path, NULL, NULL);
      if (r->status != 200)
        return g_strdup_printf ("%u", r->status);
      usage = ct_http (stack->photos.url, "GET", "/v1/photos/usage", cell->owner->token, NULL);
      profile = stack_body_text (r);
      numbers = stack_body_text (usage);
      return g_strdup_printf ("%s %u %s", profile, usage->status, numbers);
    }
  if (cell->row->kind == TRASHED_PHOTO || cell->row->kind == TRASHED_FOLDER)
    {
      const char *id = cell->row->kind == TRASHED_PHOTO ? cell->res.photo : cell->res.folder;
      g_autofree char *quoted = g_strdup_printf ("\"%s\"", id);
      g_autofree char *body = NULL;

      r = ct_http (stack->photos.url, "GET", "/v1/trash?limit=200", cell->owner->token, NULL);
      body = stack_body_text (r);
      if (r->status == 200 && strstr (body, quoted) != NULL)
        return g_strdup ("in the trash");
      g_clear_pointer (&r, ct_response_free);
    }
  if (cell->res.upload != NULL)
    {
      path = g_strdup_printf ("/v1/photos/uploads/%s", cell->res.upload);
      r = ct_http (stack->photos.url, "GET", path, cell->owner->token, NULL);
      return r->status == 200 ? stack_body_text (r) : g_strdup_printf ("%u", r->status);
    }
  if (g_str_has_prefix (cell->row->path, "/v1/shares") && cell->res.folder != NULL)
    {
      /* The owner's list of the links of the folder (or the photo). */
      g_autofree char *list = NULL;

      path = cell->res.photo != NULL ? g_strdup_printf ("/v1/shares?photo_id=%s", cell->res.photo)
                                     : g_strdup_printf ("/v1/shares?folder_id=%s", cell->res.folder);
      r = ct_http (stack->folders.url, "GET", path, cell->owner->token, NULL);
      list = stack_body_text (r);
      return g_strdup_printf ("%u %s", r->status, list);
    }
  if (strstr (cell->row->path, "/members") != NULL)
    {
      g_autoptr (CtResponse) members = NULL;
      g_autofree char *folder = NULL;
      g_autofree char *list = NULL;

      path = g_strdup_printf ("/v1/folders/%s/members", cell->res.folder);
      members = ct_http (stack->folders.url, "GET", path, cell->owner->token, NULL);
      g_free (path);
      path = g_strdup_printf ("/v1/folders/%s", cell->res.folder);
      r = ct_http (stack->folders.url, "GET", path, cell->owner->token, NULL);
      folder = stack_body_text (r);
      list = stack_body_text (members);
      return g_strdup_printf ("%u %s %u %s", r->status, folder, members->status, list);
    }
  if (cell->res.photo != NULL)
    {
      path = g_strdup_printf ("/v1/photos/%s", cell->res.photo);
      r = ct_http (stack->photos.url, "GET", path, cell->owner->token, NULL);
      if (r->status != 200)
        return g_strdup_printf ("%u", r->status);
      object = ct_response_object (r);
      return g_strdup_printf ("200 %s %s %s", json_object_get_string_member (object, "name"),
                              json_object_get_string_member (object, "folder_id"),
                              json_object_get_string_member (object, "updated_at"));
    }
  if (cell->res.folder != NULL)
    {
      path = g_strdup_printf ("/v1/folders/%s", cell->res.folder);
      r = ct_http (stack->folders.url, "GET", path, cell->owner->token, NULL);
      return r->status == 200 ? stack_body_text (r) : g_strdup_printf ("%u", r->status);
    }
  return NULL;
}

static const char *
service_url (const char *service)
{
  if (g_str_equal (service, "users"))
    return stack->users.url;
  if (g_str_equal (service, "folders"))
    return stack->folders.url;
  return stack->photos.url;
}

static GBytes *
form_body (const char *boundary)
{
  g_autoptr (GBytes) png = ct_unique_png ("e2e");
  g_autofree char *head = g_strdup_printf (
      "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"form.png\"\r\n"
      "Content-Type: image/png\r\n\r\n",
      boundary);
  g_autofree char *tail = g_strdup_printf ("\r\n--%s--\r\n", boundary);
  GByteArray *out = g_byte_array_new ();

  g_byte_array_append (out, (const guint8 *) head, strlen (head));
  g_byte_array_append (out, g_bytes_get_data (png, NULL), g_bytes_get_size (png));
  g_byte_array_append (out, (const guint8 *) tail, strlen (tail));
  return g_byte_array_free_to_bytes (out);
}

static CtResponse *
cell_send (Cell *cell)
{
  const Row *row = cell->row;
  g_autofree char *auth = cell->token != NULL
                            ? g_strdup_printf ("Authorization: Bearer %s", cell->token)
                            : NULL;
  g_autofree char *share = cell->share != NULL
                             ? g_strdup_printf ("X-Carrete-Share: %s", cell->share)
                             : NULL;
  g_autofree char *password
      = cell->share_password != NULL
            ? g_strdup_printf ("X-Carrete-Share-Password: %s", cell->share_password)
            : NULL;
  const char *headers[4] = { NULL };
  guint n = 0;
  g_autoptr (GBytes) body = NULL;
  g_autofree char *json = NULL;
  const char *type = "application/json";

  /* Those that are set, in a NULL-terminated list. */
  if (auth != NULL)
    headers[n++] = auth;
  if (share != NULL)
    headers[n++] = share;
  if (password != NULL)
    headers[n++] = password;
  if (row->flags & BODY_PNG)
    {
      body = ct_unique_png ("e2e");
      type = "image/png";
    }
  else if (row->flags & BODY_FORM)
    {
      body = form_body ("e2e-boundary");
      type = "multipart/form-data; boundary=e2e-boundary";
    }
  else if (row->body != NULL)
    {
      json = expand (row->body, cell);
      body = g_bytes_new (json, strlen (json));
    }
  return ct_http_raw (service_url (row->service), row->method, cell->path, headers, type, body);
}

/* Why an answer with the right status is still wrong, or NULL. */
static const char *
answer_defect (CtResponse *r)
{
  const char *type = r->headers != NULL
                       ? soup_message_headers_get_content_type (r->headers, NULL)
                       : NULL;
  const char *challenge = ct_response_header (r, "WWW-Authenticate");

  if (r->status >= 400 && g_strcmp0 (type, "application/problem+json") != 0)
    return "not problem+json";
  if (r->status == 401 && (challenge == NULL || !g_str_has_prefix (challenge, "Bearer")))
    return "401 without WWW-Authenticate: Bearer";
  return NULL;
}

/* Runs one cell; returns what to print, and sets *defect when it is wrong. */
static char *
run_cell (const Row *row, Caller caller, char **defect)
{
  Cell cell = { .row = row, .caller = caller };
  /* A link column left out is the anonymous caller's answer (see above). */
  int want = row->expect[caller] != 0 || caller < FIRST_LINK ? row->expect[caller]
                                                              : row->expect[ANON];
  guint status = want & STATUS_MASK;
  gboolean refused = status >= 300;
  g_autoptr (CtResponse) r = NULL;
  g_autofree char *after = NULL;
  const char *problem = NULL;
  char *text;

  cell_prepare (&cell);
  cell.before = (row->flags & (FRESH | FRESH_OWNER)) ? fingerprint (&cell) : NULL;
  r = cell_send (&cell);
  if (r->status == status)
    problem = answer_defect (r);
  if (cell.before != NULL && problem == NULL && r->status == status)
    {
      after = fingerprint (&cell);
      if ((want & GONE) && g_strcmp0 (after, "404") != 0)
        problem = "the resource is still there";
      else if (((want & KEPT) || refused) && g_strcmp0 (after, cell.before) != 0)
        problem = "the resource changed";
      else if ((want & CHANGED) && g_strcmp0 (after, cell.before) == 0)
        problem = "the resource did not change";
    }
  text = g_strdup_printf ("%u%s/%u%s", status,
                          (want & GONE) ? "g" : (want & KEPT) ? "k" : (want & CHANGED) ? "c" : "",
                          r->status, r->status != status || problem != NULL ? "*" : "");
  if (r->status != status || problem != NULL)
    {
      g_autofree char *body = stack_body_text (r);
      *defect = g_strdup_printf ("%s %s %s [%s] as %s: expected %u, got %u%s%s -- %.200s",
                                 row->service, row->method, row->path, kind_names[row->kind],
                                 caller_names[caller], status, r->status,
                                 problem != NULL ? ", " : "", problem != NULL ? problem : "",
                                 body);
    }
  cell_clear (&cell);
  return text;
}

/* Access tokens live 15 minutes and the whole table takes longer on a
 * busy machine: every part, and every eighth row of it, starts with fresh
 * ones for the standing callers. */
static void
renew_tokens (void)
{
  StackUser *const users[] = { owner, other, admin, viewer, contributor, removed, target };

  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    {
      char *token = stack_login (stack, users[i]->name, NULL);

      g_assert_nonnull (token);
      g_free (users[i]->token);
      users[i]->token = token;
    }
}

static void
run_rows (const Row *rows, guint n_rows)
{
  g_autoptr (GString) line = g_string_new (NULL);
  g_autoptr (GPtrArray) defects = g_ptr_array_new_with_free_func (g_free);

  renew_tokens ();
  g_string_printf (line, "%-8s %-6s %-40s %-12s", "service", "method", "route", "resource");
  for (guint c = 0; c < N_CALLERS; c++)
    g_string_append_printf (line, " %-11s", caller_names[c]);
  g_test_message ("%s", line->str);
  g_test_message ("(expected/got; g = gone afterwards, k = kept unchanged; * = mismatch)");
  for (guint i = 0; i < n_rows; i++)
    {
      if (i > 0 && i % 8 == 0)
        renew_tokens ();
      g_string_printf (line, "%-8s %-6s %-40s %-12s", rows[i].service, rows[i].method,
                       rows[i].path, kind_names[rows[i].kind]);
      for (guint c = 0; c < N_CALLERS; c++)
        {
          char *defect = NULL;
          g_autofree char *text = run_cell (&rows[i], c, &defect);
          g_string_append_printf (line, " %-11s", text);
          if (defect != NULL)
            g_ptr_array_add (defects, defect);
        }
      g_test_message ("%s", line->str);
    }
  for (guint i = 0; i < defects->len; i++)
    g_test_message ("MISMATCH %s", (const char *) g_ptr_array_index (defects, i));
  if (defects->len > 0)
    g_test_fail_printf ("%u of %u cells differ from the table (see MISMATCH lines)", defects->len,
                        n_rows * N_CALLERS);
}

static void
test_users (void)
{
  run_rows (users_rows, G_N_ELEMENTS (users_rows));
}

static void
test_folders (void)
{
  run_rows (folders_rows, G_N_ELEMENTS (folders_rows));
}

static void
test_photos (void)
{
  run_rows (photos_rows, G_N_ELEMENTS (photos_rows));
}

static void
test_probes (void)
{
  run_rows (probe_rows, G_N_ELEMENTS (probe_rows));
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  stack = stack_start ();
  owner = stack_user_new (stack, "owner");
  other = stack_user_new (stack, "other");
  admin = stack_admin_new (stack, "admin");
  viewer = stack_user_new (stack, "viewer");
  contributor = stack_user_new (stack, "contrib");
  removed = stack_user_new (stack, "removed");
  target = stack_user_new (stack, "target");

  g_test_add_func ("/carrete/e2e/authz/users", test_users);
  g_test_add_func ("/carrete/e2e/authz/folders", test_folders);
  g_test_add_func ("/carrete/e2e/authz/photos", test_photos);
  g_test_add_func ("/carrete/e2e/authz/probes", test_probes);

  status = g_test_run ();
  for (guint k = 0; k < N_KINDS; k++)
    resource_clear (&shared[k]);
  g_clear_pointer (&links, g_hash_table_unref);
  g_free (link_folder);
  stack_user_free (owner);
  stack_user_free (other);
  stack_user_free (admin);
  stack_user_free (viewer);
  stack_user_free (contributor);
  stack_user_free (removed);
  stack_user_free (target);
  stack_free (stack);
  return status;
}
