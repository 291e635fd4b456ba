#pragma once

#include "carrete-ids.h"
#include "carrete-jwt.h"
#include "carrete-storage.h"
#include "carrete-test-s3-server.h"
#include "carrete-test.h"

G_BEGIN_DECLS

/* The whole system on loopback: one PostgreSQL with the three databases,
 * MinIO, and the real carrete-users, carrete-folders and carrete-photos
 * binaries (photos on s3 storage in MinIO), each knowing the others'
 * addresses.  Ports are chosen before anything starts, so a stopped
 * service comes back at the same address with stack_restart(). */
typedef struct
{
  const char *name; /* "users", "folders", "photos" */
  char *binary;
  char *database;   /* carrete_<name> */
  char **env;
  guint16 port;
  char *url;        /* fixed, also while stopped */
  CtService *service;
} StackService;

typedef struct
{
  CtPostgres *pg;
  CtS3Server *minio;
  CtKeys *keys;
  char *spool_dir;
  char *bucket;
  CarreteStorage *storage; /* photos' bucket, as the test sees it */
  StackService users;
  StackService folders;
  StackService photos;
  CarreteJwt *signer;      /* the installation's key pair */
  char *forger_key;        /* another P-256 private key (PEM file) */
  CarreteIds *ids;
} Stack;

Stack *stack_start (void);
/* The same with photos in another S3 server (`minio` is then that one). */
Stack *stack_start_on (CtS3Kind store);
void stack_free (Stack *stack);

/* SIGTERM (asserting a clean exit), and back at the same port. */
void stack_stop (StackService *service);
void stack_restart (StackService *service);
/* Stops `service`, sets `name`=`value` in its environment (NULL: unsets
 * it) and starts it again. */
void stack_restart_with (StackService *service, const char *name, const char *value);

/* carrete-web against this stack (cookies not Secure, images from MinIO);
 * `extra` (KEY=VALUE, NULL-terminated, or NULL) adds or overrides settings. */
CtService *stack_start_web (Stack *stack, const char *const *extra);

/* ---- users -------------------------------------------------------------- */

#define STACK_PASSWORD "correct horse battery"

/* Its token is from a real login. */
typedef CtUser StackUser;

/* Registers a unique user named after `prefix` and logs in. */
StackUser *stack_user_new (Stack *stack, const char *prefix);
/* The same, made an administrator with `carrete-users set-role` before
 * logging in (the role is in the token). */
StackUser *stack_admin_new (Stack *stack, const char *prefix);
/* ct_user_free, by the name the callers know. */
void stack_user_free (StackUser *user);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StackUser, stack_user_free)
/* POST /v1/auth/login; the access token (and the refresh token when asked),
 * or NULL when the login is refused. */
char *stack_login (Stack *stack, const char *name, char **refresh_token);

/* A token for `sub` signed with the installation's private key whose
 * lifetime ended an hour ago. */
char *stack_expired_token (Stack *stack, const char *sub, const char *role);
/* A well-formed, unexpired token for `sub` that names the installation's
 * key id but is signed with another P-256 key. */
char *stack_forged_token (Stack *stack, const char *sub, const char *role);

/* ---- folders and photos -------------------------------------------------- */

/* POST /v1/folders {name (unique), visibility, tags}; asserts 201.
 * `tags_json` is a JSON array or NULL. */
char *stack_folder_new (Stack *stack, const char *token, const char *visibility,
                        const char *tags_json);

/* POST /v1/photos?name=…[&folder_id=…] with a raw unique PNG (ct_unique_png). */
CtResponse *stack_upload (Stack *stack, const char *token, const char *folder_id);
/* The same, asserting 201 and waiting for its thumbnails; returns the
 * photo id. */
char *stack_photo_new (Stack *stack, const char *token, const char *folder_id);
/* POST /v1/photos/uploads, then PUT of a unique PNG to the presigned URL;
 * returns the pending photo's id (not completed). */
char *stack_direct_upload_new (Stack *stack, const char *token, const char *folder_id);
/* POST /v1/photos/uploads with `resumable`, then PUT of a unique PNG as
 * its one part; returns the upload's id (not completed) and the part's
 * ETag in *etag. */
char *stack_resumable_upload_new (Stack *stack, const char *token, const char *folder_id,
                                  char **etag);

/* ---- looking behind the services' backs ---------------------------------- */

/* One SQL statement as superuser in carrete_<service>; the first column of
 * the first row or NULL. */
char *stack_sql (Stack *stack, const char *service, const char *sql, const char *param);
/* The internal row id behind an opaque id. */
char *stack_row_id (Stack *stack, const char *opaque_id);
/* How many photo rows (any state) `user_id` (opaque) owns. */
guint stack_count_photos (Stack *stack, const char *user_id);
guint stack_count_live_photos (Stack *stack, const char *user_id);
/* The share links of the folder `folder_id` (expired ones included). */
guint stack_count_links (Stack *stack, const char *folder_id);
/* The SHA-256 (hex) of those live photos, sorted and comma-joined ("" for
 * none): a photo uploaded twice shows twice. */
char *stack_photo_hashes (Stack *stack, const char *user_id);
/* The object keys in MinIO that start with `prefix` ("" for all). */
GPtrArray *stack_objects (Stack *stack, const char *prefix);
/* The object prefixes (p/…) of every photo row of `user_id` (opaque). */
GPtrArray *stack_photo_prefixes (Stack *stack, const char *user_id);

/* A token with one character changed (same length and alphabet): a share
 * link's that is no link. */
char *stack_changed_token (const char *token);

/* The body of a response as a NUL-terminated string, for messages. */
char *stack_body_text (CtResponse *response);
/* Fails the test, showing the body, unless `response` has `status`. */
void stack_assert_status (CtResponse *response, guint status);

G_END_DECLS
