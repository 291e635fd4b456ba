#define G_LOG_DOMAIN "carrete-server"

#include "carrete-framing.h"

#include <string.h>

#include "carrete-error.h"

static gboolean
refuse (GError **error, const char *detail)
{
  g_set_error_literal (error, CARRETE_ERROR, CARRETE_ERROR_BAD_REQUEST, detail);
  return FALSE;
}

static gboolean
all_digits (const char *value)
{
  if (*value == '\0' || strlen (value) > 18)
    return FALSE;
  for (const char *c = value; *c != '\0'; c++)
    if (!g_ascii_isdigit (*c))
      return FALSE;
  return TRUE;
}

/* RFC 9110 §5.6.2: a field name is a token.  (libsoup trims whitespace
 * before the colon, so "Content-Length : 5", which RFC 9112 §5.1 says to
 * refuse, cannot be told from "Content-Length: 5" here.) */
static gboolean
is_token (const char *name)
{
  if (*name == '\0')
    return FALSE;
  for (const char *c = name; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && strchr ("!#$%&'*+-.^_`|~", *c) == NULL)
      return FALSE;
  return TRUE;
}

gboolean
carrete_framing_check (SoupServerMessage *msg, GError **error)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageHeadersIter iter;
  const char *name, *value;
  guint lengths = 0, encodings = 0;

  /* The iterator sees every header line, repeats included (get_one and
   * get_list would hide them). */
  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      if (!is_token (name))
        return refuse (error, "A header name is not a token (whitespace before its colon?).");
      if (g_ascii_strcasecmp (name, "Content-Length") == 0)
        {
          if (++lengths > 1)
            return refuse (error, "The request has more than one Content-Length header.");
          if (!all_digits (value))
            return refuse (error, "The Content-Length header must be a plain number of bytes.");
        }
      else if (g_ascii_strcasecmp (name, "Transfer-Encoding") == 0)
        {
          if (++encodings > 1)
            return refuse (error, "The request has more than one Transfer-Encoding header.");
          if (g_ascii_strcasecmp (value, "chunked") != 0)
            return refuse (error, "The only Transfer-Encoding accepted is \"chunked\".");
        }
    }
  if (lengths > 0 && encodings > 0)
    return refuse (error, "The request has both Content-Length and Transfer-Encoding.");
  if (encodings > 0 && soup_server_message_get_http_version (msg) == SOUP_HTTP_1_0)
    return refuse (error, "Transfer-Encoding is not part of HTTP/1.0.");
  return TRUE;
}
