#define G_LOG_DOMAIN "carrete-storage-s3"

/* The s3 backend: path-style (`endpoint/bucket/key`) or virtual-hosted
 * (`bucket.endpoint/key`) requests made with libcurl and signed by
 * carrete-sigv4 (carrete-storage-s3-request.c); this file makes the
 * operations out of them.
 *
 * - PUT bodies are signed with their real SHA-256, computed in a first pass
 *   over the local file (cheap next to the network).  S3 then checks the
 *   bytes it received against the signature, so a file that changed between
 *   hashing and sending, or bytes damaged on the way, are refused instead of
 *   stored.  Bodies are always streamed from and to files, never held whole.
 * - Presigned URLs are signed for the public endpoint, since Host is
 *   signed. */

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "carrete-error.h"
#include "carrete-sha256.h"
#include "carrete-sigv4.h"
#include "carrete-storage-s3-private.h"

#define DEFAULT_TIMEOUT_SECONDS 30

/* ---- Operations ---------------------------------------------------------------- */

static const S3Request request_defaults = { .upload_fd = -1, .download_fd = -1 };

/* A request with neither body nor query: a HEAD of the bucket (`key`
 * NULL) or of an object, a DELETE. */
static gboolean
perform_bare (S3Storage *s3, const char *method, const char *key, S3Response *response,
              GError **error)
{
  S3Request request = request_defaults;

  request.method = method;
  request.key = key;
  return _carrete_s3_perform (s3, &request, response, error);
}

/* A request that moves an object's bytes: it may take long (no overall
 * time limit), and the caller can cancel it. */
static S3Request
transfer_request (const char *method, const char *key, GCancellable *cancellable)
{
  S3Request request = request_defaults;

  request.method = method;
  request.key = key;
  request.long_transfer = TRUE;
  request.cancellable = cancellable;
  return request;
}

static gboolean
bucket_create (S3Storage *s3, GError **error)
{
  g_autofree char *body = NULL;
  char hash[CARRETE_SHA256_HEX_LEN + 1];
  S3Request request = request_defaults;
  g_auto (S3Response) response = { 0 };
  g_auto (S3Records) fields = { 0 };

  /* us-east-1 is the default location, and AWS refuses it spelled out. */
  body = strcmp (s3->region, "us-east-1") == 0
           ? g_strdup ("")
           : g_strdup_printf ("<CreateBucketConfiguration><LocationConstraint>%s"
                              "</LocationConstraint></CreateBucketConfiguration>",
                              s3->region);
  carrete_sha256_hex (body, strlen (body), hash);
  request.method = "PUT";
  request.upload_data = body;
  request.upload_size = strlen (body);
  request.payload_hash = hash;
  if (!_carrete_s3_perform (s3, &request, &response, error))
    return FALSE;
  if (status_is_success (response.status))
    return TRUE;
  /* Created by another replica in the meantime. */
  if (response.status == 409 && _carrete_s3_records_parse (response.body, NULL, &fields, NULL)
      && g_strcmp0 (s3_error_code (&fields), "BucketAlreadyOwnedByYou") == 0)
    return TRUE;
  return _carrete_s3_status_error (s3, &response, "creating the bucket", error);
}

static gboolean
s3_ensure_ready (CarreteStorage *storage, GError **error)
{
  S3Storage *s3 = s3_of (storage);
  g_auto (S3Response) response = { 0 };

  if (!perform_bare (s3, "HEAD", NULL, &response, error))
    return FALSE;
  if (status_is_success (response.status))
    return TRUE;
  if (response.status == 404)
    return bucket_create (s3, error);
  return _carrete_s3_status_error (s3, &response, "checking the bucket", error);
}

/* The SHA-256 of the whole file, read in chunks; the file is left at its
 * start for the upload. */
static gboolean
hash_file (int fd, GCancellable *cancellable, char hex[CARRETE_SHA256_HEX_LEN + 1], GError **error)
{
  if (!carrete_sha256_fd (fd, cancellable, hex, NULL, error))
    {
      g_prefix_error (error, "storage: ");
      return FALSE;
    }
  if (lseek (fd, 0, SEEK_SET) != 0)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED, "storage: seek: %s",
                   g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

static gboolean
upload_fd (S3Storage *s3, const char *key, int fd, guint64 size, const char *content_type,
           const char *known_sha256, GCancellable *cancellable, GError **error)
{
  char hash[CARRETE_SHA256_HEX_LEN + 1];
  S3Request request = transfer_request ("PUT", key, cancellable);
  g_auto (S3Response) response = { 0 };

  if (known_sha256 != NULL)
    g_strlcpy (hash, known_sha256, sizeof hash);
  else if (!hash_file (fd, cancellable, hash, error))
    return FALSE;
  request.content_type = content_type;
  request.upload_fd = fd;
  request.upload_size = size;
  request.payload_hash = hash;
  if (!_carrete_s3_perform (s3, &request, &response, error))
    return FALSE;
  if (status_is_success (response.status))
    return TRUE;
  return _carrete_s3_status_error (s3, &response, key, error);
}

static gboolean
s3_put_file (CarreteStorage *storage, const char *key, const char *path, const char *content_type,
             const char *sha256_hex, GCancellable *cancellable, GError **error)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  struct stat st;
  gboolean ok;

  if (fd < 0)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED, "storage: cannot open %s: %s",
                   path, g_strerror (errno));
      return FALSE;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED, "storage: %s is not a file", path);
      return FALSE;
    }
  ok = upload_fd (s3_of (storage), key, fd, (guint64) st.st_size, content_type, sha256_hex,
                  cancellable, error);
  close (fd);
  return ok;
}

static gboolean
s3_get_to_file (CarreteStorage *storage, const char *key, const char *path, guint64 max_bytes,
                GCancellable *cancellable, GError **error)
{
  S3Storage *s3 = s3_of (storage);
  S3Request request = transfer_request ("GET", key, cancellable);
  g_auto (S3Response) response = { 0 };
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  gboolean ok;

  if (fd < 0)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED, "storage: cannot create %s: %s",
                   path, g_strerror (errno));
      return FALSE;
    }
  request.download_fd = fd;
  request.max_bytes = max_bytes;
  ok = _carrete_s3_perform (s3, &request, &response, error);
  if (ok && !status_is_success (response.status))
    ok = _carrete_s3_status_error (s3, &response, key, error);
  if (close (fd) != 0 && ok)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED, "storage: cannot write %s: %s",
                   path, g_strerror (errno));
      ok = FALSE;
    }
  if (!ok)
    carrete_storage_remove_partial (path);
  return ok;
}

static gboolean
s3_digest (CarreteStorage *storage, const char *key, guint64 max_bytes, CarreteDigest *digest,
           GCancellable *cancellable, GError **error)
{
  S3Storage *s3 = s3_of (storage);
  S3Request request = transfer_request ("GET", key, cancellable);
  g_auto (S3Response) response = { 0 };

  request.digest = digest;
  request.max_bytes = max_bytes;
  if (!_carrete_s3_perform (s3, &request, &response, error))
    return FALSE;
  return status_is_success (response.status)
         || _carrete_s3_status_error (s3, &response, key, error);
}

static gboolean
s3_stat (CarreteStorage *storage, const char *key, CarreteObjectInfo *info, GError **error)
{
  S3Storage *s3 = s3_of (storage);
  g_auto (S3Response) response = { 0 };

  if (!perform_bare (s3, "HEAD", key, &response, error))
    return FALSE;
  if (!status_is_success (response.status))
    return _carrete_s3_status_error (s3, &response, key, error);
  info->size = response.content_length;
  info->content_type = g_steal_pointer (&response.content_type);
  info->etag = g_steal_pointer (&response.etag);
  return TRUE;
}

/* CopyObject.  S3 may fail a copy after its 200 has started: the body is
 * then an error document. */
static gboolean
s3_copy (CarreteStorage *storage, const char *from, const char *to, GCancellable *cancellable,
         GError **error)
{
  S3Storage *s3 = s3_of (storage);
  S3Request request = transfer_request ("PUT", to, cancellable);
  g_auto (S3Response) response = { 0 };
  g_auto (S3Records) fields = { 0 };
  /* The source names its bucket whatever the addressing: the header is
   * bucket/key for virtual-hosted requests too. */
  g_autofree char *source = g_strdup_printf ("/%s/%s", s3->bucket, from);

  request.copy_source = source;
  if (!_carrete_s3_perform (s3, &request, &response, error))
    return FALSE;
  if (!status_is_success (response.status))
    return _carrete_s3_status_error (s3, &response, from, error);
  if (_carrete_s3_records_parse (response.body, NULL, &fields, NULL)
      && s3_error_code (&fields) != NULL)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE, "S3: copy of %s failed: %s",
                   from, s3_error_code (&fields));
      return FALSE;
    }
  return TRUE;
}

static gboolean
s3_delete (CarreteStorage *storage, const char *key, GError **error)
{
  S3Storage *s3 = s3_of (storage);
  g_auto (S3Response) response = { 0 };

  if (!perform_bare (s3, "DELETE", key, &response, error))
    return FALSE;
  /* S3 answers 204 for a missing key too; 404 would be an older store's
   * way. */
  return _carrete_s3_removed (s3, &response, key, error);
}

/* One ListObjectsV2 page; *token is replaced by the next page's token, or
 * NULL after the last page. */
static gboolean
list_page (S3Storage *s3, const char *prefix, char **token, GPtrArray *keys, GError **error)
{
  const CarreteSigv4Pair query[] = {
    { "list-type", "2" },
    { "prefix", prefix },
    { "continuation-token", *token },
  };
  S3Request request = request_defaults;
  g_auto (S3Response) response = { 0 };
  g_auto (S3Records) fields = { 0 };
  const char *next;

  request.method = "GET";
  request.query = query;
  request.n_query = *token != NULL ? 3 : 2;
  if (!_carrete_s3_perform (s3, &request, &response, error))
    return FALSE;
  if (!status_is_success (response.status))
    return _carrete_s3_status_error (s3, &response, "listing", error);
  if (!_carrete_s3_records_parse (response.body, "Contents", &fields, error))
    return FALSE;
  for (guint i = 0; i < fields.records->len; i++)
    {
      const char *key = g_hash_table_lookup (fields.records->pdata[i], "Key");

      if (key != NULL && carrete_storage_key_is_valid (key))
        g_ptr_array_add (keys, g_strdup (key));
    }
  g_clear_pointer (token, g_free);
  if (g_strcmp0 (g_hash_table_lookup (fields.top, "IsTruncated"), "true") != 0)
    return TRUE;
  next = g_hash_table_lookup (fields.top, "NextContinuationToken");
  if (next == NULL || *next == '\0')
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED,
                   "S3: truncated listing without a continuation token");
      return FALSE;
    }
  *token = g_strdup (next);
  return TRUE;
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static GPtrArray *
s3_list (CarreteStorage *storage, const char *prefix, GError **error)
{
  S3Storage *s3 = s3_of (storage);
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *token = NULL;

  do
    {
      if (!list_page (s3, prefix, &token, keys, error))
        return NULL;
    }
  while (token != NULL);
  g_ptr_array_sort (keys, compare_strings);
  return g_steal_pointer (&keys);
}

static char *
s3_presign (CarreteStorage *storage, const char *method, const char *key, gint64 now,
            guint ttl_seconds, const char *content_type, GError **error)
{
  S3Storage *s3 = s3_of (storage);
  const CarreteSigv4Credentials credentials = credentials_of (s3);
  const CarreteSigv4Pair type[] = { { "Content-Type", content_type } };
  const CarreteSigv4Pair response_type[] = { { "response-content-type", content_type } };
  gboolean put = strcmp (method, "PUT") == 0;
  g_autofree char *path = request_path (s3, key);

  /* PUT binds the type as a signed header the client must send; GET asks S3
   * to answer with that type. */
  return carrete_sigv4_presign_with_query (
    &credentials, method, s3->public_origin, path, response_type,
    !put && content_type != NULL ? 1 : 0, ttl_seconds, now, type,
    put && content_type != NULL ? 1 : 0, error);
}

/* ---- Life cycle ------------------------------------------------------------------ */

static void
s3_free (CarreteStorage *storage)
{
  S3Storage *s3 = s3_of (storage);

  g_ptr_array_unref (s3->idle);
  g_mutex_clear (&s3->lock);
  if (s3->secret_key != NULL)
    sodium_memzero (s3->secret_key, strlen (s3->secret_key));
  g_free (s3->origin);
  g_free (s3->host);
  g_free (s3->public_origin);
  g_free (s3->bucket);
  g_free (s3->region);
  g_free (s3->access_key);
  g_free (s3->secret_key);
  g_free (s3);
}

static const CarreteStorageBackend s3_backend = {
  .free = s3_free,
  .ensure_ready = s3_ensure_ready,
  .put_file = s3_put_file,
  .get_to_file = s3_get_to_file,
  .stat = s3_stat,
  .digest = s3_digest,
  .copy = s3_copy,
  .delete = s3_delete,
  .list = s3_list,
  .presign = s3_presign,
  .writer_open = _carrete_s3_writer_open,
  .writer_append = _carrete_s3_writer_append,
  .writer_commit = _carrete_s3_writer_commit,
  .writer_close = _carrete_s3_writer_close,
  .mp_create = _carrete_s3_mp_create,
  .mp_upload_part = _carrete_s3_mp_upload_part,
  .mp_presign_part = _carrete_s3_mp_presign_part,
  .mp_list_parts = _carrete_s3_mp_list_parts,
  .mp_complete = _carrete_s3_mp_complete,
  .mp_abort = _carrete_s3_mp_abort,
  .mp_list_uploads = _carrete_s3_mp_list_uploads,
};

static void
curl_init_once (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      /* Not thread-safe itself, and never undone: libcurl stays usable for
       * the life of the process. */
      curl_global_init (CURL_GLOBAL_DEFAULT);
      g_once_init_leave (&done, 1);
    }
}

/* S3's rules: 3-63 characters, lower-case letters, digits, '.', '-',
 * starting and ending with a letter or digit. */
static gboolean
bucket_is_valid (const char *bucket)
{
  gsize len = bucket != NULL ? strlen (bucket) : 0;

  if (len < 3 || len > 63 || !g_ascii_isalnum (bucket[0]) || !g_ascii_isalnum (bucket[len - 1]))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_islower (bucket[i]) && !g_ascii_isdigit (bucket[i]) && bucket[i] != '.'
        && bucket[i] != '-')
      return FALSE;
  return TRUE;
}

/* A key or a region never holds a space or a line break: one there was
 * copied by accident (a Secret written with `echo`, say) and would only
 * surface later as a "signature does not match". */
static gboolean
has_space (const char *text)
{
  for (const char *c = text; *c != '\0'; c++)
    if (g_ascii_isspace (*c) || g_ascii_iscntrl (*c))
      return TRUE;
  return FALSE;
}

static gboolean
is_missing (const char *text)
{
  return text == NULL || *text == '\0';
}

/* An IP address has no subdomains for a virtual-hosted bucket. */
static gboolean
host_is_ip (const char *host)
{
  g_autofree char *name = g_strdup (host);
  char *colon = strrchr (name, ':');

  if (name[0] == '[')
    return TRUE;
  if (colon != NULL)
    *colon = '\0';
  return g_hostname_is_ip_address (name);
}

static void
check_endpoint (const char *setting, const char *endpoint, gboolean virtual_hosted,
                GError **errors)
{
  g_autofree char *origin = NULL;
  g_autofree char *host = NULL;
  g_autoptr (GError) why = NULL;

  if (carrete_sigv4_endpoint_host (endpoint, &origin, &host, &why))
    {
      if (virtual_hosted && host_is_ip (host))
        carrete_error_add_config_line (errors,
                                       "%s: an IP address, but CARRETE_S3_ADDRESSING=virtual needs "
                                       "a host name (the bucket goes in front of it)",
                                       setting);
      return;
    }
  /* An operator reads the setting's name, not the signer's. */
  carrete_error_add_config_line (errors, "%s: %s (got \"%s\"; e.g. https://s3.eu-west-1.amazonaws.com, the bucket in CARRETE_S3_BUCKET)",
                                 setting,
                                 g_str_has_prefix (why->message, "SigV4: ") ? why->message + 7
                                                                            : why->message,
                                 endpoint != NULL ? endpoint : "");
}

/* Every bad setting at once, a line each, none of them quoting a secret. */
static gboolean
options_valid (const CarreteStorageOptions *options, GError **error)
{
  g_autoptr (GError) errors = NULL;

  if (!bucket_is_valid (options->bucket))
    carrete_error_add_config_line (&errors,
                                   "CARRETE_S3_BUCKET: \"%s\" is not a bucket name (3-63 lower-case "
                                   "letters, digits, '.' or '-', starting and ending with a letter or "
                                   "digit)",
                                   options->bucket != NULL ? options->bucket : "");
  if (is_missing (options->access_key))
    carrete_error_add_config_line (&errors, "CARRETE_S3_ACCESS_KEY: missing");
  else if (strchr (options->access_key, '/') != NULL || has_space (options->access_key))
    carrete_error_add_config_line (&errors, "CARRETE_S3_ACCESS_KEY: an access key ID has no '/', "
                                            "space or line break");
  if (is_missing (options->secret_key))
    carrete_error_add_config_line (&errors, "CARRETE_S3_SECRET_KEY: missing");
  else if (has_space (options->secret_key))
    carrete_error_add_config_line (&errors, "CARRETE_S3_SECRET_KEY: has a space or a line break "
                                            "(copied with a trailing newline?)");
  if (options->region != NULL
      && (*options->region == '\0' || strlen (options->region) > 64
          || strchr (options->region, '/') != NULL || has_space (options->region)))
    carrete_error_add_config_line (&errors,
                                   "CARRETE_S3_REGION: \"%s\" is not a region name (e.g. us-east-1; "
                                   "\"auto\" for Cloudflare R2, \"garage\" for Garage)",
                                   options->region);
  check_endpoint ("CARRETE_S3_ENDPOINT", options->endpoint, options->virtual_hosted, &errors);
  if (options->public_endpoint != NULL)
    check_endpoint ("CARRETE_S3_PUBLIC_ENDPOINT", options->public_endpoint,
                    options->virtual_hosted, &errors);
  if (errors != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&errors));
      return FALSE;
    }
  return TRUE;
}

/* Virtual-hosted addressing puts the bucket in front of the host name:
 * `origin` and `host` become those of bucket.host (options_valid refused
 * an IP address, which has no subdomains). */
static void
add_bucket_to_host (const char *bucket, char **origin, char **host)
{
  gsize scheme_len = (gsize) (strstr (*origin, "://") + 3 - *origin);
  char *bucket_origin
      = g_strdup_printf ("%.*s%s.%s", (int) scheme_len, *origin, bucket, *origin + scheme_len);
  char *bucket_host = g_strdup_printf ("%s.%s", bucket, *host);

  g_free (*origin);
  *origin = bucket_origin;
  g_free (*host);
  *host = bucket_host;
}

/* Both endpoints were checked by options_valid. */
static void
parse_endpoints (const CarreteStorageOptions *options, S3Storage *s3)
{
  g_autofree char *public_host = NULL;
  const char *public_endpoint =
    options->public_endpoint != NULL ? options->public_endpoint : options->endpoint;
  gboolean parsed = carrete_sigv4_endpoint_host (options->endpoint, &s3->origin, &s3->host, NULL)
                    && carrete_sigv4_endpoint_host (public_endpoint, &s3->public_origin,
                                                    &public_host, NULL);

  g_assert (parsed);
  if (!options->virtual_hosted)
    return;
  add_bucket_to_host (options->bucket, &s3->origin, &s3->host);
  add_bucket_to_host (options->bucket, &s3->public_origin, &public_host);
}

CarreteStorage *
carrete_storage_s3_new (const CarreteStorageOptions *options, GError **error)
{
  S3Storage *s3;

  if (!options_valid (options, error))
    return NULL;
  s3 = g_new0 (S3Storage, 1);
  s3->parent.kind = CARRETE_STORAGE_S3;
  s3->parent.backend = &s3_backend;
  g_mutex_init (&s3->lock);
  s3->idle = g_ptr_array_new_with_free_func ((GDestroyNotify) curl_easy_cleanup);
  parse_endpoints (options, s3);
  s3->bucket = g_strdup (options->bucket);
  s3->virtual_hosted = options->virtual_hosted;
  s3->region = g_strdup (options->region != NULL ? options->region : "us-east-1");
  s3->access_key = g_strdup (options->access_key);
  s3->secret_key = g_strdup (options->secret_key);
  s3->timeout = options->timeout_seconds > 0 ? options->timeout_seconds : DEFAULT_TIMEOUT_SECONDS;
  curl_init_once ();
  return &s3->parent;
}
