#define G_LOG_DOMAIN "carrete-sigv4"

#include "carrete-sigv4.h"

#include <sodium.h>
#include <string.h>

#include "carrete-error.h"
#include "carrete-sha256.h"

#define ALGORITHM "AWS4-HMAC-SHA256"
#define SCOPE_TERMINATOR "aws4_request"
#define HEX_SHA256_LEN CARRETE_SHA256_HEX_LEN
/* 9999-12-31T23:59:59Z: X-Amz-Date has room for four year digits only. */
#define MAX_UNIX_TIME G_GINT64_CONSTANT (253402300799)

typedef struct
{
  char *name;
  char *value;
} Pair;

static void
pair_clear (gpointer data)
{
  Pair *pair = data;

  g_clear_pointer (&pair->name, g_free);
  g_clear_pointer (&pair->value, g_free);
}

static GArray *
pair_array_new (void)
{
  GArray *array = g_array_new (FALSE, TRUE, sizeof (Pair));

  g_array_set_clear_func (array, pair_clear);
  return array;
}

static void
pair_array_add (GArray *array, char *name, char *value)
{
  Pair pair = { name, value };

  g_array_append_val (array, pair);
}

static gint
pair_compare (gconstpointer a, gconstpointer b)
{
  const Pair *pa = a;
  const Pair *pb = b;
  int by_name = strcmp (pa->name, pb->name);

  return by_name != 0 ? by_name : strcmp (pa->value, pb->value);
}

static gint
pair_compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (((const Pair *) a)->name, ((const Pair *) b)->name);
}

static gboolean
fail (GError **error, const char *what)
{
  g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED, "SigV4: %s", what);
  return FALSE;
}

/* --- Encoding -------------------------------------------------------------- */

static gboolean
is_unreserved (char c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '_' || c == '.' || c == '~';
}

char *
carrete_sigv4_uri_encode (const char *text, gboolean keep_slash)
{
  static const char hex[] = "0123456789ABCDEF";
  GString *out = g_string_sized_new (strlen (text) + 16);

  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (is_unreserved ((char) c) || (keep_slash && c == '/'))
        {
          g_string_append_c (out, (char) c);
          continue;
        }
      g_string_append_c (out, '%');
      g_string_append_c (out, hex[c >> 4]);
      g_string_append_c (out, hex[c & 0xf]);
    }
  return g_string_free (out, FALSE);
}

static void
hmac (const guint8 *key, gsize key_len, const char *message,
      guint8 out[crypto_auth_hmacsha256_BYTES])
{
  crypto_auth_hmacsha256_state state;

  /* The libsodium one-shot API wants a 32-byte key; the first SigV4 key is
   * "AWS4" + secret, of any length, hence the streaming API. */
  crypto_auth_hmacsha256_init (&state, key, key_len);
  crypto_auth_hmacsha256_update (&state, (const guint8 *) message, strlen (message));
  crypto_auth_hmacsha256_final (&state, out);
  sodium_memzero (&state, sizeof state);
}

/* --- Validation ------------------------------------------------------------ */

/* RFC 9110 tchar: valid in a method or a header name. */
static gboolean
is_token (const char *text)
{
  if (text == NULL || *text == '\0')
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("!#$%&'*+-.^_`|~", *p) == NULL)
      return FALSE;
  return TRUE;
}

/* Control characters would let a value forge extra canonical lines (and, sent
 * as a real header, extra headers). */
static gboolean
is_header_value (const char *text)
{
  if (text == NULL)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (((guchar) *p < 0x20 && *p != '\t') || *p == 0x7f)
      return FALSE;
  return TRUE;
}

/* Scope parts are joined with '/', so a '/' inside one would shift the rest. */
static gboolean
is_scope_part (const char *text)
{
  return text != NULL && *text != '\0' && strchr (text, '/') == NULL && is_header_value (text);
}

/* Letters, digits, '-', '.', and ':' '[' ']' for ports and IPv6 literals:
 * nothing that needs encoding, so the Host header is the text itself. */
static gboolean
host_valid (const char *host)
{
  if (host == NULL || *host == '\0')
    return FALSE;
  for (const char *p = host; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("-.:[]", *p) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
credentials_valid (const CarreteSigv4Credentials *credentials, GError **error)
{
  if (credentials == NULL || !is_scope_part (credentials->access_key)
      || credentials->secret_key == NULL || *credentials->secret_key == '\0'
      || !is_scope_part (credentials->region) || !is_scope_part (credentials->service))
    return fail (error, "incomplete credentials");
  return TRUE;
}

static gboolean
path_valid (const char *path, GError **error)
{
  if (path == NULL || path[0] != '/')
    return fail (error, "the path must be absolute");
  return TRUE;
}

static gboolean
format_dates (gint64 unix_time, char **amz_date, char **date_stamp, GError **error)
{
  g_autoptr (GDateTime) time = NULL;

  if (unix_time < 0 || unix_time > MAX_UNIX_TIME)
    return fail (error, "time out of range");
  time = g_date_time_new_from_unix_utc (unix_time);
  *amz_date = g_date_time_format (time, "%Y%m%dT%H%M%SZ");
  *date_stamp = g_strndup (*amz_date, 8);
  return TRUE;
}

/* --- Canonical forms ------------------------------------------------------- */

static char *
canonical_query (const CarreteSigv4Pair *query, gsize n_query)
{
  g_autoptr (GArray) encoded = pair_array_new ();
  GString *out = g_string_new (NULL);

  for (gsize i = 0; i < n_query; i++)
    pair_array_add (encoded, carrete_sigv4_uri_encode (query[i].name, FALSE),
                    carrete_sigv4_uri_encode (query[i].value ? query[i].value : "", FALSE));
  /* Sorted by encoded name, then encoded value, byte by byte. */
  g_array_sort (encoded, pair_compare);
  for (guint i = 0; i < encoded->len; i++)
    {
      const Pair *pair = &g_array_index (encoded, Pair, i);

      g_string_append_printf (out, "%s%s=%s", i > 0 ? "&" : "", pair->name, pair->value);
    }
  return g_string_free (out, FALSE);
}

/* Leading and trailing blanks dropped, inner runs collapsed to one space. */
static char *
trim_all (const char *value)
{
  GString *out = g_string_new (NULL);
  gboolean pending_space = FALSE;

  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == ' ' || *p == '\t')
        {
          pending_space = out->len > 0;
          continue;
        }
      if (pending_space)
        g_string_append_c (out, ' ');
      pending_space = FALSE;
      g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static gboolean
is_reserved_header (const char *lower_name)
{
  static const char *const reserved[] = {
    "authorization", "host", "x-amz-content-sha256", "x-amz-date",
  };

  for (guint i = 0; i < G_N_ELEMENTS (reserved); i++)
    if (strcmp (lower_name, reserved[i]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
add_caller_headers (GArray *headers, const CarreteSigv4Pair *extra, gsize n_extra, GError **error)
{
  if (n_extra > 0 && extra == NULL)
    return fail (error, "invalid header");
  for (gsize i = 0; i < n_extra; i++)
    {
      g_autofree char *name = NULL;

      if (!is_token (extra[i].name) || !is_header_value (extra[i].value))
        return fail (error, "invalid header");
      name = g_ascii_strdown (extra[i].name, -1);
      if (is_reserved_header (name))
        return fail (error, "header set by the signer");
      pair_array_add (headers, g_steal_pointer (&name), trim_all (extra[i].value));
    }
  return TRUE;
}

/* Fills "name:value\n" lines and "a;b;c".  Repeated names become one line
 * with their values joined by commas, in the order given (the sort is
 * stable). */
static void
canonical_headers (GArray *headers, char **canonical, char **signed_names)
{
  GString *lines = g_string_new (NULL);
  GString *names = g_string_new (NULL);

  g_array_sort (headers, pair_compare_names);
  for (guint i = 0; i < headers->len; i++)
    {
      const Pair *pair = &g_array_index (headers, Pair, i);
      gboolean repeat = i > 0 && strcmp (pair->name, g_array_index (headers, Pair, i - 1).name) == 0;

      if (repeat)
        {
          g_string_truncate (lines, lines->len - 1);
          g_string_append_printf (lines, ",%s\n", pair->value);
          continue;
        }
      g_string_append_printf (lines, "%s:%s\n", pair->name, pair->value);
      g_string_append_printf (names, "%s%s", names->len > 0 ? ";" : "", pair->name);
    }
  *canonical = g_string_free (lines, FALSE);
  *signed_names = g_string_free (names, FALSE);
}

/* --- Signing ---------------------------------------------------------------- */

typedef struct
{
  const char *method;
  char *encoded_path;
  char *query;
  char *headers;
  char *signed_headers;
  const char *payload_hash;
  char *amz_date;
  char *date_stamp;
  char *scope;
} Canonical;

static void
canonical_clear (Canonical *c)
{
  g_clear_pointer (&c->encoded_path, g_free);
  g_clear_pointer (&c->query, g_free);
  g_clear_pointer (&c->headers, g_free);
  g_clear_pointer (&c->signed_headers, g_free);
  g_clear_pointer (&c->amz_date, g_free);
  g_clear_pointer (&c->date_stamp, g_free);
  g_clear_pointer (&c->scope, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Canonical, canonical_clear)

static gboolean
canonical_begin (Canonical *c, const CarreteSigv4Credentials *credentials, const char *method,
                 const char *path, gint64 unix_time, GError **error)
{
  if (!credentials_valid (credentials, error) || !path_valid (path, error))
    return FALSE;
  if (!is_token (method))
    return fail (error, "invalid method");
  if (!format_dates (unix_time, &c->amz_date, &c->date_stamp, error))
    return FALSE;
  c->method = method;
  c->encoded_path = carrete_sigv4_uri_encode (path, TRUE);
  c->scope = g_strdup_printf ("%s/%s/%s/" SCOPE_TERMINATOR, c->date_stamp, credentials->region,
                              credentials->service);
  return TRUE;
}

static char *
canonical_request_text (const Canonical *c)
{
  /* The header lines end in '\n' themselves, hence the blank line. */
  return g_strdup_printf ("%s\n%s\n%s\n%s\n%s\n%s", c->method, c->encoded_path, c->query,
                          c->headers, c->signed_headers, c->payload_hash);
}

static char *
string_to_sign_text (const Canonical *c, const char *canonical_request)
{
  char hash[HEX_SHA256_LEN + 1];

  carrete_sha256_hex (canonical_request, strlen (canonical_request), hash);
  return g_strdup_printf (ALGORITHM "\n%s\n%s\n%s", c->amz_date, c->scope, hash);
}

static void
derive_signing_key (const CarreteSigv4Credentials *credentials, const char *date_stamp,
                    guint8 key[crypto_auth_hmacsha256_BYTES])
{
  g_autofree char *first_key = g_strconcat ("AWS4", credentials->secret_key, NULL);

  hmac ((const guint8 *) first_key, strlen (first_key), date_stamp, key);
  hmac (key, crypto_auth_hmacsha256_BYTES, credentials->region, key);
  hmac (key, crypto_auth_hmacsha256_BYTES, credentials->service, key);
  hmac (key, crypto_auth_hmacsha256_BYTES, SCOPE_TERMINATOR, key);
  sodium_memzero (first_key, strlen (first_key));
}

/* The signing key depends only on the secret, the day, the region and the
 * service, so it is derived once a day instead of on every signature: four
 * HMACs saved per presigned URL, and a page of photos carries fifty. */
typedef struct
{
  GMutex lock;
  char *secret_key;
  char *region;
  char *service;
  char date_stamp[9];
  guint8 key[crypto_auth_hmacsha256_BYTES];
} SigningKeyCache;

static SigningKeyCache key_cache;

static void
signing_key (const CarreteSigv4Credentials *credentials, const char *date_stamp,
             guint8 key[crypto_auth_hmacsha256_BYTES])
{
  g_mutex_lock (&key_cache.lock);
  if (g_strcmp0 (key_cache.secret_key, credentials->secret_key) != 0
      || g_strcmp0 (key_cache.region, credentials->region) != 0
      || g_strcmp0 (key_cache.service, credentials->service) != 0
      || strncmp (key_cache.date_stamp, date_stamp, sizeof key_cache.date_stamp) != 0)
    {
      derive_signing_key (credentials, date_stamp, key_cache.key);
      if (key_cache.secret_key != NULL)
        sodium_memzero (key_cache.secret_key, strlen (key_cache.secret_key));
      g_free (key_cache.secret_key);
      g_free (key_cache.region);
      g_free (key_cache.service);
      key_cache.secret_key = g_strdup (credentials->secret_key);
      key_cache.region = g_strdup (credentials->region);
      key_cache.service = g_strdup (credentials->service);
      g_strlcpy (key_cache.date_stamp, date_stamp, sizeof key_cache.date_stamp);
    }
  memcpy (key, key_cache.key, crypto_auth_hmacsha256_BYTES);
  g_mutex_unlock (&key_cache.lock);
}

static char *
signature_hex (const CarreteSigv4Credentials *credentials, const char *date_stamp,
               const char *string_to_sign)
{
  guint8 key[crypto_auth_hmacsha256_BYTES];
  guint8 mac[crypto_auth_hmacsha256_BYTES];
  char hex[sizeof mac * 2 + 1];

  signing_key (credentials, date_stamp, key);
  hmac (key, sizeof key, string_to_sign, mac);
  sodium_memzero (key, sizeof key);
  sodium_bin2hex (hex, sizeof hex, mac, sizeof mac);
  return g_strdup (hex);
}

static void
canonical_sign (const Canonical *c, const CarreteSigv4Credentials *credentials,
                CarreteSigv4Result *result)
{
  result->canonical_request = canonical_request_text (c);
  result->string_to_sign = string_to_sign_text (c, result->canonical_request);
  result->signature = signature_hex (credentials, c->date_stamp, result->string_to_sign);
  result->amz_date = g_strdup (c->amz_date);
}

static gboolean
query_valid (const CarreteSigv4Pair *query, gsize n_query)
{
  if (n_query > 0 && query == NULL)
    return FALSE;
  for (gsize i = 0; i < n_query; i++)
    if (query[i].name == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
payload_hash_valid (const char *hash)
{
  if (strcmp (hash, CARRETE_SIGV4_UNSIGNED_PAYLOAD) == 0)
    return TRUE;
  if (strlen (hash) != HEX_SHA256_LEN)
    return FALSE;
  for (const char *p = hash; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      return FALSE;
  return TRUE;
}

gboolean
carrete_sigv4_sign (const CarreteSigv4Credentials *credentials, const CarreteSigv4Request *request,
                    gint64 unix_time, CarreteSigv4Result *result, GError **error)
{
  g_auto (Canonical) c = { 0 };
  g_autoptr (GArray) headers = pair_array_new ();

  g_return_val_if_fail (request != NULL && result != NULL, FALSE);
  memset (result, 0, sizeof *result);

  if (!canonical_begin (&c, credentials, request->method, request->path, unix_time, error))
    return FALSE;
  c.payload_hash = request->payload_hash ? request->payload_hash : CARRETE_SIGV4_EMPTY_SHA256;
  if (!payload_hash_valid (c.payload_hash))
    return fail (error, "invalid payload hash");
  if (!host_valid (request->host))
    return fail (error, "invalid host");
  if (!query_valid (request->query, request->n_query))
    return fail (error, "invalid query");
  if (!add_caller_headers (headers, request->headers, request->n_headers, error))
    return FALSE;

  pair_array_add (headers, g_strdup ("host"), g_ascii_strdown (request->host, -1));
  pair_array_add (headers, g_strdup ("x-amz-date"), g_strdup (c.amz_date));
  /* S3 refuses requests without it; other services do not use it, and AWS's
   * generic test suite does not sign it. */
  if (strcmp (credentials->service, "s3") == 0)
    pair_array_add (headers, g_strdup ("x-amz-content-sha256"), g_strdup (c.payload_hash));
  canonical_headers (headers, &c.headers, &c.signed_headers);
  c.query = canonical_query (request->query, request->n_query);

  canonical_sign (&c, credentials, result);
  result->authorization =
    g_strdup_printf (ALGORITHM " Credential=%s/%s, SignedHeaders=%s, Signature=%s",
                     credentials->access_key, c.scope, c.signed_headers, result->signature);
  return TRUE;
}

void
carrete_sigv4_result_clear (CarreteSigv4Result *result)
{
  g_clear_pointer (&result->authorization, g_free);
  g_clear_pointer (&result->amz_date, g_free);
  g_clear_pointer (&result->signature, g_free);
  g_clear_pointer (&result->canonical_request, g_free);
  g_clear_pointer (&result->string_to_sign, g_free);
}

/* --- Presigned URLs --------------------------------------------------------- */

/* Splits "scheme://host[:port]" into the origin to print and the Host header
 * the client will send: lower case, default port left out, since that is
 * what browsers and curl send and Host is signed. */
static int
default_port (const char *scheme)
{
  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return 443;
  if (g_ascii_strcasecmp (scheme, "http") == 0)
    return 80;
  return 0;
}

static char *
host_header_for (GUri *uri)
{
  const char *name = g_uri_get_host (uri);
  int port = g_uri_get_port (uri);
  /* GUri hands back IPv6 literals without their brackets. */
  g_autofree char *host =
    strchr (name, ':') != NULL ? g_strdup_printf ("[%s]", name) : g_ascii_strdown (name, -1);

  if (port > 0 && port != default_port (g_uri_get_scheme (uri)))
    return g_strdup_printf ("%s:%d", host, port);
  return g_steal_pointer (&host);
}

/* Splits "scheme://host[:port]" into the origin to print and the Host header
 * the client will send: lower case, default port left out, since that is
 * what browsers and curl send and Host is signed. */
static gboolean
parse_endpoint (const char *endpoint, char **origin, char **host_header, GError **error)
{
  g_autoptr (GUri) uri = endpoint ? g_uri_parse (endpoint, G_URI_FLAGS_NONE, NULL) : NULL;
  g_autofree char *scheme = NULL;
  g_autofree char *host = NULL;
  const char *path;

  if (uri == NULL || g_uri_get_host (uri) == NULL || g_uri_get_userinfo (uri) != NULL
      || g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    return fail (error, "the endpoint must be http(s)://host[:port]");
  path = g_uri_get_path (uri);
  if (default_port (g_uri_get_scheme (uri)) == 0 || (*path != '\0' && strcmp (path, "/") != 0))
    return fail (error, "the endpoint must be http(s)://host[:port] without a path");
  host = host_header_for (uri);
  if (!host_valid (host))
    return fail (error, "invalid endpoint host");

  scheme = g_ascii_strdown (g_uri_get_scheme (uri), -1);
  *origin = g_strdup_printf ("%s://%s", scheme, host);
  *host_header = g_steal_pointer (&host);
  return TRUE;
}

/* The signer's own X-Amz-* parameters plus the caller's (e.g.
 * response-content-type), all signed. */
static char *
presign_query (const CarreteSigv4Credentials *credentials, const Canonical *c, guint expires,
               const CarreteSigv4Pair *extra, gsize n_extra)
{
  g_autofree char *credential = g_strdup_printf ("%s/%s", credentials->access_key, c->scope);
  g_autofree char *expires_text = g_strdup_printf ("%u", expires);
  const CarreteSigv4Pair own[] = {
    { "X-Amz-Algorithm", ALGORITHM },
    { "X-Amz-Credential", credential },
    { "X-Amz-Date", c->amz_date },
    { "X-Amz-Expires", expires_text },
    { "X-Amz-SignedHeaders", c->signed_headers },
  };
  g_autoptr (GArray) query = g_array_new (FALSE, FALSE, sizeof (CarreteSigv4Pair));

  g_array_append_vals (query, own, G_N_ELEMENTS (own));
  if (n_extra > 0)
    g_array_append_vals (query, extra, n_extra);
  return canonical_query ((const CarreteSigv4Pair *) (gpointer) query->data, query->len);
}

/* The caller may not set (or shadow) the signer's own parameters. */
static gboolean
presign_extra_query_valid (const CarreteSigv4Pair *query, gsize n_query, GError **error)
{
  if (!query_valid (query, n_query))
    return fail (error, "invalid query");
  for (gsize i = 0; i < n_query; i++)
    if (g_ascii_strncasecmp (query[i].name, "X-Amz-", 6) == 0)
      return fail (error, "query parameter set by the signer");
  return TRUE;
}

gboolean
carrete_sigv4_endpoint_host (const char *endpoint, char **origin, char **host, GError **error)
{
  g_autofree char *o = NULL;
  g_autofree char *h = NULL;

  if (!parse_endpoint (endpoint, &o, &h, error))
    return FALSE;
  *origin = g_steal_pointer (&o);
  *host = g_steal_pointer (&h);
  return TRUE;
}

char *
carrete_sigv4_presign (const CarreteSigv4Credentials *credentials, const char *method,
                       const char *endpoint, const char *path, guint expires, gint64 unix_time,
                       const CarreteSigv4Pair *headers, gsize n_headers, GError **error)
{
  return carrete_sigv4_presign_with_query (credentials, method, endpoint, path, NULL, 0, expires,
                                           unix_time, headers, n_headers, error);
}

char *
carrete_sigv4_presign_with_query (const CarreteSigv4Credentials *credentials, const char *method,
                                  const char *endpoint, const char *path,
                                  const CarreteSigv4Pair *query, gsize n_query, guint expires,
                                  gint64 unix_time, const CarreteSigv4Pair *headers,
                                  gsize n_headers, GError **error)
{
  g_auto (Canonical) c = { 0 };
  g_auto (CarreteSigv4Result) result = { 0 };
  g_autoptr (GArray) signed_headers = pair_array_new ();
  g_autofree char *origin = NULL;
  g_autofree char *host = NULL;

  if (expires < 1 || expires > CARRETE_SIGV4_MAX_EXPIRES)
    {
      fail (error, "expiry out of range");
      return NULL;
    }
  if (!canonical_begin (&c, credentials, method, path, unix_time, error)
      || !parse_endpoint (endpoint, &origin, &host, error)
      || !add_caller_headers (signed_headers, headers, n_headers, error)
      || !presign_extra_query_valid (query, n_query, error))
    return NULL;

  pair_array_add (signed_headers, g_strdup ("host"), g_strdup (host));
  canonical_headers (signed_headers, &c.headers, &c.signed_headers);
  c.query = presign_query (credentials, &c, expires, query, n_query);
  /* The body is not known when the URL is made. */
  c.payload_hash = CARRETE_SIGV4_UNSIGNED_PAYLOAD;

  canonical_sign (&c, credentials, &result);
  return g_strdup_printf ("%s%s?%s&X-Amz-Signature=%s", origin, c.encoded_path, c.query,
                          result.signature);
}
