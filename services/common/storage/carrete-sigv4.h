#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* AWS Signature Version 4, as S3 checks it: header-signed requests and
 * presigned (query-string) URLs.  Pure functions: no I/O, and the clock is a
 * parameter so that AWS's published examples can be reproduced exactly.
 *
 * Paths are encoded the S3 way: each segment once, '/' kept, no dot-segment
 * normalisation.  Other services encode twice; this signer does not. */

#define CARRETE_SIGV4_UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"
#define CARRETE_SIGV4_EMPTY_SHA256 \
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define CARRETE_SIGV4_MAX_EXPIRES 604800 /* seven days: S3's limit */

typedef struct
{
  const char *access_key;
  const char *secret_key;
  const char *region;
  const char *service;
} CarreteSigv4Credentials;

/* A query parameter or a header, unencoded. */
typedef struct
{
  const char *name;
  const char *value;
} CarreteSigv4Pair;

typedef struct
{
  const char *method;
  /* "host" or "host:port" when the port is not the scheme's default: exactly
   * what the client will send in its Host header. */
  const char *host;
  /* Absolute and unencoded, e.g. "/bucket/a b.jpg". */
  const char *path;
  const CarreteSigv4Pair *query;
  gsize n_query;
  /* Extra headers to sign.  Host, X-Amz-Date and (for S3)
   * X-Amz-Content-Sha256 are added by the signer and refused here. */
  const CarreteSigv4Pair *headers;
  gsize n_headers;
  /* Lower-case hex SHA-256 of the body, or CARRETE_SIGV4_UNSIGNED_PAYLOAD;
   * NULL means an empty body. */
  const char *payload_hash;
} CarreteSigv4Request;

typedef struct
{
  char *authorization;   /* the Authorization header value */
  char *amz_date;        /* the X-Amz-Date header value */
  char *signature;
  char *canonical_request;
  char *string_to_sign;
} CarreteSigv4Result;

/* result is overwritten (clear it first when reusing one); on failure it is
 * left empty.  For service "s3" the request must also carry
 * X-Amz-Content-Sha256: <payload hash>; it is signed. */
gboolean carrete_sigv4_sign (const CarreteSigv4Credentials *credentials,
                             const CarreteSigv4Request *request, gint64 unix_time,
                             CarreteSigv4Result *result, GError **error);

/* endpoint is "scheme://host[:port]" with no path.  Returns the full URL, or
 * NULL with CARRETE_ERROR_FAILED.  The payload is UNSIGNED-PAYLOAD; headers
 * (may be NULL) must be sent verbatim by whoever uses the URL. */
char *carrete_sigv4_presign (const CarreteSigv4Credentials *credentials, const char *method,
                             const char *endpoint, const char *path, guint expires,
                             gint64 unix_time, const CarreteSigv4Pair *headers, gsize n_headers,
                             GError **error);

/* The same with extra query parameters (e.g. S3's response-content-type),
 * which are signed and must be sent verbatim; names starting with X-Amz- are
 * refused. */
char *carrete_sigv4_presign_with_query (const CarreteSigv4Credentials *credentials,
                                        const char *method, const char *endpoint,
                                        const char *path, const CarreteSigv4Pair *query,
                                        gsize n_query, guint expires, gint64 unix_time,
                                        const CarreteSigv4Pair *headers, gsize n_headers,
                                        GError **error);

/* Checks "scheme://host[:port]" (http or https, no path) and gives the origin
 * to put in URLs and the Host header value a client sends to it (lower case,
 * default port left out): the host that signatures must cover. */
gboolean carrete_sigv4_endpoint_host (const char *endpoint, char **origin, char **host,
                                      GError **error);

/* S3's URI encoding: unreserved characters kept, everything else %XX
 * (upper case).  '/' is kept only when keep_slash is TRUE (paths). */
char *carrete_sigv4_uri_encode (const char *text, gboolean keep_slash);

void carrete_sigv4_result_clear (CarreteSigv4Result *result);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CarreteSigv4Result, carrete_sigv4_result_clear)

G_END_DECLS
