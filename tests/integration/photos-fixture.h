#pragma once

#include "carrete-ids.h"
#include "carrete-jwt.h"
#include "carrete-storage.h"
#include "carrete-test-s3-server.h"
#include "carrete-test.h"

G_BEGIN_DECLS

/* A whole photos stack for integration tests: one private PostgreSQL with
 * the users and photos databases migrated, the real carrete-users and
 * carrete-photos binaries, and the storage backend under test (a temporary
 * directory, or a real MinIO).  carrete-folders is not running:
 * CARRETE_FOLDERS_URL points at a closed port, so every request that names
 * a folder meets an unreachable folders service. */

typedef enum
{
  PHOTOS_BACKEND_FS,
  PHOTOS_BACKEND_S3,
} PhotosBackend;

/* The upload limit every stack runs with (CARRETE_MAX_UPLOAD_BYTES). */
#define PHOTOS_MAX_UPLOAD (2 * 1024 * 1024)

typedef struct
{
  PhotosBackend backend;
  CtPostgres *pg;
  CtKeys *keys;
  CtS3Server *minio;     /* s3 only */
  char *work;            /* temporary directory for storage and spool */
  char *storage_dir;     /* fs only */
  char *spool_dir;       /* the main photos instance's CARRETE_SPOOL_DIR */
  char *bucket;          /* s3 only */
  char *photos_binary;
  char **photos_env;     /* settings shared by every photos instance */
  CtService *users;
  CtService *photos;
  const char *users_url;
  const char *photos_url;
  CarreteStorage *storage; /* the same store, opened by the test */
  CarreteIds *ids;
  CarreteJwt *jwt;         /* can sign: for expired or odd tokens */
} PhotosStack;

PhotosStack *photos_stack_start (PhotosBackend backend);
void photos_stack_free (PhotosStack *stack);
const char *photos_backend_name (PhotosBackend backend);

/* Another photos instance on the same database and storage, with its own
 * port and spool directory (returned in *spool_dir) and `extra` settings
 * (KEY=VALUE, NULL-terminated) on top of the shared ones. */
CtService *photos_stack_start_instance (PhotosStack *stack, const char *const *extra,
                                        char **spool_dir);

/* The same running `carrete-photos work` (background jobs only). */
CtService *photos_stack_start_worker (PhotosStack *stack, const char *const *extra,
                                      char **spool_dir);

/* One stack per backend for a whole test program, started on first use. */
PhotosStack *photos_shared_stack (PhotosBackend backend);
void photos_shared_stacks_free (void);

/* Registers `test` as /photos/<backend>/<name> for each backend asked. */
typedef void (*PhotosTest) (PhotosStack *stack);
void photos_add_test (const char *name, PhotosTest test, gboolean fs, gboolean s3);

/* The whole main() of a photos test program: GTest and the image helpers
 * set up, `add_tests` (which calls photos_add_test), the run, and the
 * shared stacks and helpers taken down.  Returns the exit status. */
int photos_test_main (int argc, char **argv, void (*add_tests) (void));

/* ---- the database ------------------------------------------------------------ */

/* Runs `sql` in the photos database with $1 (bigint) the internal id of
 * the photo `photo_id` (opaque); returns the first column of the first
 * row as text, or NULL. */
char *photos_query_photo (PhotosStack *stack, const char *photo_id, const char *sql);

/* ---- users ------------------------------------------------------------------ */

typedef CtUser PhotosUser;

/* Registers and logs in a new user with a unique name (ct_user_free). */
PhotosUser *photos_user_new (PhotosStack *stack, const char *prefix);

/* A token signed with the installation's key for `sub`, issued at `now`
 * and valid `ttl` seconds. */
char *photos_token_at (PhotosStack *stack, const char *sub, gint64 now, guint ttl);

/* ---- images --------------------------------------------------------------------- */

void photos_images_init (const char *argv0);
void photos_images_shutdown (void);

/* A JPEG of `width`×`height` whose colour depends on `seed` (different
 * seeds, different bytes); with EXIF DateTimeOriginal `taken` ("YYYY:MM:DD
 * HH:MM:SS") and orientation tag `orientation` (1–8) when given (NULL / 0
 * for none). */
GBytes *photos_make_jpeg (guint width, guint height, guint seed, const char *taken,
                          int orientation);
/* A valid JPEG of exactly `size` bytes (a small image padded with comment
 * segments), different for each seed. */
GBytes *photos_make_big_jpeg (gsize size, guint seed);
GBytes *photos_make_gray_jpeg (guint width, guint height, guint seed);
GBytes *photos_make_png (guint width, guint height, guint seed, gboolean alpha);
/* Any format libvips can write, by file suffix (".webp", ".gif", ".heic"). */
GBytes *photos_make_image (guint width, guint height, guint seed, const char *suffix);
/* Decodes `bytes` (asserting they are an image) and gives its size and the
 * libvips loader that read it ("VipsForeignLoadJpegBuffer", ...). */
void photos_image_size (GBytes *bytes, guint *width, guint *height, char **loader);

/* ---- requests ---------------------------------------------------------------------- */

/* POST /v1/photos with the image as the body; `query` is appended as is
 * (e.g. "?name=a.jpg", or ""). */
CtResponse *photos_post_raw (PhotosStack *stack, const char *token, const char *query,
                             const char *content_type, GBytes *body);
/* POST /v1/photos as multipart/form-data: a `name` field when `name` is
 * not NULL, then the `file` part with `filename` (may be NULL) and
 * `content_type`. */
CtResponse *photos_post_form (PhotosStack *stack, const char *token, const char *query,
                              const char *name, const char *filename, const char *content_type,
                              GBytes *body);
/* A raw upload that must succeed (201, thumbnails pending) and whose
 * thumbnails must then become ready: returns the photo's id. */
char *photos_upload (PhotosStack *stack, const char *token, const char *name, GBytes *image);

/* GET of an absolute URL (a presigned one), with extra "Name: value"
 * headers. */
CtResponse *photos_fetch (const char *url, const char *const *headers);
/* The same URL with one query parameter's value replaced. */
char *photos_url_with_param (const char *url, const char *name, const char *value);

/* Sends the headers of a POST with `content_length` and only `sent` bytes
 * of `body` (all of it, when `sent` is its size), and returns the
 * connection without reading the answer. */
GSocketConnection *photos_send_only (const char *base_url, const char *path, const char *token,
                                     const char *content_type, gsize content_length, GBytes *body,
                                     gsize sent);
/* The same, then closes the connection. */
void photos_send_and_hang_up (const char *base_url, const char *path, const char *token,
                              const char *content_type, gsize content_length, GBytes *body,
                              gsize sent);

/* Sends a whole POST with Transfer-Encoding: chunked (no Content-Length,
 * so the service only learns the size by reading) and returns the status
 * of the answer. */
guint photos_post_chunked (const char *base_url, const char *path, const char *token,
                           const char *content_type, GBytes *body);

/* The same raw upload sent `n` times at once, one thread and connection
 * each; statuses[i] gets each answer's status. */
void photos_post_parallel (PhotosStack *stack, const char *token, const char *query,
                           GBytes *body, guint n, guint *statuses);

/* ---- consistency --------------------------------------------------------------------- */

/* Every stored object belongs to a row (its key starts with the row's
 * object_prefix), every `ready` row has its original and, once its
 * thumbnails are ready, both of them, no spool file is
 * left (in the main instance's spool directory and in `more_spool`, may be
 * NULL), and fs leaves no temporary file.  Waits up to a few seconds for
 * work in flight to settle before failing. */
void photos_assert_consistent (PhotosStack *stack, const char *more_spool);
/* Rows of the photos table (any state) and stored objects. */
guint photos_count_rows (PhotosStack *stack);
/* photos_count_rows once it is `expected`, or after a few seconds: a
 * streamed upload's row is reserved before its body, and one refused or
 * cut short goes a moment after its answer. */
guint photos_await_rows (PhotosStack *stack, guint expected);
guint photos_count_objects (PhotosStack *stack);
/* Rows of the uploads table (resumable uploads, any state), and multipart
 * uploads the store holds. */
guint photos_count_uploads (PhotosStack *stack);
guint photos_count_multipart (PhotosStack *stack);
/* The `state` column of a photo by its opaque id, or NULL without a row. */
char *photos_row_state (PhotosStack *stack, const char *photo_id);

/* The pids of `service`'s decoder children (`carrete-photos decode`). */
GArray *photos_decoder_children (CtService *service);

/* A folder id of this installation (for requests that name a folder). */
char *photos_folder_id (PhotosStack *stack, gint64 value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhotosUser, ct_user_free)

G_END_DECLS
