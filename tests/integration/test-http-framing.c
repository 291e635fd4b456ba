#define G_LOG_DOMAIN "test-http-framing"

/* Request framing (RFC 9112 §6) against every service, over raw sockets:
 * a request whose length could be read two ways (repeated or malformed
 * Content-Length, Transfer-Encoding with Content-Length, codings other
 * than a lone `chunked`, a NUL in a header) is answered 400 and its
 * connection closed, so the request pipelined behind it is never parsed.
 * Unknown codings are libsoup's own 501 (RFC 9112 §6.1), also closed.
 * The real stack: carrete-users, -folders, -photos (PostgreSQL, MinIO)
 * and carrete-web in front of them. */

#include <string.h>

#include "stack.h"

static Stack *stack;
static CtService *web;

/* Each service, and a route of it that takes a body. */
typedef struct
{
  const char *name;
  const char *path;
} Target;

static const Target targets[] = {
  { "users", "/v1/auth/login" },
  { "folders", "/v1/folders" },
  { "photos", "/v1/photos/uploads" },
  { "web", "/login" },
};

static const char *
url_of (const Target *target)
{
  if (g_str_equal (target->name, "users"))
    return stack->users.url;
  if (g_str_equal (target->name, "folders"))
    return stack->folders.url;
  if (g_str_equal (target->name, "photos"))
    return stack->photos.url;
  return ct_service_url (web);
}

/* The headers after Host and the body (in `rest`, with an explicit length
 * for NULs), then a second request that must never be answered. */
static CtResponse *
send_case (const Target *target, const char *rest, gsize rest_len, gboolean *closed)
{
  g_autoptr (GString) request = g_string_new (NULL);

  g_string_append_printf (request, "POST %s HTTP/1.1\r\nHost: localhost\r\n", target->path);
  g_string_append_len (request, rest, (gssize) rest_len);
  g_string_append (request, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
  return ct_raw_exchange (url_of (target), request->str, request->len, closed);
}

typedef struct
{
  const char *name;
  const char *rest;
  gsize len; /* 0: strlen (rest) */
  gboolean soup_501; /* libsoup answers 501 itself (a coding it does not know) */
} Case;

#define JSON "Content-Type: application/json\r\n"

static const Case bad_cases[] = {
  { "repeated equal Content-Length", JSON "Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}", 0, FALSE },
  { "conflicting Content-Length", JSON "Content-Length: 2\r\nContent-Length: 7\r\n\r\n{}", 0, FALSE },
  { "Content-Length list", JSON "Content-Length: 2, 2\r\n\r\n{}", 0, FALSE },
  { "Content-Length with +", JSON "Content-Length: +2\r\n\r\n{}", 0, FALSE },
  { "Content-Length with -", JSON "Content-Length: -2\r\n\r\n{}", 0, FALSE },
  { "Content-Length with inner space", JSON "Content-Length: 2 2\r\n\r\n{}", 0, FALSE },
  { "Content-Length in hex", JSON "Content-Length: 0x2\r\n\r\n{}", 0, FALSE },
  { "empty Content-Length", JSON "Content-Length: \r\n\r\n{}", 0, FALSE },
  { "Transfer-Encoding and Content-Length",
    JSON "Transfer-Encoding: chunked\r\nContent-Length: 7\r\n\r\n2\r\n{}\r\n0\r\n\r\n", 0, FALSE },
  { "repeated Transfer-Encoding",
    JSON "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", 0,
    FALSE },
  { "Transfer-Encoding identity", JSON "Transfer-Encoding: identity\r\n\r\n{}", 0, FALSE },
  { "Transfer-Encoding chunked, chunked",
    JSON "Transfer-Encoding: chunked, chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", 0, TRUE },
  { "chunked not last", JSON "Transfer-Encoding: chunked, gzip\r\n\r\n2\r\n{}\r\n0\r\n\r\n", 0,
    TRUE },
  { "gzip then chunked", JSON "Transfer-Encoding: gzip, chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", 0,
    TRUE },
  { "unknown coding", JSON "Transfer-Encoding: xchunked\r\n\r\n{}", 0, TRUE },
#define NUL_CASE JSON "X-A: a\0b\r\nContent-Length: 2\r\n\r\n{}"
  { "NUL in a header value", NUL_CASE, sizeof NUL_CASE - 1, FALSE },
};

static void
test_refused (gconstpointer data)
{
  const Target *target = data;

  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      const Case *c = &bad_cases[i];
      gboolean closed = FALSE;
      g_autoptr (CtResponse) r
          = send_case (target, c->rest, c->len != 0 ? c->len : strlen (c->rest), &closed);

      g_test_message ("%s: %s → %u%s", target->name, c->name, r->status,
                      closed ? ", closed" : ", kept open");
      if (c->soup_501)
        g_assert_true (r->status == 400 || r->status == 501);
      else
        g_assert_cmpuint (r->status, ==, 400);
      g_assert_true (closed);
      /* Ours say why, as problem+json. */
      if (!c->soup_501 && r->json != NULL)
        g_assert_nonnull (ct_response_string (r, "detail"));
    }
}

/* The same request framed correctly is parsed, answered (not 400 for its
 * framing) and the connection stays open for the next one. */
static void
test_well_framed (gconstpointer data)
{
  const Target *target = data;
  const char *good[] = {
    JSON "Content-Length: 2\r\n\r\n{}",
    JSON "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
    JSON "Transfer-Encoding: Chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      gboolean closed = TRUE;
      g_autoptr (CtResponse) r = send_case (target, good[i], strlen (good[i]), &closed);

      g_test_message ("%s: well framed %u → %u", target->name, i, r->status);
      g_assert_cmpuint (r->status, >=, 200);
      if (r->status == 400)
        g_assert_null (strstr (ct_response_string (r, "detail"), "Content-Length"));
      g_assert_cmpuint (r->status, <, 500);
      g_assert_false (closed);
    }
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  stack = stack_start ();
  web = stack_start_web (stack, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      g_autofree char *refused = g_strdup_printf ("/carrete/framing/%s/refused", targets[i].name);
      g_autofree char *framed = g_strdup_printf ("/carrete/framing/%s/well-framed", targets[i].name);

      g_test_add_data_func (refused, &targets[i], test_refused);
      g_test_add_data_func (framed, &targets[i], test_well_framed);
    }
  status = g_test_run ();
  ct_service_stop (web);
  ct_service_free (web);
  stack_free (stack);
  return status;
}
