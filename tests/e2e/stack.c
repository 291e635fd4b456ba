#define G_LOG_DOMAIN "carrete-e2e-stack"

#include "stack.h"

#include <jwt.h>
#include <stdlib.h>
#include <string.h>

#define BUCKET "carrete-e2e"
#define EXPIRED_AGO_SECONDS 3600
#define TOKEN_TTL_SECONDS 900

/* ---- start and stop ---------------------------------------------------------- */

static void
add_setting (GStrvBuilder *env, const char *name, const char *value)
{
  g_autofree char *entry = g_strconcat (name, "=", value, NULL);
  g_strv_builder_add (env, entry);
}

static void
service_init (Stack *stack, StackService *service, const char *name)
{
  g_autofree char *relative = g_strdup_printf ("services/%s/carrete-%s", name, name);
  g_autofree char *database = g_strconcat ("carrete_", name, NULL);

  service->name = name;
  service->binary = ct_build_path (relative);
  service->database = g_strdup (database);
  service->port = ct_free_port ();
  service->url = g_strdup_printf ("http://127.0.0.1:%u", service->port);
}

/* What every service needs: its database and the shared keys. */
static GStrvBuilder *
common_env (Stack *stack, StackService *service)
{
  GStrvBuilder *env = g_strv_builder_new ();
  g_autofree char *url = ct_postgres_create_database (stack->pg, service->database);

  add_setting (env, "CARRETE_DATABASE_URL", url);
  add_setting (env, "CARRETE_JWT_PUBLIC_KEY_FILE", stack->keys->jwt_public);
  add_setting (env, "CARRETE_ID_KEY_FILE", stack->keys->id_key);
  return env;
}

static void
configure_users (Stack *stack)
{
  g_autoptr (GStrvBuilder) env = common_env (stack, &stack->users);

  add_setting (env, "CARRETE_JWT_PRIVATE_KEY_FILE", stack->keys->jwt_private);
  /* Account deletion cascades through both. */
  add_setting (env, "CARRETE_PHOTOS_URL", stack->photos.url);
  add_setting (env, "CARRETE_FOLDERS_URL", stack->folders.url);
  stack->users.env = g_strv_builder_end (env);
}

static void
configure_folders (Stack *stack)
{
  g_autoptr (GStrvBuilder) env = common_env (stack, &stack->folders);

  add_setting (env, "CARRETE_PHOTOS_URL", stack->photos.url);
  /* Creations are checked against the account (tokens outlive accounts). */
  add_setting (env, "CARRETE_USERS_URL", stack->users.url);
  stack->folders.env = g_strv_builder_end (env);
}

static void
configure_photos (Stack *stack)
{
  g_autoptr (GStrvBuilder) env = common_env (stack, &stack->photos);

  add_setting (env, "CARRETE_FOLDERS_URL", stack->folders.url);
  add_setting (env, "CARRETE_USERS_URL", stack->users.url);
  add_setting (env, "CARRETE_PUBLIC_URL", stack->photos.url);
  add_setting (env, "CARRETE_STORAGE", "s3");
  add_setting (env, "CARRETE_S3_ENDPOINT", ct_s3_server_endpoint (stack->minio));
  add_setting (env, "CARRETE_S3_ACCESS_KEY", ct_s3_server_access_key (stack->minio));
  add_setting (env, "CARRETE_S3_SECRET_KEY", ct_s3_server_secret_key (stack->minio));
  add_setting (env, "CARRETE_S3_BUCKET", stack->bucket);
  add_setting (env, "CARRETE_SPOOL_DIR", stack->spool_dir);
  stack->photos.env = g_strv_builder_end (env);
}

static void
migrate (StackService *service)
{
  g_autofree char *output = NULL;
  int status = ct_command (service->binary, (const char *const[]) { "migrate", NULL },
                           (const char *const *) service->env, &output);

  if (status != 0)
    g_error ("carrete-%s migrate failed:\n%s", service->name, output);
}

static void
open_test_storage (Stack *stack)
{
  g_autoptr (GError) error = NULL;

  stack->storage = carrete_storage_new (&(CarreteStorageOptions) {
      .kind = CARRETE_STORAGE_S3,
      .endpoint = ct_s3_server_endpoint (stack->minio),
      .region = "us-east-1",
      .bucket = stack->bucket,
      .access_key = ct_s3_server_access_key (stack->minio),
      .secret_key = ct_s3_server_secret_key (stack->minio),
  }, &error);
  g_assert_no_error (error);
  g_assert_true (carrete_storage_ensure_ready (stack->storage, &error));
  g_assert_no_error (error);
}

static void
load_keys (Stack *stack)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *hex = NULL;
  CarreteIdKey id_key;

  stack->signer = carrete_jwt_new (stack->keys->jwt_public, "carrete", "carrete", &error);
  g_assert_no_error (error);
  g_assert_true (carrete_jwt_load_private_key (stack->signer, stack->keys->jwt_private, &error));
  stack->forger_key = g_build_filename (stack->keys->dir, "forger.pem", NULL);
  {
    const char *gen[] = { "openssl", "ecparam", "-genkey", "-name", "prime256v1", "-noout",
                          "-out", stack->forger_key, NULL };
    g_free (ct_run (gen));
  }
  g_assert_true (carrete_id_key_load (stack->keys->id_key, &id_key, &error));
  stack->ids = carrete_ids_new (&id_key);
}

Stack *
stack_start (void)
{
  return stack_start_on (CT_S3_MINIO);
}

Stack *
stack_start_on (CtS3Kind store)
{
  Stack *stack = g_new0 (Stack, 1);

  stack->pg = ct_postgres_start ();
  stack->minio = ct_s3_server_start (store);
  stack->keys = ct_keys_new ();
  stack->spool_dir = ct_make_tmpdir ("carrete-e2e-spool-XXXXXX");
  stack->bucket = g_strdup (BUCKET);
  load_keys (stack);
  service_init (stack, &stack->users, "users");
  service_init (stack, &stack->folders, "folders");
  service_init (stack, &stack->photos, "photos");
  configure_users (stack);
  configure_folders (stack);
  configure_photos (stack);
  migrate (&stack->users);
  migrate (&stack->folders);
  migrate (&stack->photos);
  stack_restart (&stack->users);
  stack_restart (&stack->folders);
  stack_restart (&stack->photos);
  open_test_storage (stack);
  return stack;
}

void
stack_stop (StackService *service)
{
  g_clear_pointer (&service->service, ct_service_free);
}

void
stack_restart (StackService *service)
{
  g_assert_null (service->service);
  service->service = ct_service_start_at (service->binary, (const char *const *) service->env,
                                          service->port);
}

void
stack_restart_with (StackService *service, const char *name, const char *value)
{
  service->env = value != NULL ? g_environ_setenv (service->env, name, value, TRUE)
                               : g_environ_unsetenv (service->env, name);
  stack_stop (service);
  stack_restart (service);
}

CtService *
stack_start_web (Stack *stack, const char *const *extra)
{
  g_autofree char *binary = ct_build_path ("services/web/carrete-web");
  g_auto (GStrv) env = g_new0 (char *, 1);

  env = g_environ_setenv (env, "CARRETE_USERS_URL", stack->users.url, TRUE);
  env = g_environ_setenv (env, "CARRETE_PHOTOS_URL", stack->photos.url, TRUE);
  env = g_environ_setenv (env, "CARRETE_FOLDERS_URL", stack->folders.url, TRUE);
  env = g_environ_setenv (env, "CARRETE_ID_KEY_FILE", stack->keys->id_key, TRUE);
  env = g_environ_setenv (env, "CARRETE_COOKIE_SECURE", "false", TRUE);
  env = g_environ_setenv (env, "CARRETE_IMAGES_ORIGIN", ct_s3_server_endpoint (stack->minio), TRUE);
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    {
      g_auto (GStrv) pair = g_strsplit (extra[i], "=", 2);

      g_assert_nonnull (pair[1]);
      env = g_environ_setenv (env, pair[0], pair[1], TRUE);
    }
  return ct_service_start (binary, (const char *const *) env);
}

static void
service_clear (StackService *service)
{
  stack_stop (service);
  g_free (service->binary);
  g_free (service->database);
  g_strfreev (service->env);
  g_free (service->url);
}

void
stack_free (Stack *stack)
{
  service_clear (&stack->users);
  service_clear (&stack->folders);
  service_clear (&stack->photos);
  carrete_storage_free (stack->storage);
  carrete_jwt_free (stack->signer);
  carrete_ids_free (stack->ids);
  ct_s3_server_free (stack->minio);
  ct_postgres_free (stack->pg);
  ct_remove_tree (stack->spool_dir);
  ct_keys_free (stack->keys);
  g_free (stack->spool_dir);
  g_free (stack->bucket);
  g_free (stack->forger_key);
  g_free (stack);
}

/* ---- users and tokens ------------------------------------------------------------ */

static char *
unique_name (const char *prefix)
{
  static guint counter;
  return g_strdup_printf ("%s_%x%u", prefix, g_random_int_range (0, 0xffff), ++counter);
}

char *
stack_body_text (CtResponse *response)
{
  gsize len = 0;
  const char *data = response->body != NULL ? g_bytes_get_data (response->body, &len) : NULL;
  return g_strndup (data != NULL ? data : "", len);
}

void
stack_assert_status (CtResponse *response, guint status)
{
  if (response->status != status)
    {
      g_autofree char *body = stack_body_text (response);
      g_error ("expected %u, got %u: %s", status, response->status, body);
    }
}

char *
stack_login (Stack *stack, const char *name, char **refresh_token)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"%s\"}", name,
                                           STACK_PASSWORD);
  g_autoptr (CtResponse) r = ct_http (stack->users.url, "POST", "/v1/auth/login", NULL, body);

  if (r->status != 200)
    return NULL;
  if (refresh_token != NULL)
    *refresh_token = g_strdup (ct_response_string (r, "refresh_token"));
  return g_strdup (ct_response_string (r, "access_token"));
}

static StackUser *
register_user (Stack *stack, const char *prefix)
{
  StackUser *user = g_new0 (StackUser, 1);
  g_autofree char *body = NULL;
  g_autoptr (CtResponse) r = NULL;

  user->name = unique_name (prefix);
  body = g_strdup_printf ("{\"username\":\"%s\",\"email\":\"%s@example.org\",\"password\":\"%s\"}",
                          user->name, user->name, STACK_PASSWORD);
  r = ct_http (stack->users.url, "POST", "/v1/auth/register", NULL, body);
  if (r->status != 201)
    {
      g_autofree char *text = stack_body_text (r);
      g_autofree char *log = ct_service_output (stack->users.service);
      g_error ("register %s: %u %s\ncarrete-users said:\n%s", user->name, r->status, text, log);
    }
  user->id = g_strdup (ct_response_string (r, "id"));
  return user;
}

static void
log_in (Stack *stack, StackUser *user)
{
  user->token = stack_login (stack, user->name, NULL);
  g_assert_nonnull (user->token);
}

StackUser *
stack_user_new (Stack *stack, const char *prefix)
{
  StackUser *user = register_user (stack, prefix);

  log_in (stack, user);
  return user;
}

StackUser *
stack_admin_new (Stack *stack, const char *prefix)
{
  StackUser *user = register_user (stack, prefix);
  g_autofree char *output = NULL;
  int status = ct_command (stack->users.binary,
                           (const char *const[]) { "set-role", user->name, "admin", NULL },
                           (const char *const *) stack->users.env, &output);

  if (status != 0)
    g_error ("carrete-users set-role failed:\n%s", output);
  log_in (stack, user);
  return user;
}

void
stack_user_free (StackUser *user)
{
  ct_user_free (user);
}

char *
stack_expired_token (Stack *stack, const char *sub, const char *role)
{
  g_autoptr (GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  char *token = carrete_jwt_sign (stack->signer, sub, role, now - EXPIRED_AGO_SECONDS,
                                  TOKEN_TTL_SECONDS, &error);

  g_assert_no_error (error);
  return token;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (jwt_t, jwt_free)

/* Everything a real token has (right kid, iss, aud, unexpired), except a
 * signature by the installation's key. */
char *
stack_forged_token (Stack *stack, const char *sub, const char *role)
{
  g_autoptr (jwt_t) token = NULL;
  g_autofree char *pem = NULL;
  gsize pem_len = 0;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  char *encoded;
  char *copy;

  g_assert_true (g_file_get_contents (stack->forger_key, &pem, &pem_len, NULL));
  g_assert_cmpint (jwt_new (&token), ==, 0);
  g_assert_cmpint (jwt_set_alg (token, JWT_ALG_ES256, (const unsigned char *) pem, (int) pem_len),
                   ==, 0);
  g_assert_cmpint (jwt_add_header (token, "kid", carrete_jwt_get_kid (stack->signer)), ==, 0);
  g_assert_cmpint (jwt_add_grant (token, "sub", sub), ==, 0);
  g_assert_cmpint (jwt_add_grant (token, "iss", "carrete"), ==, 0);
  g_assert_cmpint (jwt_add_grant (token, "aud", "carrete"), ==, 0);
  g_assert_cmpint (jwt_add_grant (token, "role", role), ==, 0);
  g_assert_cmpint (jwt_add_grant (token, "jti", "forged"), ==, 0);
  g_assert_cmpint (jwt_add_grant_int (token, "iat", (long) now), ==, 0);
  g_assert_cmpint (jwt_add_grant_int (token, "exp", (long) (now + TOKEN_TTL_SECONDS)), ==, 0);
  encoded = jwt_encode_str (token);
  g_assert_nonnull (encoded);
  copy = g_strdup (encoded);
  free (encoded);
  return copy;
}

/* ---- folders and photos ------------------------------------------------------------ */

char *
stack_folder_new (Stack *stack, const char *token, const char *visibility, const char *tags_json)
{
  g_autofree char *name = unique_name ("Folder");
  g_autofree char *body = g_strdup_printf ("{\"name\":\"%s\",\"visibility\":\"%s\",\"tags\":%s}",
                                           name, visibility, tags_json != NULL ? tags_json : "[]");
  g_autoptr (CtResponse) r = ct_http (stack->folders.url, "POST", "/v1/folders", token, body);

  if (r->status != 201)
    {
      g_autofree char *text = stack_body_text (r);
      g_error ("POST /v1/folders %s: %u %s", body, r->status, text);
    }
  return g_strdup (ct_response_string (r, "id"));
}

CtResponse *
stack_upload (Stack *stack, const char *token, const char *folder_id)
{
  g_autofree char *auth = token != NULL ? g_strdup_printf ("Authorization: Bearer %s", token)
                                        : NULL;
  g_autofree char *name = unique_name ("photo");
  g_autofree char *path = g_strdup_printf ("/v1/photos?name=%s.png%s%s", name,
                                           folder_id != NULL ? "&folder_id=" : "",
                                           folder_id != NULL ? folder_id : "");
  const char *headers[] = { auth, NULL };
  g_autoptr (GBytes) body = ct_unique_png ("e2e");

  return ct_http_raw (stack->photos.url, "POST", path, headers, "image/png", body);
}

char *
stack_photo_new (Stack *stack, const char *token, const char *folder_id)
{
  g_autoptr (CtResponse) r = stack_upload (stack, token, folder_id);
  g_autoptr (CtResponse) ready = NULL;

  if (r->status != 201)
    {
      g_autofree char *text = stack_body_text (r);
      g_error ("upload into %s: %u %s", folder_id, r->status, text);
    }
  /* As a user would see it a moment later: with its thumbnails. */
  ready = ct_await_thumbnails (stack->photos.url, token, ct_response_string (r, "id"));
  g_assert_cmpstr (ct_response_string (ready, "thumbnails"), ==, "ready");
  return g_strdup (ct_response_string (r, "id"));
}

char *
stack_direct_upload_new (Stack *stack, const char *token, const char *folder_id)
{
  g_autoptr (GBytes) bytes = ct_unique_png ("e2e");
  g_autofree char *folder = folder_id != NULL ? g_strdup_printf ("\"%s\"", folder_id)
                                              : g_strdup ("null");
  g_autofree char *body = g_strdup_printf (
      "{\"name\":\"direct.png\",\"folder_id\":%s,\"content_type\":\"image/png\",\"size\":%zu}",
      folder, g_bytes_get_size (bytes));
  g_autoptr (CtResponse) created = ct_http (stack->photos.url, "POST", "/v1/photos/uploads", token,
                                            body);
  g_autoptr (CtResponse) put = NULL;
  JsonObject *photo;

  if (created->status != 201)
    {
      g_autofree char *text = stack_body_text (created);
      g_error ("POST /v1/photos/uploads: %u %s", created->status, text);
    }
  put = ct_http_raw (ct_response_string (created, "upload_url"), "PUT", "", NULL, "image/png",
                     bytes);
  g_assert_cmpuint (put->status, ==, 200);
  photo = json_object_get_object_member (ct_response_object (created), "photo");
  return g_strdup (json_object_get_string_member (photo, "id"));
}

char *
stack_resumable_upload_new (Stack *stack, const char *token, const char *folder_id, char **etag)
{
  g_autoptr (GBytes) bytes = ct_unique_png ("e2e");
  g_autofree char *folder
      = folder_id != NULL ? g_strdup_printf ("\"%s\"", folder_id) : g_strdup ("null");
  g_autofree char *body = g_strdup_printf (
      "{\"name\":\"resumable.png\",\"folder_id\":%s,\"content_type\":\"image/png\","
      "\"size\":%zu,\"resumable\":true}",
      folder, g_bytes_get_size (bytes));
  g_autoptr (CtResponse) created
      = ct_http (stack->photos.url, "POST", "/v1/photos/uploads", token, body);
  g_autoptr (CtResponse) put = NULL;
  JsonArray *parts;

  if (created->status != 201)
    {
      g_autofree char *text = stack_body_text (created);
      g_error ("POST /v1/photos/uploads (resumable): %u %s", created->status, text);
    }
  parts = json_object_get_array_member (ct_response_object (created), "parts");
  put = ct_http_raw (
      json_object_get_string_member (json_array_get_object_element (parts, 0), "url"), "PUT", "",
      NULL, NULL, bytes);
  g_assert_cmpuint (put->status, ==, 200);
  *etag = g_strdup (ct_response_header (put, "ETag"));
  return g_strdup (ct_response_string (created, "upload_id"));
}

/* ---- behind the services' backs ------------------------------------------------------ */

char *
stack_sql (Stack *stack, const char *service, const char *sql, const char *param)
{
  g_autofree char *database = g_strconcat ("carrete_", service, NULL);
  return ct_postgres_query_param (stack->pg, database, sql, param);
}

char *
stack_row_id (Stack *stack, const char *opaque_id)
{
  static const struct
  {
    const char *prefix;
    CarreteIdType type;
  } types[] = { { "us_", CARRETE_ID_USER },
                { "ph_", CARRETE_ID_PHOTO },
                { "fo_", CARRETE_ID_FOLDER },
                { "up_", CARRETE_ID_UPLOAD },
                { "sh_", CARRETE_ID_SHARE } };
  gint64 value = 0;

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_str_has_prefix (opaque_id, types[i].prefix)
        && carrete_ids_decode (stack->ids, types[i].type, opaque_id, &value))
      return g_strdup_printf ("%" G_GINT64_FORMAT, value);
  g_error ("not an id of this installation: %s", opaque_id);
}

guint
stack_count_photos (Stack *stack, const char *user_id)
{
  g_autofree char *row = stack_row_id (stack, user_id);
  g_autofree char *count
      = stack_sql (stack, "photos", "SELECT count(*) FROM photos WHERE owner_id = $1", row);

  return (guint) g_ascii_strtoull (count, NULL, 10);
}

/* The same, without those in the trash. */
guint
stack_count_live_photos (Stack *stack, const char *user_id)
{
  g_autofree char *row = stack_row_id (stack, user_id);
  g_autofree char *count = stack_sql (
      stack, "photos", "SELECT count(*) FROM photos WHERE owner_id = $1 AND state <> 'trashed'", row);

  return (guint) g_ascii_strtoull (count, NULL, 10);
}

guint
stack_count_links (Stack *stack, const char *folder_id)
{
  g_autofree char *row = stack_row_id (stack, folder_id);
  g_autofree char *count = stack_sql (
      stack, "folders", "SELECT count(*) FROM shares WHERE folder_id = $1::bigint", row);

  return (guint) g_ascii_strtoull (count, NULL, 10);
}

char *
stack_photo_hashes (Stack *stack, const char *user_id)
{
  g_autofree char *row = stack_row_id (stack, user_id);

  return stack_sql (stack, "photos",
                    "SELECT coalesce(string_agg(encode(sha256, 'hex'), ',' "
                    "ORDER BY encode(sha256, 'hex') COLLATE \"C\"), '') "
                    "FROM photos WHERE owner_id = $1 AND state <> 'trashed'",
                    row);
}

GPtrArray *
stack_objects (Stack *stack, const char *prefix)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *keys = carrete_storage_list (stack->storage, prefix, &error);

  g_assert_no_error (error);
  return keys;
}

GPtrArray *
stack_photo_prefixes (Stack *stack, const char *user_id)
{
  g_autofree char *owner = stack_row_id (stack, user_id);
  g_autofree char *joined = stack_sql (
      stack, "photos",
      "SELECT coalesce(string_agg(object_prefix, ',' ORDER BY id), '') FROM photos"
      " WHERE owner_id = $1::bigint",
      owner);
  g_auto (GStrv) parts = g_strsplit (joined, ",", -1);
  GPtrArray *prefixes = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      g_ptr_array_add (prefixes, g_strdup (parts[i]));
  return prefixes;
}

char *
stack_changed_token (const char *token)
{
  char *other = g_strdup (token);

  other[10] = other[10] == 'A' ? 'B' : 'A';
  return other;
}
