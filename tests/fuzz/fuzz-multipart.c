/* photos_multipart_* on random bodies.  The input's first line is the
 * Content-Type header and the rest the body.  The body is fed whole, byte by
 * byte (when short) and in two pseudo-random splits: every way must give the
 * same outcome, byte for byte. */
#include "carrete-error.h"
#include "fuzz-common.h"
#include "multipart.h"

#define BYTE_BY_BYTE_MAX 4096

static const char *const known_fields[] = { "name", "folder_id", "a", "b", NULL };

typedef struct
{
  gboolean ok;
  int error_code;
  char *error_message;
  GByteArray *file;
  char *summary; /* fields, filename and file type, when ok */
} Outcome;

static void
outcome_clear (Outcome *outcome)
{
  g_free (outcome->error_message);
  g_byte_array_unref (outcome->file);
  g_free (outcome->summary);
}

static gboolean
sink_write (const guint8 *data, gsize len, gpointer user_data, GError **error)
{
  FUZZ_CHECK (len > 0);
  g_byte_array_append (user_data, data, (guint) len);
  return TRUE;
}

static char *
summarize (PhotosMultipart *parser)
{
  GString *summary = g_string_new (NULL);

  for (const char *const *name = known_fields; *name != NULL; name++)
    {
      const char *value = photos_multipart_get_field (parser, *name);

      if (value != NULL)
        {
          FUZZ_CHECK (strlen (value) <= PHOTOS_MULTIPART_FIELD_MAX);
          FUZZ_CHECK (g_utf8_validate (value, -1, NULL));
          g_string_append_printf (summary, "%s=%s\n", *name, value);
        }
    }
  g_string_append_printf (summary, "filename=%s\ntype=%s\n",
                          photos_multipart_get_filename (parser),
                          photos_multipart_get_file_type (parser));
  return g_string_free (summary, FALSE);
}

/* split 0: whole; 1: byte by byte; otherwise pieces of 1–64 bytes drawn
 * from that seed. */
static void
parse (const char *content_type, const guint8 *body, gsize len, guint split, Outcome *outcome)
{
  PhotosMultipart *parser;
  GError *error = NULL;
  GRand *rand = g_rand_new_with_seed (split);
  gsize at = 0;

  outcome->file = g_byte_array_new ();
  parser = photos_multipart_new (content_type, sink_write, outcome->file, &error);
  outcome->ok = parser != NULL;
  while (outcome->ok && at < len)
    {
      gsize piece = split == 0 ? len - at : split == 1 ? 1 : (gsize) g_rand_int_range (rand, 1, 65);

      piece = MIN (piece, len - at);
      outcome->ok = photos_multipart_feed (parser, body + at, piece, &error);
      at += piece;
    }
  if (outcome->ok)
    outcome->ok = photos_multipart_finish (parser, &error);
  if (outcome->ok)
    outcome->summary = summarize (parser);
  else
    {
      FUZZ_CHECK (error != NULL);
      FUZZ_CHECK (error->domain == CARRETE_ERROR && error->code == CARRETE_ERROR_BAD_REQUEST);
      FUZZ_CHECK (g_utf8_validate (error->message, -1, NULL));
      outcome->error_code = error->code;
      outcome->error_message = g_strdup (error->message);
      g_error_free (error);
    }
  /* The file is part of the body: never more bytes than came in. */
  FUZZ_CHECK (outcome->file->len <= len);
  if (parser != NULL)
    photos_multipart_free (parser);
  g_rand_free (rand);
}

static void
check_same (const Outcome *a, const Outcome *b)
{
  FUZZ_CHECK (a->ok == b->ok);
  FUZZ_CHECK (a->error_code == b->error_code);
  FUZZ_CHECK (g_strcmp0 (a->error_message, b->error_message) == 0);
  FUZZ_CHECK (g_strcmp0 (a->summary, b->summary) == 0);
  if (a->ok)
    /* An empty GByteArray may hold data == NULL, which memcmp must not get
       even for zero bytes. */
    FUZZ_CHECK (a->file->len == b->file->len
                && (a->file->len == 0
                    || memcmp (a->file->data, b->file->data, a->file->len) == 0));
}

FUZZ_INITIALIZE_WITH_FATAL_CRITICALS ()

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const uint8_t *newline = memchr (data, '\n', size);
  gsize header_len = newline != NULL ? (gsize) (newline - data) : size;
  char *content_type = fuzz_strdup (data, header_len);
  const guint8 *body = newline != NULL ? newline + 1 : data + size;
  gsize body_len = size - (gsize) (body - data);
  Outcome whole = { 0 };
  guint splits[] = { 1, 2 + (guint) size, 3 + (guint) (size * 7) };

  parse (content_type, body, body_len, 0, &whole);
  for (gsize i = 0; i < G_N_ELEMENTS (splits); i++)
    {
      Outcome other = { 0 };

      if (splits[i] == 1 && body_len > BYTE_BY_BYTE_MAX)
        continue;
      parse (content_type, body, body_len, splits[i], &other);
      check_same (&whole, &other);
      outcome_clear (&other);
    }
  outcome_clear (&whole);
  g_free (content_type);
  return 0;
}
