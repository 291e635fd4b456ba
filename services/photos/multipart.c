#define G_LOG_DOMAIN "carrete-photos-multipart"

#include "multipart.h"

#include <string.h>

#include "carrete-error.h"

/* RFC 2046 §5.1.1: a boundary is 1–70 characters. */
#define BOUNDARY_MAX 70
#define FILE_PART_NAME "file"
/* In characters, as the OpenAPI document's propertyNames says: well inside
 * PHOTOS_MULTIPART_HEADERS_MAX even at four bytes a character. */
#define PART_NAME_MAX 256

/* Where the parser is in the body.  The delimiter is CRLF "--" boundary; the
 * bytes after it say whether another part follows (transport padding then
 * CRLF) or the body is over ("--"). */
typedef enum
{
  STATE_PREAMBLE,      /* before the first delimiter: ignored */
  STATE_AFTER_DELIMITER,
  STATE_CLOSE_DASH,    /* one '-' after the boundary: the second must follow */
  STATE_PADDING,       /* spaces or tabs after the boundary, up to CRLF */
  STATE_PADDING_LF,    /* the CR of that CRLF was seen */
  STATE_HEADERS,
  STATE_BODY,
  STATE_EPILOGUE,      /* after the close delimiter: whitespace only */
  STATE_FAILED,
} State;

typedef enum
{
  PART_FIELD,
  PART_FILE,
} PartKind;

struct _PhotosMultipart
{
  State state;
  char *delimiter;    /* "\r\n--" boundary */
  gsize delimiter_len;
  /* How many bytes of the delimiter the input ended in: they are held back
   * until the next bytes say whether the delimiter is complete.  Because a
   * boundary holds no CR, these bytes always equal delimiter[0..matched). */
  gsize matched;

  PhotosMultipartFileFunc on_file;
  gpointer user_data;
  PhotosMultipartFieldFunc on_field; /* optional */
  gpointer field_data;

  GString *headers;   /* the current part's header block */
  guint parts;
  PartKind part_kind;
  char *field_name;
  GString *field_value;

  GHashTable *fields; /* name → value */
  gboolean has_file;
  char *filename;
  char *file_type;

  GError *failure;    /* once failed, every later call repeats it */
};

/* --- Errors ----------------------------------------------------------------- */

static gboolean G_GNUC_PRINTF (3, 4)
fail (PhotosMultipart *self, GError **error, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_BAD_REQUEST, "multipart body: %s", message);
  if (self != NULL && self->failure == NULL)
    self->failure = g_error_new (CARRETE_ERROR, CARRETE_ERROR_BAD_REQUEST, "multipart body: %s",
                                 message);
  if (self != NULL)
    self->state = STATE_FAILED;
  return FALSE;
}

/* A callback's own error (e.g. 413) travels unchanged. */
static gboolean
fail_with (PhotosMultipart *self, GError *cause, GError **error)
{
  if (cause == NULL)
    cause = g_error_new_literal (CARRETE_ERROR, CARRETE_ERROR_FAILED,
                                 "multipart body: the file sink stopped without a reason");
  g_clear_error (&self->failure);
  self->failure = g_error_copy (cause);
  self->state = STATE_FAILED;
  g_propagate_error (error, cause);
  return FALSE;
}

static gboolean
repeat_failure (PhotosMultipart *self, GError **error)
{
  g_propagate_error (error, g_error_copy (self->failure));
  return FALSE;
}

/* --- Header parameters (RFC 9110 §5.6.6, as used by RFC 7578) -------------- */

static gboolean
is_ows (char c)
{
  return c == ' ' || c == '\t';
}

static const char *
skip_ows (const char *p)
{
  while (is_ows (*p))
    p++;
  return p;
}

static gboolean
is_token_char (char c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("!#$%&'*+-.^_`|~", c) != NULL);
}

/* A quoted-string starting at the quote: its unescaped text, or NULL. */
static char *
parse_quoted (const char **p)
{
  g_autoptr (GString) value = g_string_new (NULL);
  const char *at = *p + 1;

  for (;; at++)
    {
      if (*at == '\0')
        return NULL;
      if (*at == '"')
        break;
      if (*at == '\\')
        {
          at++;
          if (*at == '\0')
            return NULL;
        }
      g_string_append_c (value, *at);
    }
  *p = at + 1;
  return g_string_free (g_steal_pointer (&value), FALSE);
}

/* An unquoted value.  Looser than a token, since clients send boundaries
 * such as "a:b" bare: anything up to whitespace or ';'. */
static char *
parse_bare (const char **p)
{
  const char *start = *p;
  const char *at = start;

  while (*at != '\0' && *at != ';' && !is_ows (*at) && *at != '"' && !g_ascii_iscntrl (*at))
    at++;
  if (at == start)
    return NULL;
  *p = at;
  return g_strndup (start, at - start);
}

/* `*( OWS ";" OWS name "=" value )` with an optional trailing ";": a table
 * from lower-case name to value, or NULL with `why` set. */
static GHashTable *
parse_params (const char *text, const char **why)
{
  g_autoptr (GHashTable) params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *p = skip_ows (text);

  while (*p != '\0')
    {
      const char *name_start;
      g_autofree char *name = NULL;
      char *value;

      if (*p != ';')
        return *why = "expected ';' between parameters", NULL;
      p = skip_ows (p + 1);
      if (*p == '\0')
        break;
      name_start = p;
      while (is_token_char (*p))
        p++;
      if (p == name_start || *p != '=')
        return *why = "a parameter is not name=value", NULL;
      name = g_ascii_strdown (name_start, p - name_start);
      p++;
      value = *p == '"' ? parse_quoted (&p) : parse_bare (&p);
      if (value == NULL)
        return *why = "a parameter value is malformed", NULL;
      if (g_hash_table_contains (params, name))
        {
          g_free (value);
          return *why = "a parameter is repeated", NULL;
        }
      g_hash_table_insert (params, g_steal_pointer (&name), value);
      p = skip_ows (p);
    }
  return g_steal_pointer (&params);
}

/* Splits "type/sub; params" into the lower-case value before the first ';'
 * and the parameters. */
static GHashTable *
parse_header_value (const char *text, char **value, const char **why)
{
  const char *semicolon = strchr (text, ';');
  gsize value_len = semicolon != NULL ? (gsize) (semicolon - text) : strlen (text);

  *value = g_strstrip (g_ascii_strdown (text, value_len));
  return parse_params (text + value_len, why);
}

/* --- Construction ----------------------------------------------------------- */

/* Printable ASCII, not ending in a space (RFC 2046's bchars are a subset).
 * Above all no CR: the body scanner relies on it. */
static gboolean
boundary_is_valid (const char *boundary)
{
  gsize len = strlen (boundary);

  if (len == 0 || len > BOUNDARY_MAX || boundary[len - 1] == ' ')
    return FALSE;
  for (const char *p = boundary; *p != '\0'; p++)
    if (*p < 0x20 || *p > 0x7e)
      return FALSE;
  return TRUE;
}

static char *
boundary_from_content_type (const char *content_type, GError **error)
{
  g_autofree char *media_type = NULL;
  g_autoptr (GHashTable) params = NULL;
  const char *why = NULL;
  const char *boundary;

  if (content_type == NULL)
    return fail (NULL, error, "no Content-Type"), NULL;
  params = parse_header_value (content_type, &media_type, &why);
  if (strcmp (media_type, "multipart/form-data") != 0)
    return fail (NULL, error, "Content-Type is not multipart/form-data"), NULL;
  if (params == NULL)
    return fail (NULL, error, "Content-Type: %s", why), NULL;
  boundary = g_hash_table_lookup (params, "boundary");
  if (boundary == NULL)
    return fail (NULL, error, "Content-Type has no boundary"), NULL;
  if (!boundary_is_valid (boundary))
    return fail (NULL, error, "the boundary must be 1–70 printable ASCII characters"), NULL;
  return g_strdup (boundary);
}

PhotosMultipart *
photos_multipart_new (const char *content_type, PhotosMultipartFileFunc on_file,
                      gpointer user_data, GError **error)
{
  g_autofree char *boundary = NULL;
  PhotosMultipart *self;

  g_return_val_if_fail (on_file != NULL, NULL);
  boundary = boundary_from_content_type (content_type, error);
  if (boundary == NULL)
    return NULL;

  self = g_new0 (PhotosMultipart, 1);
  self->state = STATE_PREAMBLE;
  self->delimiter = g_strconcat ("\r\n--", boundary, NULL);
  self->delimiter_len = strlen (self->delimiter);
  /* The first delimiter may open the body, with no CRLF before it: start as
   * if that CRLF had just been read. */
  self->matched = 2;
  self->on_file = on_file;
  self->user_data = user_data;
  self->headers = g_string_new (NULL);
  self->fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return self;
}

void
photos_multipart_free (PhotosMultipart *self)
{
  if (self == NULL)
    return;
  g_free (self->delimiter);
  g_string_free (self->headers, TRUE);
  g_free (self->field_name);
  if (self->field_value != NULL)
    g_string_free (self->field_value, TRUE);
  g_hash_table_unref (self->fields);
  g_free (self->filename);
  g_free (self->file_type);
  g_clear_error (&self->failure);
  g_free (self);
}

void
photos_multipart_set_field_func (PhotosMultipart *self, PhotosMultipartFieldFunc on_field,
                                 gpointer user_data)
{
  g_return_if_fail (self != NULL);
  self->on_field = on_field;
  self->field_data = user_data;
}

/* --- Part headers ----------------------------------------------------------- */

typedef struct
{
  char *name;
  char *filename;
  char *content_type;
  gboolean has_disposition;
} PartHeaders;

static void
part_headers_clear (PartHeaders *headers)
{
  g_free (headers->name);
  g_free (headers->filename);
  g_free (headers->content_type);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PartHeaders, part_headers_clear)

static gboolean
parse_disposition (PhotosMultipart *self, const char *value, PartHeaders *part, GError **error)
{
  g_autofree char *kind = NULL;
  g_autoptr (GHashTable) params = NULL;
  const char *why = NULL;
  const char *name;
  const char *filename;

  if (part->has_disposition)
    return fail (self, error, "a part has two Content-Disposition headers");
  part->has_disposition = TRUE;
  params = parse_header_value (value, &kind, &why);
  if (strcmp (kind, "form-data") != 0)
    return fail (self, error, "a part's Content-Disposition is not form-data");
  if (params == NULL)
    return fail (self, error, "Content-Disposition: %s", why);

  name = g_hash_table_lookup (params, "name");
  if (name == NULL || *name == '\0')
    return fail (self, error, "a part has no name");
  if (!g_utf8_validate (name, -1, NULL))
    return fail (self, error, "a part's name is not UTF-8");
  if (g_utf8_strlen (name, -1) > PART_NAME_MAX)
    return fail (self, error, "a part's name is longer than %d characters", PART_NAME_MAX);
  filename = g_hash_table_lookup (params, "filename");
  if (filename != NULL && !g_utf8_validate (filename, -1, NULL))
    return fail (self, error, "a part's filename is not UTF-8");
  part->name = g_strdup (name);
  part->filename = g_strdup (filename);
  return TRUE;
}

/* The body is taken as it is: an encoding would need decoding we do not do
 * (RFC 7578 §4.7 deprecates the header). */
static gboolean
check_transfer_encoding (PhotosMultipart *self, const char *value, GError **error)
{
  if (g_ascii_strcasecmp (value, "binary") == 0 || g_ascii_strcasecmp (value, "8bit") == 0
      || g_ascii_strcasecmp (value, "7bit") == 0)
    return TRUE;
  return fail (self, error, "Content-Transfer-Encoding other than binary is not supported");
}

static gboolean
parse_header_line (PhotosMultipart *self, const char *line, PartHeaders *part, GError **error)
{
  const char *colon = strchr (line, ':');
  g_autofree char *name = NULL;
  g_autofree char *value = NULL;

  if (colon == NULL || colon == line)
    return fail (self, error, "a part header line has no name");
  for (const char *p = line; p < colon; p++)
    if (!is_token_char (*p))
      return fail (self, error, "a part header name is malformed");
  name = g_ascii_strdown (line, colon - line);
  value = g_strstrip (g_strdup (colon + 1));

  if (strcmp (name, "content-disposition") == 0)
    return parse_disposition (self, value, part, error);
  if (strcmp (name, "content-type") == 0)
    {
      if (part->content_type != NULL)
        return fail (self, error, "a part has two Content-Type headers");
      if (!g_utf8_validate (value, -1, NULL))
        return fail (self, error, "a part's Content-Type is not UTF-8");
      part->content_type = g_steal_pointer (&value);
      return TRUE;
    }
  if (strcmp (name, "content-transfer-encoding") == 0)
    return check_transfer_encoding (self, value, error);
  return TRUE; /* other headers carry nothing for us */
}

/* Starts the part whose header block (with its final empty line) is in
 * self->headers. */
static gboolean
begin_part (PhotosMultipart *self, GError **error)
{
  g_auto (PartHeaders) part = { 0 };
  g_auto (GStrv) lines = NULL;

  /* Drop the terminating CRLF CRLF (or the lone CRLF of an empty block). */
  g_string_truncate (self->headers, self->headers->len >= 4 ? self->headers->len - 4 : 0);
  lines = g_strsplit (self->headers->str, "\r\n", -1);
  /* Before any line is read alone: a folded line continues the one above. */
  for (char **line = lines; *line != NULL; line++)
    if (is_ows (**line))
      return fail (self, error, "folded part header lines are not supported");
  for (char **line = lines; *line != NULL; line++)
    if (**line != '\0' && !parse_header_line (self, *line, &part, error))
      return FALSE;
  if (!part.has_disposition)
    return fail (self, error, "a part has no Content-Disposition");

  if (strcmp (part.name, FILE_PART_NAME) == 0)
    {
      if (self->has_file)
        return fail (self, error, "more than one file part");
      self->has_file = TRUE;
      self->part_kind = PART_FILE;
      self->filename = g_steal_pointer (&part.filename);
      self->file_type = g_steal_pointer (&part.content_type);
    }
  else
    {
      if (g_hash_table_contains (self->fields, part.name))
        return fail (self, error, "the field \"%s\" is repeated", part.name);
      self->part_kind = PART_FIELD;
      self->field_name = g_steal_pointer (&part.name);
      self->field_value = g_string_new (NULL);
    }
  g_string_truncate (self->headers, 0);
  self->state = STATE_BODY;
  return TRUE;
}

/* Reads header bytes up to the empty line that ends the block; lines end in
 * CRLF, and a bare CR or LF is an error rather than a guess.  Returns how
 * many bytes it used. */
static gssize
read_headers (PhotosMultipart *self, const guint8 *data, gsize len, GError **error)
{
  GString *headers = self->headers;

  for (gsize i = 0; i < len; i++)
    {
      char c = (char) data[i];
      char previous = headers->len > 0 ? headers->str[headers->len - 1] : '\0';

      if (headers->len >= PHOTOS_MULTIPART_HEADERS_MAX)
        return fail (self, error, "a part's headers are longer than %d bytes",
                     PHOTOS_MULTIPART_HEADERS_MAX),
               -1;
      if (previous == '\r' && c != '\n')
        return fail (self, error, "a CR in part headers is not followed by LF"), -1;
      if (c == '\n' && previous != '\r')
        return fail (self, error, "a part header line ends in LF without CR"), -1;
      if (c == '\0' || (g_ascii_iscntrl (c) && c != '\t' && c != '\r' && c != '\n'))
        return fail (self, error, "a part header holds a control character"), -1;
      g_string_append_c (headers, c);
      if (c == '\n' && (headers->len == 2 || g_str_has_suffix (headers->str, "\r\n\r\n")))
        return begin_part (self, error) ? (gssize) (i + 1) : -1;
    }
  return (gssize) len;
}

/* --- Part bodies ------------------------------------------------------------ */

/* Bytes known to belong to the current part (or to the preamble). */
static gboolean
take_content (PhotosMultipart *self, const guint8 *data, gsize len, GError **error)
{
  GError *cause = NULL;

  if (len == 0 || self->state == STATE_PREAMBLE)
    return TRUE;
  if (self->part_kind == PART_FILE)
    {
      if (!self->on_file (data, len, self->user_data, &cause))
        return fail_with (self, cause, error);
      return TRUE;
    }
  if (self->field_value->len + len > PHOTOS_MULTIPART_FIELD_MAX)
    return fail (self, error, "the field \"%s\" is longer than %d bytes", self->field_name,
                 PHOTOS_MULTIPART_FIELD_MAX);
  g_string_append_len (self->field_value, (const char *) data, len);
  return TRUE;
}

static gboolean
end_part (PhotosMultipart *self, GError **error)
{
  if (self->part_kind == PART_FIELD)
    {
      if (!g_utf8_validate_len (self->field_value->str, self->field_value->len, NULL))
        return fail (self, error, "the field \"%s\" is not UTF-8 text", self->field_name);
      char *name = g_steal_pointer (&self->field_name);
      char *value = g_string_free (g_steal_pointer (&self->field_value), FALSE);

      g_hash_table_insert (self->fields, name, value);
      if (self->on_field != NULL)
        self->on_field (name, value, !self->has_file, self->field_data);
    }
  return TRUE;
}

/* Scans part data (or preamble) for the delimiter.  Content before it goes
 * to take_content; a delimiter prefix at the end of the input is held back
 * (self->matched).  Sets `found` when a whole delimiter was read.  Returns
 * how many bytes it used, or -1. */
static gssize
scan_body (PhotosMultipart *self, const guint8 *data, gsize len, gboolean *found,
           GError **error)
{
  const guint8 *delimiter = (const guint8 *) self->delimiter;
  gsize at = 0;
  gsize start;

  *found = FALSE;
  if (self->matched > 0)
    {
      gsize held;

      while (at < len && self->matched < self->delimiter_len
             && data[at] == delimiter[self->matched])
        at++, self->matched++;
      if (self->matched == self->delimiter_len)
        {
          self->matched = 0;
          *found = TRUE;
          return (gssize) at;
        }
      if (at == len)
        return (gssize) len;
      /* Not the delimiter after all: what was held back is content.  It
       * holds no CR past its first byte, so no delimiter starts inside it. */
      held = self->matched;
      self->matched = 0;
      if (!take_content (self, delimiter, held, error))
        return -1;
    }

  start = at;
  while (at < len)
    {
      const guint8 *cr = memchr (data + at, '\r', len - at);
      gsize cr_at, avail;

      if (cr == NULL)
        break;
      cr_at = (gsize) (cr - data);
      avail = MIN (len - cr_at, self->delimiter_len);
      if (memcmp (cr, delimiter, avail) == 0)
        {
          if (!take_content (self, data + start, cr_at - start, error))
            return -1;
          if (avail == self->delimiter_len)
            {
              *found = TRUE;
              return (gssize) (cr_at + avail);
            }
          self->matched = avail;
          return (gssize) len;
        }
      at = cr_at + 1;
    }
  if (!take_content (self, data + start, len - start, error))
    return -1;
  return (gssize) len;
}

/* --- The state machine ---------------------------------------------------- */

static gboolean
after_delimiter (PhotosMultipart *self, char c, GError **error)
{
  switch (self->state)
    {
    case STATE_AFTER_DELIMITER:
      if (c == '-')
        self->state = STATE_CLOSE_DASH;
      else if (is_ows (c))
        self->state = STATE_PADDING;
      else if (c == '\r')
        self->state = STATE_PADDING_LF;
      else if (c == '\n')
        return fail (self, error, "a boundary line does not end in CRLF");
      else
        return fail (self, error, "a boundary line has text after the boundary");
      return TRUE;
    case STATE_CLOSE_DASH:
      if (c != '-')
        return fail (self, error, "a boundary line has text after the boundary");
      self->state = STATE_EPILOGUE;
      return TRUE;
    case STATE_PADDING:
      if (c == '\r')
        self->state = STATE_PADDING_LF;
      else if (c == '\n')
        return fail (self, error, "a boundary line does not end in CRLF");
      else if (!is_ows (c))
        return fail (self, error, "a boundary line has text after the boundary");
      return TRUE;
    case STATE_PADDING_LF:
      if (c != '\n')
        return fail (self, error, "a boundary line does not end in CRLF");
      if (self->parts == PHOTOS_MULTIPART_MAX_PARTS)
        return fail (self, error, "more than %d parts", PHOTOS_MULTIPART_MAX_PARTS);
      self->parts++;
      self->state = STATE_HEADERS;
      return TRUE;
    default:
      g_assert_not_reached ();
    }
}

static gboolean
read_epilogue (PhotosMultipart *self, const guint8 *data, gsize len, GError **error)
{
  for (gsize i = 0; i < len; i++)
    if (!is_ows ((char) data[i]) && data[i] != '\r' && data[i] != '\n')
      return fail (self, error, "data follows the closing boundary");
  return TRUE;
}

gboolean
photos_multipart_feed (PhotosMultipart *self, const guint8 *data, gsize len, GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  while (len > 0)
    {
      gssize used = 1;
      gboolean found = FALSE;

      switch (self->state)
        {
        case STATE_FAILED:
          return repeat_failure (self, error);
        case STATE_PREAMBLE:
        case STATE_BODY:
          used = scan_body (self, data, len, &found, error);
          if (used < 0)
            return FALSE;
          if (found)
            {
              if (self->state == STATE_BODY && !end_part (self, error))
                return FALSE;
              self->state = STATE_AFTER_DELIMITER;
            }
          break;
        case STATE_AFTER_DELIMITER:
        case STATE_CLOSE_DASH:
        case STATE_PADDING:
        case STATE_PADDING_LF:
          if (!after_delimiter (self, (char) data[0], error))
            return FALSE;
          break;
        case STATE_HEADERS:
          used = read_headers (self, data, len, error);
          if (used < 0)
            return FALSE;
          break;
        case STATE_EPILOGUE:
          return read_epilogue (self, data, len, error);
        default:
          g_assert_not_reached ();
        }
      data += used;
      len -= (gsize) used;
    }
  return TRUE;
}

gboolean
photos_multipart_finish (PhotosMultipart *self, GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->state == STATE_FAILED)
    return repeat_failure (self, error);
  if (self->state != STATE_EPILOGUE)
    return fail (self, error, "the body ends before the closing boundary");
  if (!self->has_file)
    return fail (self, error, "there is no part named \"%s\"", FILE_PART_NAME);
  return TRUE;
}

const char *
photos_multipart_get_field (PhotosMultipart *self, const char *name)
{
  g_return_val_if_fail (self != NULL && name != NULL, NULL);
  return g_hash_table_lookup (self->fields, name);
}

const char *
photos_multipart_get_filename (PhotosMultipart *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->filename;
}

const char *
photos_multipart_get_file_type (PhotosMultipart *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->file_type;
}
