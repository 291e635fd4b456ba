#define G_LOG_DOMAIN "carrete-test-multipart"

#include <string.h>

#include "carrete-error.h"
#include "multipart.h"

#define CT "multipart/form-data; boundary=XyZ"
#define B "--XyZ"
#define CRLF "\r\n"
#define FILE_HEADERS                                                                            \
  "Content-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"" CRLF                      \
  "Content-Type: image/jpeg" CRLF CRLF

/* Field names the outcome records (the API reads fields by name only). */
static const char *const known_fields[] = { "name", "folder_id", "a", "b", "c", NULL };

/* Everything a parse produced: the same for every split of the same body. */
typedef struct
{
  gboolean ok;
  GQuark error_domain;
  int error_code;
  char *error_message;
  GByteArray *file;
  char *filename;
  char *file_type;
  char *fields; /* "name=value\n" for each known field present */
  char *announced; /* "name=value before|after <file bytes so far>\n" as fields ended */
} Outcome;

static void
outcome_free (Outcome *outcome)
{
  g_free (outcome->error_message);
  g_byte_array_unref (outcome->file);
  g_free (outcome->filename);
  g_free (outcome->file_type);
  g_free (outcome->fields);
  g_free (outcome->announced);
  g_free (outcome);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Outcome, outcome_free)

typedef struct
{
  GByteArray *file;
  gsize fail_after; /* the sink refuses more than this many bytes (0: never) */
  guint calls;
  GString *announced;
} Sink;

static void
field_ended (const char *name, const char *value, gboolean before_file, gpointer user_data)
{
  Sink *sink = user_data;

  g_string_append_printf (sink->announced, "%s=%s %s %u\n", name, value,
                          before_file ? "before" : "after", sink->file->len);
}

static gboolean
sink_write (const guint8 *data, gsize len, gpointer user_data, GError **error)
{
  Sink *sink = user_data;

  g_assert_cmpuint (len, >, 0);
  sink->calls++;
  g_byte_array_append (sink->file, data, (guint) len);
  if (sink->fail_after > 0 && sink->file->len > sink->fail_after)
    {
      g_set_error_literal (error, CARRETE_ERROR, CARRETE_ERROR_TOO_LARGE, "too big");
      return FALSE;
    }
  return TRUE;
}

/* Splits: 0 = whole, 1 = byte by byte, else random pieces from that seed. */
static gsize
next_piece (gsize left, guint split, GRand *rand)
{
  gsize piece;

  if (split == 0)
    return left;
  if (split == 1)
    return 1;
  piece = (gsize) g_rand_int_range (rand, 1, 24);
  return MIN (left, piece);
}

static void
record_fields (Outcome *outcome, PhotosMultipart *parser)
{
  GString *fields = g_string_new (NULL);

  for (const char *const *name = known_fields; *name != NULL; name++)
    {
      const char *value = photos_multipart_get_field (parser, *name);
      if (value != NULL)
        g_string_append_printf (fields, "%s=%s\n", *name, value);
    }
  outcome->fields = g_string_free (fields, FALSE);
  outcome->filename = g_strdup (photos_multipart_get_filename (parser));
  outcome->file_type = g_strdup (photos_multipart_get_file_type (parser));
}

static Outcome *
parse_split (const char *content_type, const char *body, gsize len, guint split,
             gsize fail_after)
{
  Outcome *outcome = g_new0 (Outcome, 1);
  Sink sink = { g_byte_array_new (), fail_after, 0, g_string_new (NULL) };
  g_autoptr (GRand) rand = g_rand_new_with_seed (split);
  g_autoptr (PhotosMultipart) parser = NULL;
  g_autoptr (GError) error = NULL;
  gsize at = 0;

  outcome->file = sink.file;
  parser = photos_multipart_new (content_type, sink_write, &sink, &error);
  outcome->ok = parser != NULL;
  if (parser != NULL)
    photos_multipart_set_field_func (parser, field_ended, &sink);
  while (outcome->ok && at < len)
    {
      gsize piece = next_piece (len - at, split, rand);

      outcome->ok = photos_multipart_feed (parser, (const guint8 *) body + at, piece, &error);
      at += piece;
    }
  if (outcome->ok)
    outcome->ok = photos_multipart_finish (parser, &error);
  outcome->announced = g_string_free (sink.announced, FALSE);
  if (outcome->ok)
    record_fields (outcome, parser);
  else
    {
      g_assert_nonnull (error);
      outcome->error_domain = error->domain;
      outcome->error_code = error->code;
      outcome->error_message = g_strdup (error->message);
    }
  return outcome;
}

static void
assert_same_outcome (const Outcome *a, const Outcome *b)
{
  if (a->ok != b->ok)
    g_test_message ("whole: %s; split: %s", a->error_message, b->error_message);
  g_assert_cmpint (a->ok, ==, b->ok);
  g_assert_cmpint (a->error_code, ==, b->error_code);
  g_assert_cmpstr (a->error_message, ==, b->error_message);
  /* After a sink error, how much reached the sink depends on the split. */
  if (a->ok)
    g_assert_cmpmem (a->file->data, a->file->len, b->file->data, b->file->len);
  g_assert_cmpstr (a->filename, ==, b->filename);
  g_assert_cmpstr (a->file_type, ==, b->file_type);
  g_assert_cmpstr (a->fields, ==, b->fields);
  if (a->ok)
    g_assert_cmpstr (a->announced, ==, b->announced);
}

/* Parses `body` whole, byte by byte and in 20 random splits, asserts every
 * way gives the same outcome, and returns it. */
static Outcome *
parse_with_limit (const char *content_type, const char *body, gsize len, gsize fail_after)
{
  Outcome *whole = parse_split (content_type, body, len, 0, fail_after);

  for (guint split = 1; split <= 21; split++)
    {
      g_autoptr (Outcome) other = parse_split (content_type, body, len, split, fail_after);
      assert_same_outcome (whole, other);
    }
  return whole;
}

static Outcome *
parse (const char *content_type, const char *body)
{
  return parse_with_limit (content_type, body, strlen (body), 0);
}

static void
assert_bad_request (const Outcome *outcome, const char *message_part)
{
  g_assert_false (outcome->ok);
  g_assert_true (outcome->error_domain == CARRETE_ERROR);
  g_assert_cmpint (outcome->error_code, ==, CARRETE_ERROR_BAD_REQUEST);
  if (strstr (outcome->error_message, message_part) == NULL)
    g_error ("error \"%s\" does not mention \"%s\"", outcome->error_message, message_part);
}

static void
assert_file (const Outcome *outcome, const char *expected)
{
  g_assert_true (outcome->ok);
  g_assert_cmpmem (outcome->file->data, outcome->file->len, expected, strlen (expected));
}

/* --- Happy paths ------------------------------------------------------------ */

static void
test_fields_and_file (void)
{
  g_autoptr (Outcome) outcome = parse (CT,
      "preamble to ignore" CRLF
      B CRLF
      "Content-Disposition: form-data; name=\"name\"" CRLF CRLF
      "Holidays 2019" CRLF
      B CRLF
      "content-disposition: form-data; name=folder_id" CRLF
      "Content-Type: text/plain; charset=utf-8" CRLF CRLF
      "fo_abc" CRLF
      B CRLF
      FILE_HEADERS
      "\xff\xd8\xff\xe0 JPEG BYTES \r\n with CRLF \r\n-- inside" CRLF
      B "--" CRLF
      "  \r\n\t" CRLF);

  assert_file (outcome, "\xff\xd8\xff\xe0 JPEG BYTES \r\n with CRLF \r\n-- inside");
  g_assert_cmpstr (outcome->fields, ==, "name=Holidays 2019\nfolder_id=fo_abc\n");
  g_assert_cmpstr (outcome->filename, ==, "a.jpg");
  g_assert_cmpstr (outcome->file_type, ==, "image/jpeg");
  /* Each field is announced as it ends, before any file byte. */
  g_assert_cmpstr (outcome->announced, ==,
                   "name=Holidays 2019 before 0\nfolder_id=fo_abc before 0\n");
}

/* A field after the file part is announced as such, once the file ended. */
static void
test_field_after_file (void)
{
  g_autoptr (Outcome) outcome = parse (CT,
      B CRLF
      FILE_HEADERS
      "\xff\xd8 bytes" CRLF
      B CRLF
      "Content-Disposition: form-data; name=\"folder_id\"" CRLF CRLF
      "fo_late" CRLF
      B "--" CRLF);

  assert_file (outcome, "\xff\xd8 bytes");
  g_assert_cmpstr (outcome->fields, ==, "folder_id=fo_late\n");
  g_assert_cmpstr (outcome->announced, ==, "folder_id=fo_late after 8\n");
}

/* What curl -F sends: no preamble, the body starts with the delimiter. */
static void
test_file_only (void)
{
  g_autoptr (Outcome) outcome = parse (
      "multipart/form-data; boundary=------------------------d74496d66958873e",
      "--------------------------d74496d66958873e" CRLF
      "Content-Disposition: form-data; name=\"file\"; filename=\"x.png\"" CRLF
      "Content-Type: image/png" CRLF CRLF
      "PNGDATA" CRLF
      "--------------------------d74496d66958873e--" CRLF);

  assert_file (outcome, "PNGDATA");
  g_assert_cmpstr (outcome->fields, ==, "");
  g_assert_cmpstr (outcome->file_type, ==, "image/png");
}

static void
test_empty_file_and_no_headers_type (void)
{
  g_autoptr (Outcome) outcome = parse (CT,
      B CRLF
      "Content-Disposition: form-data; name=\"file\"" CRLF CRLF
      CRLF
      B "--");

  assert_file (outcome, "");
  g_assert_null (outcome->filename);
  g_assert_null (outcome->file_type);
}

/* Every near-delimiter inside the data is data. */
static void
test_partial_boundary_in_data (void)
{
  static const char *const tricky[] = {
    "\r\n--XyY",          /* one byte off at the end */
    "\r\n--Xy",           /* a prefix, then more data */
    "--XyZ",              /* the boundary without the CRLF before it */
    "\r\r\n--XyQ",        /* an extra CR first */
    "\n--XyZ",            /* LF only */
    "\r\n-XyZ",
    "\r\n",               /* data that ends in CRLF */
    "\r",                 /* data that ends in CR */
    "\r\n--",
    "\r\r\r",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (tricky); i++)
    {
      g_autofree char *data = g_strconcat ("start", tricky[i], NULL);
      g_autofree char *data_end = g_strdup (tricky[i]);
      g_autofree char *body = g_strconcat (B CRLF FILE_HEADERS, data, CRLF B "--", NULL);
      g_autofree char *body_end = g_strconcat (B CRLF FILE_HEADERS, data_end, CRLF B "--", NULL);
      g_autoptr (Outcome) outcome = parse (CT, body);
      g_autoptr (Outcome) outcome_end = parse (CT, body_end);

      assert_file (outcome, data);
      assert_file (outcome_end, data_end);
    }
}

/* A file as big as many pieces, holding many false starts. */
static void
test_large_file (void)
{
  g_autoptr (GString) data = g_string_new (NULL);
  g_autofree char *body = NULL;
  g_autoptr (Outcome) outcome = NULL;

  for (guint i = 0; i < 2000; i++)
    g_string_append_printf (data, "%u\r\n--Xy\r\n-\r%c", i, (char) (i % 256));
  body = g_strconcat (B CRLF FILE_HEADERS, data->str, CRLF B "--" CRLF, NULL);
  outcome = parse_with_limit (CT, body, strlen (body), 0);
  assert_file (outcome, data->str);
}

static void
test_binary_file (void)
{
  guint8 data[1024];
  g_autoptr (GByteArray) body = g_byte_array_new ();
  g_autoptr (Outcome) outcome = NULL;
  static const char head[] = B CRLF FILE_HEADERS;
  static const char tail[] = CRLF B "--";

  for (gsize i = 0; i < sizeof data; i++)
    data[i] = (guint8) (i * 7 + i / 256);
  g_byte_array_append (body, (const guint8 *) head, sizeof head - 1);
  g_byte_array_append (body, data, sizeof data);
  g_byte_array_append (body, (const guint8 *) tail, sizeof tail - 1);
  outcome = parse_with_limit (CT, (const char *) body->data, body->len, 0);
  g_assert_true (outcome->ok);
  g_assert_cmpmem (outcome->file->data, outcome->file->len, data, sizeof data);
}

/* --- Malformed bodies ------------------------------------------------------- */

static void
test_missing_closing_boundary (void)
{
  static const char *const bodies[] = {
    B CRLF FILE_HEADERS "data",
    B CRLF FILE_HEADERS "data" CRLF,
    B CRLF FILE_HEADERS "data" CRLF "--Xy",
    B CRLF FILE_HEADERS "data" CRLF B,
    B CRLF FILE_HEADERS "data" CRLF B "-",
    B CRLF FILE_HEADERS "data" CRLF B CRLF,
    B CRLF "Content-Disposition: form-data; name=\"file\"" CRLF,
    "",
    "no boundary at all",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr (Outcome) outcome = parse (CT, bodies[i]);
      assert_bad_request (outcome, "closing boundary");
    }
}

static void
test_two_file_parts (void)
{
  g_autoptr (Outcome) outcome = parse (CT,
      B CRLF FILE_HEADERS "one" CRLF
      B CRLF FILE_HEADERS "two" CRLF
      B "--");

  assert_bad_request (outcome, "more than one file part");
}

static void
test_no_file_part (void)
{
  g_autoptr (Outcome) fields_only = parse (CT,
      B CRLF "Content-Disposition: form-data; name=\"name\"" CRLF CRLF "x" CRLF B "--");
  g_autoptr (Outcome) no_parts = parse (CT, B "--" CRLF);
  g_autoptr (Outcome) other_file_name = parse (CT,
      B CRLF "Content-Disposition: form-data; name=\"photo\"; filename=\"a.jpg\"" CRLF CRLF
      "x" CRLF B "--");

  assert_bad_request (fields_only, "no part named \"file\"");
  assert_bad_request (no_parts, "no part named \"file\"");
  assert_bad_request (other_file_name, "no part named \"file\"");
}

static void
test_field_limit (void)
{
  g_autofree char *max = g_strnfill (PHOTOS_MULTIPART_FIELD_MAX, 'v');
  g_autofree char *over = g_strnfill (PHOTOS_MULTIPART_FIELD_MAX + 1, 'v');
  g_autofree char *body_max = g_strconcat (
      B CRLF "Content-Disposition: form-data; name=\"a\"" CRLF CRLF, max, CRLF,
      B CRLF FILE_HEADERS "f" CRLF B "--", NULL);
  g_autofree char *body_over = g_strconcat (
      B CRLF "Content-Disposition: form-data; name=\"a\"" CRLF CRLF, over, CRLF,
      B CRLF FILE_HEADERS "f" CRLF B "--", NULL);
  g_autofree char *expected = g_strdup_printf ("a=%s\n", max);
  g_autoptr (Outcome) at_max = parse (CT, body_max);
  g_autoptr (Outcome) too_long = parse (CT, body_over);

  assert_file (at_max, "f");
  g_assert_cmpstr (at_max->fields, ==, expected);
  assert_bad_request (too_long, "the field \"a\" is longer than 4096 bytes");
}

static void
test_header_limit (void)
{
  /* One long header line: the block is over the limit. */
  g_autofree char *filler = g_strnfill (PHOTOS_MULTIPART_HEADERS_MAX, 'x');
  g_autofree char *body = g_strconcat (B CRLF "X-Filler: ", filler, CRLF FILE_HEADERS "f" CRLF B "--",
                                       NULL);
  /* Just under the limit is fine. */
  g_autofree char *fits = g_strnfill (PHOTOS_MULTIPART_HEADERS_MAX - 200, 'x');
  g_autofree char *body_fits = g_strconcat (B CRLF "X-Filler: ", fits, CRLF FILE_HEADERS "f" CRLF
                                            B "--", NULL);
  g_autoptr (Outcome) outcome = parse (CT, body);
  g_autoptr (Outcome) outcome_fits = parse (CT, body_fits);

  assert_bad_request (outcome, "headers are longer than 8192 bytes");
  assert_file (outcome_fits, "f");
}

static void
test_too_many_parts (void)
{
  g_autoptr (GString) body = g_string_new (NULL);
  g_autoptr (Outcome) outcome = NULL;

  for (guint i = 0; i < PHOTOS_MULTIPART_MAX_PARTS; i++)
    g_string_append_printf (body, B CRLF "Content-Disposition: form-data; name=\"f%u\"" CRLF CRLF
                            "v" CRLF, i);
  g_string_append (body, B CRLF FILE_HEADERS "f" CRLF B "--");
  outcome = parse (CT, body->str);
  assert_bad_request (outcome, "more than 16 parts");
}

static void
test_bad_part_headers (void)
{
  static const struct
  {
    const char *headers;
    const char *message;
  } cases[] = {
    { "Content-Type: image/jpeg" CRLF CRLF, "no Content-Disposition" },
    { CRLF, "no Content-Disposition" },
    { "Content-Disposition: attachment; name=\"file\"" CRLF CRLF, "not form-data" },
    { "Content-Disposition: form-data" CRLF CRLF, "has no name" },
    { "Content-Disposition: form-data; name=\"\"" CRLF CRLF, "has no name" },
    { "Content-Disposition: form-data; name=\"file" CRLF CRLF, "malformed" },
    { "Content-Disposition: form-data; name=file; name=x" CRLF CRLF, "repeated" },
    { "Content-Disposition: form-data; name" CRLF CRLF, "not name=value" },
    { "Content-Disposition: form-data name=file" CRLF CRLF, "not form-data" },
    { "Content-Disposition: form-data; name=file x=y" CRLF CRLF, "expected ';'" },
    { "Content-Disposition: form-data; name=file" CRLF
      "Content-Disposition: form-data; name=file" CRLF CRLF, "two Content-Disposition" },
    { "Content-Disposition: form-data; name=file" CRLF "Content-Type: a" CRLF
      "Content-Type: b" CRLF CRLF, "two Content-Type" },
    { "Content-Disposition: form-data;" CRLF " name=file" CRLF CRLF, "folded" },
    { "Content-Disposition form-data; name=file" CRLF CRLF, "has no name" },
    { ": x" CRLF CRLF, "has no name" },
    { "Bad Name: x" CRLF CRLF, "header name is malformed" },
    { "Content-Disposition: form-data; name=file" CRLF
      "Content-Transfer-Encoding: base64" CRLF CRLF, "Content-Transfer-Encoding" },
    { "Content-Disposition: form-data; name=\"\xff\"" CRLF CRLF, "not UTF-8" },
    { "Content-Disposition: form-data; name=file; filename=\"\xc3\"" CRLF CRLF, "not UTF-8" },
    { "Content-Disposition: form-data; name=file\x01" CRLF CRLF, "control character" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *body = g_strconcat (B CRLF, cases[i].headers, "f" CRLF B "--", NULL);
      g_autoptr (Outcome) outcome = parse (CT, body);

      assert_bad_request (outcome, cases[i].message);
    }
  /* A part name has at most 256 characters (not bytes). */
  {
    g_autoptr (GString) longest = g_string_new (NULL);
    g_autofree char *body = NULL;
    g_autofree char *too_long = NULL;

    for (guint i = 0; i < 256; i++)
      g_string_append (longest, "\xc3\xb1");
    body = g_strconcat (B CRLF "Content-Disposition: form-data; name=\"", longest->str,
                        "\"" CRLF CRLF "x" CRLF B CRLF
                        "Content-Disposition: form-data; name=file" CRLF CRLF "f" CRLF B "--",
                        NULL);
    too_long = g_strconcat (B CRLF "Content-Disposition: form-data; name=\"", longest->str,
                            "n\"" CRLF CRLF "f" CRLF B "--", NULL);
    {
      g_autoptr (Outcome) fits = parse (CT, body);
      g_autoptr (Outcome) refused = parse (CT, too_long);

      assert_file (fits, "f");
      assert_bad_request (refused, "longer than 256 characters");
    }
  }
}

static void
test_header_parameters (void)
{
  g_autoptr (Outcome) outcome = parse (CT,
      B CRLF
      "CONTENT-DISPOSITION:form-data;NAME=file;  FileName=\"my \\\"best\\\" \\\\ photo;1.jpg\" ;"
      CRLF
      "content-type:   image/heic   " CRLF
      "Content-Transfer-Encoding: binary" CRLF
      "X-Other: ignored" CRLF CRLF
      "f" CRLF
      B CRLF
      "Content-Disposition: form-data; name=\"b\"; filename=\"b.txt\"" CRLF CRLF
      "text field with a filename" CRLF
      B CRLF
      "Content-Disposition: form-data; name=\"c\"" CRLF CRLF
      CRLF
      B "--");

  assert_file (outcome, "f");
  g_assert_cmpstr (outcome->filename, ==, "my \"best\" \\ photo;1.jpg");
  g_assert_cmpstr (outcome->file_type, ==, "image/heic");
  g_assert_cmpstr (outcome->fields, ==, "b=text field with a filename\nc=\n");
}

static void
test_repeated_field (void)
{
  g_autoptr (Outcome) outcome = parse (CT,
      B CRLF "Content-Disposition: form-data; name=a" CRLF CRLF "1" CRLF
      B CRLF "Content-Disposition: form-data; name=a" CRLF CRLF "2" CRLF
      B CRLF FILE_HEADERS "f" CRLF B "--");

  assert_bad_request (outcome, "the field \"a\" is repeated");
}

static void
test_field_not_utf8 (void)
{
  g_autoptr (Outcome) bad = parse (CT,
      B CRLF "Content-Disposition: form-data; name=a" CRLF CRLF "\xc3\x28" CRLF
      B CRLF FILE_HEADERS "f" CRLF B "--");
  g_autoptr (Outcome) nul = parse_with_limit (CT,
      B CRLF "Content-Disposition: form-data; name=a" CRLF CRLF "x\0y" CRLF
      B CRLF FILE_HEADERS "f" CRLF B "--",
      sizeof (B CRLF "Content-Disposition: form-data; name=a" CRLF CRLF "x\0y" CRLF
              B CRLF FILE_HEADERS "f" CRLF B "--") - 1, 0);

  assert_bad_request (bad, "not UTF-8");
  assert_bad_request (nul, "not UTF-8");
}

/* --- Line endings and the text around delimiters --------------------------- */

static void
test_crlf_edges (void)
{
  static const struct
  {
    const char *body;
    const char *message; /* NULL: parses, and the file is "f" */
  } cases[] = {
    /* Transport padding after the boundary, and nothing after the close. */
    { B " \t " CRLF FILE_HEADERS "f" CRLF B "--", NULL },
    /* The body may open with CRLF before the first delimiter. */
    { CRLF B CRLF FILE_HEADERS "f" CRLF B "--" CRLF, NULL },
    /* A preamble that looks like a boundary but is not at a line start. */
    { "x" B CRLF B CRLF FILE_HEADERS "f" CRLF B "--", NULL },
    /* Whitespace epilogue, even many lines. */
    { B CRLF FILE_HEADERS "f" CRLF B "--" CRLF CRLF " \t" CRLF, NULL },
    { B CRLF FILE_HEADERS "f" CRLF B "-- \t" CRLF, NULL },
    /* LF-only line endings. */
    { B "\n" FILE_HEADERS "f" CRLF B "--", "does not end in CRLF" },
    { B CRLF "Content-Disposition: form-data; name=file\n\n" "f" CRLF B "--", "LF without CR" },
    { B CRLF "Content-Disposition: form-data; name=file\r\r\n" CRLF "f" CRLF B "--",
      "CR in part headers" },
    /* Text after the boundary on its line. */
    { B "x" CRLF FILE_HEADERS "f" CRLF B "--", "text after the boundary" },
    { B CRLF FILE_HEADERS "f" CRLF B "-x", "text after the boundary" },
    { B CRLF FILE_HEADERS "f" CRLF B " x" CRLF, "text after the boundary" },
    { B CRLF FILE_HEADERS "f" CRLF B "Q" CRLF, "text after the boundary" },
    { B "\r" FILE_HEADERS, "does not end in CRLF" },
    /* Data after the close delimiter. */
    { B CRLF FILE_HEADERS "f" CRLF B "--" CRLF "epilogue", "follows the closing boundary" },
    { B CRLF FILE_HEADERS "f" CRLF B "--" CRLF B CRLF, "follows the closing boundary" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (Outcome) outcome = parse (CT, cases[i].body);

      if (cases[i].message == NULL)
        assert_file (outcome, "f");
      else
        assert_bad_request (outcome, cases[i].message);
    }
}

/* --- Content-Type ----------------------------------------------------------- */

static void
test_content_types (void)
{
  static const struct
  {
    const char *content_type;
    const char *boundary; /* NULL: refused */
  } cases[] = {
    { "multipart/form-data; boundary=abc", "abc" },
    { "Multipart/Form-Data;BOUNDARY=abc", "abc" },
    { "multipart/form-data; charset=utf-8; Boundary=\"abc\"", "abc" },
    { "multipart/form-data; boundary=\"a b:c/d?=()\"", "a b:c/d?=()" },
    { "multipart/form-data; boundary=\"a\\\"b\"", "a\"b" },
    { "multipart/form-data; boundary=abc;", "abc" },
    { "  multipart/form-data  ;  boundary=abc  ", "abc" },
    { "multipart/form-data; boundary="
      "1234567890123456789012345678901234567890123456789012345678901234567890",
      "1234567890123456789012345678901234567890123456789012345678901234567890" },
    { "multipart/form-data; boundary="
      "12345678901234567890123456789012345678901234567890123456789012345678901", NULL },
    { "multipart/form-data", NULL },
    { "multipart/form-data; boundary=", NULL },
    { "multipart/form-data; boundary=\"\"", NULL },
    { "multipart/form-data; boundary=\"abc ", NULL },
    { "multipart/form-data; boundary=\"ab \"", NULL },
    { "multipart/form-data; boundary=\"a\rb\"", NULL },
    { "multipart/form-data; boundary=\"a\xc3\xa9\"", NULL },
    { "multipart/form-data; boundary=a; boundary=b", NULL },
    { "multipart/form-data; boundary=a b", NULL },
    { "multipart/mixed; boundary=abc", NULL },
    { "multipart/form-datax; boundary=abc", NULL },
    { "application/octet-stream", NULL },
    { "", NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *body = NULL;
      g_autoptr (Outcome) outcome = NULL;

      if (cases[i].boundary == NULL)
        {
          g_autoptr (GError) error = NULL;
          g_autoptr (PhotosMultipart) parser
              = photos_multipart_new (cases[i].content_type, sink_write, NULL, &error);

          g_assert_null (parser);
          g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_BAD_REQUEST);
          continue;
        }
      body = g_strconcat ("--", cases[i].boundary, CRLF FILE_HEADERS "f" CRLF "--",
                          cases[i].boundary, "--", NULL);
      outcome = parse (cases[i].content_type, body);
      assert_file (outcome, "f");
    }

  {
    g_autoptr (GError) error = NULL;
    g_assert_null (photos_multipart_new (NULL, sink_write, NULL, &error));
    g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_BAD_REQUEST);
  }
}

/* --- The file sink ---------------------------------------------------------- */

/* The sink's own error stops parsing and comes back unchanged; later calls
 * repeat it. */
static void
test_sink_error (void)
{
  static const char body[] = B CRLF FILE_HEADERS "0123456789" CRLF B "--";
  g_autoptr (Outcome) outcome = parse_with_limit (CT, body, sizeof body - 1, 5);
  Sink sink = { g_byte_array_new (), 5, 0 };
  g_autoptr (PhotosMultipart) parser = photos_multipart_new (CT, sink_write, &sink, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_false (outcome->ok);
  g_assert_cmpint (outcome->error_code, ==, CARRETE_ERROR_TOO_LARGE);
  g_assert_cmpstr (outcome->error_message, ==, "too big");

  g_assert_false (photos_multipart_feed (parser, (const guint8 *) body, sizeof body - 1, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_assert_false (photos_multipart_feed (parser, (const guint8 *) "x", 1, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_assert_false (photos_multipart_finish (parser, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_TOO_LARGE);
  g_byte_array_unref (sink.file);
}

/* Data reaches the sink in big pieces, not byte by byte, when it arrives
 * whole; and the parser holds back no more than a delimiter's worth. */
static void
test_streams_without_buffering (void)
{
  g_autofree char *data = g_strnfill (100000, 'd');
  g_autofree char *head = g_strconcat (B CRLF FILE_HEADERS, data, NULL);
  Sink sink = { g_byte_array_new (), 0, 0 };
  g_autoptr (PhotosMultipart) parser = photos_multipart_new (CT, sink_write, &sink, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_true (photos_multipart_feed (parser, (const guint8 *) head, strlen (head), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sink.calls, ==, 1);
  g_assert_cmpuint (sink.file->len, ==, 100000);
  /* A delimiter prefix at the end is held back until it is decided. */
  g_assert_true (photos_multipart_feed (parser, (const guint8 *) "\r\n--Xy", 6, &error));
  g_assert_cmpuint (sink.file->len, ==, 100000);
  g_assert_true (photos_multipart_feed (parser, (const guint8 *) "Q", 1, &error));
  g_assert_cmpuint (sink.file->len, ==, 100007);
  g_assert_true (photos_multipart_feed (parser, (const guint8 *) CRLF B "--", 9, &error));
  g_assert_true (photos_multipart_finish (parser, &error));
  g_assert_cmpuint (sink.file->len, ==, 100007);
  g_byte_array_unref (sink.file);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/carrete/photos/multipart/fields-and-file", test_fields_and_file);
  g_test_add_func ("/carrete/photos/multipart/field-after-file", test_field_after_file);
  g_test_add_func ("/carrete/photos/multipart/file-only", test_file_only);
  g_test_add_func ("/carrete/photos/multipart/empty-file", test_empty_file_and_no_headers_type);
  g_test_add_func ("/carrete/photos/multipart/partial-boundary-in-data",
                   test_partial_boundary_in_data);
  g_test_add_func ("/carrete/photos/multipart/large-file", test_large_file);
  g_test_add_func ("/carrete/photos/multipart/binary-file", test_binary_file);
  g_test_add_func ("/carrete/photos/multipart/missing-closing-boundary",
                   test_missing_closing_boundary);
  g_test_add_func ("/carrete/photos/multipart/two-file-parts", test_two_file_parts);
  g_test_add_func ("/carrete/photos/multipart/no-file-part", test_no_file_part);
  g_test_add_func ("/carrete/photos/multipart/field-limit", test_field_limit);
  g_test_add_func ("/carrete/photos/multipart/header-limit", test_header_limit);
  g_test_add_func ("/carrete/photos/multipart/too-many-parts", test_too_many_parts);
  g_test_add_func ("/carrete/photos/multipart/bad-part-headers", test_bad_part_headers);
  g_test_add_func ("/carrete/photos/multipart/header-parameters", test_header_parameters);
  g_test_add_func ("/carrete/photos/multipart/repeated-field", test_repeated_field);
  g_test_add_func ("/carrete/photos/multipart/field-not-utf8", test_field_not_utf8);
  g_test_add_func ("/carrete/photos/multipart/crlf-edges", test_crlf_edges);
  g_test_add_func ("/carrete/photos/multipart/content-types", test_content_types);
  g_test_add_func ("/carrete/photos/multipart/sink-error", test_sink_error);
  g_test_add_func ("/carrete/photos/multipart/streams-without-buffering",
                   test_streams_without_buffering);

  return g_test_run ();
}
