#define G_LOG_DOMAIN "carrete-test-photos"

#include "photos-fixture.h"

#include <stdio.h>
#include <string.h>
#include <vips/vips.h>

#include "carrete-keys.h"

#define SETTLE_TRIES 100 /* × 100 ms */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)

const char *
photos_backend_name (PhotosBackend backend)
{
  return backend == PHOTOS_BACKEND_FS ? "fs" : "s3";
}

/* ---- the stack --------------------------------------------------------------- */

static char *
setting (const char *name, const char *value)
{
  return g_strconcat (name, "=", value, NULL);
}

/* GLib 2.74 has no g_strv_builder_take. */
static void
add_setting (GStrvBuilder *env, const char *name, const char *value)
{
  g_autofree char *text = setting (name, value);

  g_strv_builder_add (env, text);
}

static void
migrate (const char *binary, const char *const *env)
{
  g_autofree char *output = NULL;

  if (ct_command (binary, (const char *const[]) { "migrate", NULL }, env, &output) != 0)
    g_error ("%s migrate failed: %s", binary, output);
}

static CtService *
start_users (PhotosStack *stack)
{
  g_autoptr (GStrvBuilder) env = g_strv_builder_new ();
  g_autofree char *url = ct_postgres_create_database (stack->pg, "carrete_users");
  g_autofree char *binary = ct_build_path ("services/users/carrete-users");
  g_auto (GStrv) settings = NULL;

  add_setting (env, "CARRETE_DATABASE_URL", url);
  add_setting (env, "CARRETE_JWT_PUBLIC_KEY_FILE", stack->keys->jwt_public);
  add_setting (env, "CARRETE_JWT_PRIVATE_KEY_FILE", stack->keys->jwt_private);
  add_setting (env, "CARRETE_ID_KEY_FILE", stack->keys->id_key);
  settings = g_strv_builder_end (env);
  migrate (binary, (const char *const *) settings);
  return ct_service_start (binary, (const char *const *) settings);
}

/* Settings every photos instance of this stack shares. */
static char **
photos_settings (PhotosStack *stack, const char *database_url)
{
  g_autoptr (GStrvBuilder) env = g_strv_builder_new ();
  g_autofree char *closed = g_strdup_printf ("http://127.0.0.1:%u", ct_free_port ());
  g_autofree char *limit = g_strdup_printf ("%u", PHOTOS_MAX_UPLOAD);

  add_setting (env, "CARRETE_DATABASE_URL", database_url);
  add_setting (env, "CARRETE_JWT_PUBLIC_KEY_FILE", stack->keys->jwt_public);
  add_setting (env, "CARRETE_ID_KEY_FILE", stack->keys->id_key);
  /* Nothing listens there: carrete-folders is unreachable. */
  add_setting (env, "CARRETE_FOLDERS_URL", closed);
  add_setting (env, "CARRETE_MAX_UPLOAD_BYTES", limit);
  g_strv_builder_add (env, "CARRETE_WORKER_THREADS=2");
  /* Every instance runs jobs, but only looks for them when it has queued
   * one itself (and at start): a test knows which instance made a photo's
   * thumbnails, the one it uploaded to.  Tests of the queue set their own. */
  g_strv_builder_add (env, "CARRETE_JOB_POLL=3600");
  if (stack->backend == PHOTOS_BACKEND_FS)
    {
      g_strv_builder_add (env, "CARRETE_STORAGE=fs");
      add_setting (env, "CARRETE_STORAGE_DIR", stack->storage_dir);
    }
  else
    {
      g_strv_builder_add (env, "CARRETE_STORAGE=s3");
      add_setting (env, "CARRETE_S3_ENDPOINT", ct_s3_server_endpoint (stack->minio));
      add_setting (env, "CARRETE_S3_ACCESS_KEY", ct_s3_server_access_key (stack->minio));
      add_setting (env, "CARRETE_S3_SECRET_KEY", ct_s3_server_secret_key (stack->minio));
      add_setting (env, "CARRETE_S3_BUCKET", stack->bucket);
      g_strv_builder_add (env, "CARRETE_S3_REGION=us-east-1");
    }
  return g_strv_builder_end (env);
}

static CtService *
start_instance (PhotosStack *stack, const char *command, const char *const *extra, char **spool_dir)
{
  static guint serial;
  g_autoptr (GStrvBuilder) env = g_strv_builder_new ();
  g_auto (GStrv) settings = NULL;
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", ct_free_port ());
  g_autofree char *public_url = g_strconcat ("http://", listen, NULL);
  g_autofree char *spool_name = g_strdup_printf ("spool-%u", ++serial);
  char *spool = g_build_filename (stack->work, spool_name, NULL);

  g_strv_builder_addv (env, (const char **) stack->photos_env);
  /* fs URLs point at the service itself, so it must know its address. */
  add_setting (env, "CARRETE_LISTEN", listen);
  add_setting (env, "CARRETE_PUBLIC_URL", public_url);
  add_setting (env, "CARRETE_SPOOL_DIR", spool);
  if (extra != NULL)
    g_strv_builder_addv (env, (const char **) extra);
  settings = g_strv_builder_end (env);
  if (spool_dir != NULL)
    *spool_dir = spool;
  else
    g_free (spool);
  return ct_service_start_command (stack->photos_binary, command, (const char *const *)settings, 0);
}

CtService *
photos_stack_start_instance (PhotosStack *stack, const char *const *extra, char **spool_dir)
{
  return start_instance (stack, "serve", extra, spool_dir);
}

CtService *
photos_stack_start_worker (PhotosStack *stack, const char *const *extra, char **spool_dir)
{
  return start_instance (stack, "work", extra, spool_dir);
}

static CarreteStorage *
open_storage (PhotosStack *stack)
{
  guint8 url_key[32] = { 0 }; /* only for presigning, which the test does not do */
  g_autoptr (GError) error = NULL;
  CarreteStorage *storage = carrete_storage_new (&(CarreteStorageOptions) {
      .kind = stack->backend == PHOTOS_BACKEND_FS ? CARRETE_STORAGE_FS : CARRETE_STORAGE_S3,
      .dir = stack->storage_dir,
      .public_url = "http://127.0.0.1:1",
      .url_key = url_key,
      .endpoint = stack->minio != NULL ? ct_s3_server_endpoint (stack->minio) : NULL,
      .region = "us-east-1",
      .bucket = stack->bucket,
      .access_key = stack->minio != NULL ? ct_s3_server_access_key (stack->minio) : NULL,
      .secret_key = stack->minio != NULL ? ct_s3_server_secret_key (stack->minio) : NULL,
      .timeout_seconds = 10,
  }, &error);

  g_assert_no_error (error);
  return storage;
}

PhotosStack *
photos_stack_start (PhotosBackend backend)
{
  PhotosStack *stack = g_new0 (PhotosStack, 1);
  g_autofree char *photos_db = NULL;
  g_autoptr (GError) error = NULL;
  CarreteIdKey id_key;

  stack->backend = backend;
  stack->pg = ct_postgres_start ();
  stack->keys = ct_keys_new ();
  stack->work = ct_make_tmpdir ("carrete-photos-XXXXXX");
  if (backend == PHOTOS_BACKEND_FS)
    stack->storage_dir = g_build_filename (stack->work, "objects", NULL);
  else
    {
      stack->minio = ct_s3_server_start (CT_S3_MINIO);
      stack->bucket = g_strdup ("carrete-photos-test");
    }
  stack->users = start_users (stack);
  stack->users_url = ct_service_url (stack->users);

  photos_db = ct_postgres_create_database (stack->pg, "carrete_photos");
  stack->photos_binary = ct_build_path ("services/photos/carrete-photos");
  stack->photos_env = photos_settings (stack, photos_db);
  migrate (stack->photos_binary, (const char *const *) stack->photos_env);
  stack->photos = photos_stack_start_instance (stack, NULL, &stack->spool_dir);
  stack->photos_url = ct_service_url (stack->photos);

  stack->storage = open_storage (stack);
  g_assert_true (carrete_storage_ensure_ready (stack->storage, &error));
  g_assert_no_error (error);
  g_assert_true (carrete_id_key_load (stack->keys->id_key, &id_key, &error));
  stack->ids = carrete_ids_new (&id_key);
  stack->jwt = carrete_jwt_new (stack->keys->jwt_public, "carrete", "carrete", &error);
  g_assert_no_error (error);
  g_assert_true (carrete_jwt_load_private_key (stack->jwt, stack->keys->jwt_private, &error));
  return stack;
}

void
photos_stack_free (PhotosStack *stack)
{
  if (stack == NULL)
    return;
  ct_service_free (stack->photos);
  ct_service_free (stack->users);
  g_clear_pointer (&stack->storage, carrete_storage_free);
  g_clear_pointer (&stack->ids, carrete_ids_free);
  g_clear_pointer (&stack->jwt, carrete_jwt_free);
  g_clear_pointer (&stack->minio, ct_s3_server_free);
  ct_postgres_free (stack->pg);
  ct_keys_free (stack->keys);
  ct_remove_tree (stack->work);
  g_free (stack->work);
  g_free (stack->storage_dir);
  g_free (stack->spool_dir);
  g_free (stack->bucket);
  g_free (stack->photos_binary);
  g_strfreev (stack->photos_env);
  g_free (stack);
}

static PhotosStack *shared[2];

PhotosStack *
photos_shared_stack (PhotosBackend backend)
{
  if (shared[backend] == NULL)
    shared[backend] = photos_stack_start (backend);
  return shared[backend];
}

void
photos_shared_stacks_free (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (shared); i++)
    g_clear_pointer (&shared[i], photos_stack_free);
}

typedef struct
{
  PhotosBackend backend;
  PhotosTest test;
} Registered;

static Registered registry[128];
static guint n_registered;

static void
run_registered (gconstpointer data)
{
  const Registered *registered = data;

  registered->test (photos_shared_stack (registered->backend));
}

void
photos_add_test (const char *name, PhotosTest test, gboolean fs, gboolean s3)
{
  for (PhotosBackend backend = PHOTOS_BACKEND_FS; backend <= PHOTOS_BACKEND_S3; backend++)
    {
      Registered *registered;
      g_autofree char *path = NULL;

      if (!(backend == PHOTOS_BACKEND_FS ? fs : s3))
        continue;
      /* Static, so that tests left out by -p or -s leak nothing. */
      g_assert_cmpuint (n_registered, <, G_N_ELEMENTS (registry));
      registered = &registry[n_registered++];
      registered->backend = backend;
      registered->test = test;
      path = g_strdup_printf ("/photos/%s/%s", photos_backend_name (backend), name);
      g_test_add_data_func (path, registered, run_registered);
    }
}

/* ---- the database ------------------------------------------------------------ */

char *
photos_query_photo (PhotosStack *stack, const char *photo_id, const char *sql)
{
  g_autofree char *id_text = NULL;
  gint64 id = 0;

  g_assert_true (carrete_ids_decode (stack->ids, CARRETE_ID_PHOTO, photo_id, &id));
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  return ct_postgres_query_param (stack->pg, "carrete_photos", sql, id_text);
}

/* ---- users ------------------------------------------------------------------- */

#define PASSWORD "correct horse battery"

PhotosUser *
photos_user_new (PhotosStack *stack, const char *prefix)
{
  static guint counter;
  PhotosUser *user = g_new0 (PhotosUser, 1);
  g_autofree char *register_body = NULL;
  g_autofree char *login_body = NULL;
  g_autoptr (CtResponse) registered = NULL;
  g_autoptr (CtResponse) login = NULL;

  user->name = g_strdup_printf ("%s_%x%u", prefix, g_random_int_range (0, 0xffff), ++counter);
  register_body = g_strdup_printf (
      "{\"username\":\"%s\",\"email\":\"%s@example.org\",\"password\":\"%s\"}", user->name,
      user->name, PASSWORD);
  registered = ct_http (stack->users_url, "POST", "/v1/auth/register", NULL, register_body);
  g_assert_cmpuint (registered->status, ==, 201);
  user->id = g_strdup (ct_response_string (registered, "id"));
  login_body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"%s\"}", user->name, PASSWORD);
  login = ct_http (stack->users_url, "POST", "/v1/auth/login", NULL, login_body);
  g_assert_cmpuint (login->status, ==, 200);
  user->token = g_strdup (ct_response_string (login, "access_token"));
  return user;
}

char *
photos_token_at (PhotosStack *stack, const char *sub, gint64 now, guint ttl)
{
  g_autoptr (GError) error = NULL;
  char *token = carrete_jwt_sign (stack->jwt, sub, "user", now, ttl, &error);

  g_assert_no_error (error);
  return token;
}

char *
photos_folder_id (PhotosStack *stack, gint64 value)
{
  return carrete_ids_encode (stack->ids, CARRETE_ID_FOLDER, value);
}

/* ---- images --------------------------------------------------------------------- */

static void
ignore_log (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
}

void
photos_images_init (const char *argv0)
{
  /* libvips says where it finds its modules: noise in a test log. */
  g_log_set_handler ("VIPS", G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG, ignore_log, NULL);
  if (VIPS_INIT (argv0) != 0)
    g_error ("libvips: %s", vips_error_buffer ());
  vips_cache_set_max (0);
  vips_leak_set (FALSE);
}

void
photos_images_shutdown (void)
{
  vips_shutdown ();
}

/* An image of one colour per band, the colour drawn from `seed`. */
static VipsImage *
plain_image (guint width, guint height, guint bands, guint seed)
{
  g_autoptr (VipsImage) black = NULL;
  double a[4] = { 1, 1, 1, 1 };
  /* Far-apart colours: JPEG quantization must not make two seeds equal. */
  double b[4] = { (seed * 67) % 256, (seed * 131 + 50) % 256, (seed * 29 + 100) % 256, 200 };
  VipsImage *out = NULL;

  if (vips_black (&black, (int) width, (int) height, "bands", (int) bands, NULL) != 0
      || vips_linear (black, &out, a, b, (int) bands, "uchar", TRUE, NULL) != 0)
    g_error ("libvips: %s", vips_error_buffer ());
  /* A diagonal line, so that the image is not one flat colour. */
  vips_draw_line1 (out, 255.0, 0, 0, (int) width - 1, (int) height - 1, NULL);
  return out;
}

static GBytes *
save_buffer (VipsImage *image, const char *suffix)
{
  void *data = NULL;
  size_t len = 0;

  if (vips_image_write_to_buffer (image, suffix, &data, &len, NULL) != 0)
    g_error ("libvips: %s", vips_error_buffer ());
  return g_bytes_new_with_free_func (data, len, g_free, data);
}

GBytes *
photos_make_jpeg (guint width, guint height, guint seed, const char *taken, int orientation)
{
  g_autoptr (VipsImage) image = plain_image (width, height, 3, seed);

  if (taken != NULL)
    vips_image_set_string (image, "exif-ifd2-DateTimeOriginal", taken);
  if (orientation != 0)
    vips_image_set_int (image, VIPS_META_ORIENTATION, orientation);
  return save_buffer (image, ".jpg[Q=85]");
}

/* A small JPEG padded with COM segments (which decoders skip) up to
 * exactly `size` bytes: big enough for multipart parts, cheap to decode. */
GBytes *
photos_make_big_jpeg (gsize size, guint seed)
{
  g_autoptr (GBytes) small = photos_make_jpeg (64, 48, seed, NULL, 0);
  gsize small_len = 0;
  const guint8 *data = g_bytes_get_data (small, &small_len);
  GByteArray *out = g_byte_array_sized_new ((guint) size);
  gsize left;

  g_assert_cmpuint (size, >=, small_len + 8);
  g_byte_array_append (out, data, 2); /* SOI */
  left = size - small_len;
  while (left > 0)
    {
      /* A segment is 4 to 65537 bytes; never leave fewer than 4. */
      gsize segment = MIN (left, 65537);
      guint8 buffer[65537];

      if (left - segment > 0 && left - segment < 4)
        segment -= 4;
      buffer[0] = 0xff;
      buffer[1] = 0xfe;
      buffer[2] = (guint8) ((segment - 2) >> 8);
      buffer[3] = (guint8) ((segment - 2) & 0xff);
      for (gsize i = 4; i < segment; i++)
        buffer[i] = (guint8) ('a' + (out->len * 7 + seed * 13 + i / 97) % 26);
      g_byte_array_append (out, buffer, (guint) segment);
      left -= segment;
    }
  g_byte_array_append (out, data + 2, (guint) (small_len - 2));
  g_assert_cmpuint (out->len, ==, size);
  return g_byte_array_free_to_bytes (out);
}

GBytes *
photos_make_gray_jpeg (guint width, guint height, guint seed)
{
  g_autoptr (VipsImage) image = plain_image (width, height, 1, seed);

  image->Type = VIPS_INTERPRETATION_B_W;
  return save_buffer (image, ".jpg[Q=85]");
}

GBytes *
photos_make_png (guint width, guint height, guint seed, gboolean alpha)
{
  g_autoptr (VipsImage) image = plain_image (width, height, alpha ? 4 : 3, seed);

  return save_buffer (image, ".png");
}

GBytes *
photos_make_image (guint width, guint height, guint seed, const char *suffix)
{
  g_autoptr (VipsImage) image = plain_image (width, height, 3, seed);

  return save_buffer (image, suffix);
}

void
photos_image_size (GBytes *bytes, guint *width, guint *height, char **loader)
{
  gsize len = 0;
  const void *data = g_bytes_get_data (bytes, &len);
  const char *name = vips_foreign_find_load_buffer (data, len);
  g_autoptr (VipsImage) image = NULL;
  double average = 0;

  g_assert_nonnull (name);
  image = vips_image_new_from_buffer (data, len, "", NULL);
  g_assert_nonnull (image);
  /* Every pixel decodes: the file is whole. */
  g_assert_cmpint (vips_avg (image, &average, NULL), ==, 0);
  *width = (guint) vips_image_get_width (image);
  *height = (guint) vips_image_get_height (image);
  if (loader != NULL)
    *loader = g_strdup (name);
}

/* ---- requests ---------------------------------------------------------------------- */

static char *
bearer_header (const char *token)
{
  return token != NULL ? g_strconcat ("Authorization: Bearer ", token, NULL) : NULL;
}

CtResponse *
photos_post_raw (PhotosStack *stack, const char *token, const char *query,
                 const char *content_type, GBytes *body)
{
  g_autofree char *auth = bearer_header (token);
  g_autofree char *path = g_strconcat ("/v1/photos", query, NULL);
  const char *headers[] = { auth, NULL };

  return ct_http_raw (stack->photos_url, "POST", path, headers, content_type, body);
}

CtResponse *
photos_post_form (PhotosStack *stack, const char *token, const char *query, const char *name,
                  const char *filename, const char *content_type, GBytes *body)
{
  const char *boundary = "carrete-test-boundary-7d3f";
  g_autoptr (GByteArray) form = g_byte_array_new ();
  g_autofree char *head = NULL;
  g_autofree char *tail = g_strdup_printf ("\r\n--%s--\r\n", boundary);
  g_autofree char *type = g_strdup_printf ("multipart/form-data; boundary=%s", boundary);
  g_autoptr (GBytes) bytes = NULL;
  GString *text = g_string_new (NULL);
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (body, &len);

  if (name != NULL)
    g_string_append_printf (text,
                            "--%s\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n%s\r\n",
                            boundary, name);
  g_string_append_printf (text, "--%s\r\nContent-Disposition: form-data; name=\"file\"", boundary);
  if (filename != NULL)
    g_string_append_printf (text, "; filename=\"%s\"", filename);
  g_string_append_printf (text, "\r\nContent-Type: %s\r\n\r\n", content_type);
  head = g_string_free (text, FALSE);
  g_byte_array_append (form, (const guint8 *) head, strlen (head));
  g_byte_array_append (form, data, len);
  g_byte_array_append (form, (const guint8 *) tail, strlen (tail));
  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&form));
  return photos_post_raw (stack, token, query, type, bytes);
}

char *
photos_upload (PhotosStack *stack, const char *token, const char *name, GBytes *image)
{
  g_autofree char *escaped = g_uri_escape_string (name, NULL, FALSE);
  g_autofree char *query = g_strconcat ("?name=", escaped, NULL);
  g_autoptr (CtResponse) r = photos_post_raw (stack, token, query, "image/jpeg", image);
  g_autoptr (CtResponse) done = NULL;

  if (r->status != 201)
    g_error ("upload of %s: %u %.*s", name, r->status, (int) g_bytes_get_size (r->body),
             (const char *) g_bytes_get_data (r->body, NULL));
  g_assert_cmpstr (ct_response_string (r, "thumbnails"), ==, "pending");
  done = ct_await_thumbnails (stack->photos_url, token, ct_response_string (r, "id"));
  g_assert_cmpstr (ct_response_string (done, "thumbnails"), ==, "ready");
  return g_strdup (ct_response_string (r, "id"));
}

CtResponse *
photos_fetch (const char *url, const char *const *headers)
{
  g_assert_nonnull (url);
  return ct_http_raw ("", "GET", url, headers, NULL, NULL);
}

char *
photos_url_with_param (const char *url, const char *name, const char *value)
{
  g_autofree char *needle = g_strconcat (name, "=", NULL);
  const char *query = strchr (url, '?');
  const char *at = NULL;
  const char *end;

  g_assert_nonnull (query);
  for (const char *p = query; p != NULL && at == NULL; p = strchr (p + 1, '&'))
    if (g_str_has_prefix (p + 1, needle))
      at = p + 1 + strlen (needle);
  g_assert_nonnull (at);
  end = strchr (at, '&');
  return g_strdup_printf ("%.*s%s%s", (int) (at - url), url, value, end != NULL ? end : "");
}

GSocketConnection *
photos_send_only (const char *base_url, const char *path, const char *token,
                  const char *content_type, gsize content_length, GBytes *body, gsize sent)
{
  g_autofree char *host = NULL;
  GSocketConnection *connection = ct_connect (base_url, &host);
  g_autoptr (GError) error = NULL;
  g_autofree char *head
      = g_strdup_printf ("POST %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"
                         "Content-Type: %s\r\nContent-Length: %zu\r\n\r\n",
                         path, host, token, content_type, content_length);
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  gsize written = 0;

  g_assert_true (g_output_stream_write_all (out, head, strlen (head), &written, NULL, &error));
  g_assert_true (g_output_stream_write_all (out, g_bytes_get_data (body, NULL),
                                            MIN (sent, g_bytes_get_size (body)), &written, NULL,
                                            &error));
  g_assert_no_error (error);
  return connection;
}

void
photos_send_and_hang_up (const char *base_url, const char *path, const char *token,
                         const char *content_type, gsize content_length, GBytes *body, gsize sent)
{
  g_autoptr (GSocketConnection) connection
      = photos_send_only (base_url, path, token, content_type, content_length, body, sent);

  /* Let the server read what came, then vanish without finishing. */
  g_usleep (300 * 1000);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
}

guint
photos_post_chunked (const char *base_url, const char *path, const char *token,
                     const char *content_type, GBytes *body)
{
  g_autofree char *host = NULL;
  g_autoptr (GSocketConnection) connection = ct_connect (base_url, &host);
  g_autoptr (GError) error = NULL;
  g_autoptr (GDataInputStream) in = NULL;
  g_autofree char *head = g_strdup_printf (
      "POST %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\n"
      "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
      path, host, token, content_type);
  g_autofree char *status_line = NULL;
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (body, &len);
  const gsize chunk = 64 * 1024;

  g_assert_true (g_output_stream_write_all (out, head, strlen (head), NULL, NULL, &error));
  for (gsize at = 0; at < len && error == NULL; at += chunk)
    {
      gsize n = MIN (chunk, len - at);
      g_autofree char *size = g_strdup_printf ("%zx\r\n", n);

      /* The service may answer and close before the last chunk: a failed
       * write is then fine, the answer is what counts. */
      if (!g_output_stream_write_all (out, size, strlen (size), NULL, NULL, &error)
          || !g_output_stream_write_all (out, data + at, n, NULL, NULL, &error)
          || !g_output_stream_write_all (out, "\r\n", 2, NULL, NULL, &error))
        break;
    }
  if (error == NULL)
    g_output_stream_write_all (out, "0\r\n\r\n", 5, NULL, NULL, NULL);
  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  status_line = g_data_input_stream_read_line (in, NULL, NULL, NULL);
  g_assert_nonnull (status_line);
  g_assert_true (g_str_has_prefix (status_line, "HTTP/1.1 "));
  return (guint) g_ascii_strtoull (status_line + 9, NULL, 10);
}

void
photos_post_parallel (PhotosStack *stack, const char *token, const char *query, GBytes *body,
                      guint n, guint *statuses)
{
  g_autofree char *path = g_strconcat ("/v1/photos", query, NULL);
  CtParallel *parallel = ct_parallel_post (stack->photos_url, path, token, "image/jpeg", body, n);

  for (guint i = 0; i < n; i++)
    statuses[i] = ct_parallel_status (parallel, i);
  ct_parallel_free (parallel);
}

/* ---- consistency --------------------------------------------------------------------- */

/* One line per row: "<object_prefix> <state>". */
static GHashTable *
rows_by_prefix (PhotosStack *stack)
{
  g_autofree char *text = ct_postgres_query (
      stack->pg, "carrete_photos",
      "SELECT coalesce(string_agg(object_prefix || ' ' || state || ' ' || thumbnails, E'\\n'),"
      " '') FROM photos");
  GHashTable *rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto (GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) parts = g_strsplit (lines[i], " ", 2);
      if (parts[0] != NULL && parts[1] != NULL)
        g_hash_table_insert (rows, g_strdup (parts[0]), g_strdup (parts[1]));
    }
  return rows;
}

static GPtrArray *
list_objects (PhotosStack *stack)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *keys = carrete_storage_list (stack->storage, "", &error);

  g_assert_no_error (error);
  return keys;
}

static char *
prefix_of (const char *key)
{
  const char *slash = strrchr (key, '/');
  return slash != NULL ? g_strndup (key, (gsize) (slash - key)) : g_strdup (key);
}

/* A direct upload's staging object "u/<hex>" belongs to the photo
 * "p/<hex>" while that one is pending (or being deleted): once it is ready
 * or gone, a staging object is a leftover (a replayed PUT) that the
 * staging sweep must remove. */
static void
check_staging_key (GHashTable *rows, const char *key, GString *problems)
{
  g_autofree char *owner = g_strconcat ("p/", key + 2, NULL);
  const char *state = g_hash_table_lookup (rows, owner);

  if (state == NULL)
    g_string_append_printf (problems, "staging object %s has no row\n", key);
  else if (!g_str_has_prefix (state, "pending ") && !g_str_has_prefix (state, "deleting "))
    g_string_append_printf (problems, "staging object %s outlives its upload (%s)\n", key, state);
}

static void
find_stray_files (const char *dir, gboolean temporary_only, GString *problems)
{
  g_autoptr (GDir) listing = dir != NULL ? g_dir_open (dir, 0, NULL) : NULL;
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        find_stray_files (path, temporary_only, problems);
      else if (!temporary_only || g_str_has_prefix (name, ".tmp-"))
        g_string_append_printf (problems, "stray file %s\n", path);
    }
}

/* What is wrong now, or NULL. */
static char *
inconsistencies (PhotosStack *stack, const char *more_spool)
{
  g_autoptr (GHashTable) rows = rows_by_prefix (stack);
  g_autoptr (GPtrArray) keys = list_objects (stack);
  g_autoptr (GHashTable) objects = g_hash_table_new (g_str_hash, g_str_equal);
  GString *problems = g_string_new (NULL);
  GHashTableIter iter;
  gpointer prefix, state;

  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);
      g_autofree char *owner = prefix_of (key);

      g_hash_table_add (objects, (gpointer) key);
      if (g_str_has_prefix (key, "u/"))
        check_staging_key (rows, key, problems);
      else if (!g_hash_table_contains (rows, owner))
        g_string_append_printf (problems, "object %s has no row\n", key);
    }
  g_hash_table_iter_init (&iter, rows);
  while (g_hash_table_iter_next (&iter, &prefix, &state))
    {
      const char *suffixes[] = { "/original", "/256.jpg", "/1280.jpg" };

      if (!g_str_has_prefix (state, "ready "))
        continue;
      /* Its thumbnails once they are ready; the original always. */
      for (guint i = 0; i < (g_str_equal (state, "ready ready") ? G_N_ELEMENTS (suffixes) : 1); i++)
        {
          g_autofree char *key = g_strconcat (prefix, suffixes[i], NULL);
          if (!g_hash_table_contains (objects, key))
            g_string_append_printf (problems, "ready row %s has no %s\n", (char *) prefix, key);
        }
    }
  find_stray_files (stack->spool_dir, FALSE, problems);
  find_stray_files (more_spool, FALSE, problems);
  find_stray_files (stack->storage_dir, TRUE, problems);
  if (problems->len > 0)
    {
      /* The whole picture, to explain the problem. */
      g_hash_table_iter_init (&iter, rows);
      while (g_hash_table_iter_next (&iter, &prefix, &state))
        g_string_append_printf (problems, "  row %s %s\n", (char *) prefix, (char *) state);
      for (guint i = 0; i < keys->len; i++)
        g_string_append_printf (problems, "  object %s\n", (char *) g_ptr_array_index (keys, i));
    }
  if (problems->len == 0)
    {
      g_string_free (problems, TRUE);
      return NULL;
    }
  return g_string_free (problems, FALSE);
}

void
photos_assert_consistent (PhotosStack *stack, const char *more_spool)
{
  for (guint i = 0;; i++)
    {
      g_autofree char *problems = inconsistencies (stack, more_spool);

      if (problems == NULL)
        return;
      if (i == SETTLE_TRIES)
        g_error ("inconsistent storage and database:\n%s", problems);
      g_usleep (100 * 1000);
    }
}

guint
photos_count_rows (PhotosStack *stack)
{
  g_autofree char *count = ct_postgres_query (stack->pg, "carrete_photos",
                                              "SELECT count(*) FROM photos");
  return (guint) g_ascii_strtoull (count, NULL, 10);
}

guint
photos_await_rows (PhotosStack *stack, guint expected)
{
  guint rows = photos_count_rows (stack);

  for (guint i = 0; i < 100 && rows != expected; i++)
    {
      g_usleep (50 * 1000);
      rows = photos_count_rows (stack);
    }
  return rows;
}

guint
photos_count_uploads (PhotosStack *stack)
{
  g_autofree char *count
      = ct_postgres_query (stack->pg, "carrete_photos", "SELECT count(*) FROM uploads");
  return (guint) g_ascii_strtoull (count, NULL, 10);
}

guint
photos_count_multipart (PhotosStack *stack)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) uploads
      = carrete_storage_multipart_list_uploads (stack->storage, "", &error);

  g_assert_no_error (error);
  return uploads->len;
}

guint
photos_count_objects (PhotosStack *stack)
{
  g_autoptr (GPtrArray) keys = list_objects (stack);
  return keys->len;
}

char *
photos_row_state (PhotosStack *stack, const char *photo_id)
{
  gint64 id = 0;
  g_autofree char *text = NULL;

  g_assert_true (carrete_ids_decode (stack->ids, CARRETE_ID_PHOTO, photo_id, &id));
  text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  return ct_postgres_query_param (stack->pg, "carrete_photos",
                                  "SELECT state FROM photos WHERE id = $1::bigint", text);
}

/* The pids of `service`'s decoder children. */
GArray *
photos_decoder_children (CtService *service)
{
  GArray *pids = g_array_new (FALSE, FALSE, sizeof (GPid));
  g_autoptr (GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *stat_path = g_build_filename ("/proc", name, "stat", NULL);
      g_autofree char *cmd_path = g_build_filename ("/proc", name, "cmdline", NULL);
      g_autofree char *stat = NULL;
      g_autofree char *cmdline = NULL;
      gsize cmd_len = 0;
      const char *after_name;
      int ppid = 0;

      if (!g_ascii_isdigit (name[0]) || !g_file_get_contents (stat_path, &stat, NULL, NULL)
          || !g_file_get_contents (cmd_path, &cmdline, &cmd_len, NULL))
        continue;
      /* "pid (comm) state ppid …": comm may hold spaces, so after the last ')'. */
      after_name = strrchr (stat, ')');
      if (after_name == NULL || sscanf (after_name, ") %*c %d", &ppid) != 1
          || ppid != ct_service_pid (service))
        continue;
      /* argv[1] is the command. */
      if (strlen (cmdline) + 1 < cmd_len && g_str_equal (cmdline + strlen (cmdline) + 1, "decode"))
        {
          GPid pid = (GPid)g_ascii_strtoll (name, NULL, 10);
          g_array_append_val (pids, pid);
        }
    }
  return pids;
}

int
photos_test_main (int argc, char **argv, void (*add_tests) (void))
{
  int status;

  g_test_init (&argc, &argv, NULL);
  photos_images_init (argv[0]);
  add_tests ();
  status = g_test_run ();
  photos_shared_stacks_free ();
  photos_images_shutdown ();
  return status;
}
