#define G_LOG_DOMAIN "carrete-test-resumable-plan"

/* How a resumable upload is cut into parts, and the check of the part list
 * a client sends to complete it (resumable-plan.c). */

#include "carrete-error.h"
#include "resumable-plan.h"

#define MIB (G_GUINT64_CONSTANT (1024) * 1024)

static void
test_part_size (void)
{
  /* 8 MiB up to 80 000 MiB (10 000 parts of 8 MiB)... */
  g_assert_cmpuint (photos_resumable_part_size (1), ==, 8 * MIB);
  g_assert_cmpuint (photos_resumable_part_size (8 * MIB), ==, 8 * MIB);
  g_assert_cmpuint (photos_resumable_part_size (80000 * MIB), ==, 8 * MIB);
  /* ...then ceil(size / 10000) rounded up to a MiB. */
  g_assert_cmpuint (photos_resumable_part_size (80000 * MIB + 1), ==, 9 * MIB);
  g_assert_cmpuint (photos_resumable_part_size (G_GUINT64_CONSTANT (1) << 40), ==, 105 * MIB);
  for (guint64 size = 1; size < (G_GUINT64_CONSTANT (1) << 42); size = size * 3 + 7)
    {
      guint64 part = photos_resumable_part_size (size);
      guint count = photos_resumable_part_count (size, part);

      g_assert_cmpuint (part % MIB, ==, 0);
      g_assert_cmpuint (count, >=, 1);
      g_assert_cmpuint (count, <=, 10000);
      g_assert_cmpuint ((guint64) (count - 1) * part, <, size);
      g_assert_cmpuint ((guint64) count * part, >=, size);
    }
}

static void
test_part_length (void)
{
  guint64 size = 2 * 8 * MIB + 4321;

  g_assert_cmpuint (photos_resumable_part_count (size, 8 * MIB), ==, 3);
  g_assert_cmpuint (photos_resumable_part_length (size, 8 * MIB, 1), ==, 8 * MIB);
  g_assert_cmpuint (photos_resumable_part_length (size, 8 * MIB, 2), ==, 8 * MIB);
  g_assert_cmpuint (photos_resumable_part_length (size, 8 * MIB, 3), ==, 4321);
  g_assert_cmpuint (photos_resumable_part_length (size, 8 * MIB, 4), ==, 0);
  g_assert_cmpuint (photos_resumable_part_count (16 * MIB, 8 * MIB), ==, 2);
  g_assert_cmpuint (photos_resumable_part_length (16 * MIB, 8 * MIB, 2), ==, 8 * MIB);
}

/* ---- the part list of complete ------------------------------------------------------------- */

#define SIZE (2 * 8 * MIB + 10)

static GPtrArray *
held_parts (guint n, const guint64 *sizes)
{
  GPtrArray *held = g_ptr_array_new_with_free_func ((GDestroyNotify) carrete_upload_part_free);

  for (guint i = 0; i < n; i++)
    {
      CarreteUploadPart *part = g_new0 (CarreteUploadPart, 1);

      part->number = i + 1;
      part->size = sizes[i];
      part->etag = g_strdup_printf ("\"e%u\"", i + 1);
      g_ptr_array_add (held, part);
    }
  return held;
}

static GArray *
listed_parts (const char *spec)
{
  GArray *listed = g_array_new (FALSE, TRUE, sizeof (PhotosListedPart));
  g_auto (GStrv) items = g_strsplit (spec, ",", -1);

  g_array_set_clear_func (listed, (GDestroyNotify) photos_listed_part_clear);
  for (guint i = 0; items[i] != NULL; i++)
    {
      g_auto (GStrv) pair = g_strsplit (items[i], ":", 2);
      PhotosListedPart part = { (guint) g_ascii_strtoull (pair[0], NULL, 10),
                                g_strdup_printf ("\"%s\"", pair[1]) };

      g_array_append_val (listed, part);
    }
  return listed;
}

static void
assert_check (const char *spec, guint n_held, const guint64 *sizes, guint expected_bad,
              const char *expected_words)
{
  g_autoptr (GPtrArray) held = held_parts (n_held, sizes);
  g_autoptr (GArray) listed = listed_parts (spec);
  g_autoptr (GError) error = NULL;
  guint bad = 99;
  gboolean ok = photos_resumable_check_parts (SIZE, 8 * MIB, listed, held, &bad, &error);

  g_test_message ("%s", spec);
  if (expected_words == NULL)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
      g_assert_cmpuint (bad, ==, 0);
      return;
    }
  g_assert_false (ok);
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID);
  g_assert_cmpuint (bad, ==, expected_bad);
  g_assert_nonnull (g_strstr_len (error->message, -1, expected_words));
}

static void
test_check_parts (void)
{
  const guint64 right[] = { 8 * MIB, 8 * MIB, 10 };
  const guint64 short_first[] = { 8 * MIB - 1, 8 * MIB, 11 };
  const guint64 long_last[] = { 8 * MIB, 8 * MIB, 11 };

  assert_check ("1:e1,2:e2,3:e3", 3, right, 0, NULL);
  assert_check ("3:e3,1:e1,2:e2", 3, right, 0, NULL); /* any order */
  assert_check ("1:e1,2:e2", 3, right, 3, "Part 3 is not listed");
  assert_check ("1:e1,2:e2,3:e3", 2, right, 3, "Part 3 has not been received");
  assert_check ("1:e1,2:e1,3:e3", 3, right, 2, "Part 2: the etag");
  assert_check ("1:e1,2:e2,2:e2,3:e3", 3, right, 2, "Part 2 is listed twice");
  assert_check ("1:e1,2:e2,3:e3,4:e4", 3, right, 4, "Part 4 is not a part");
  assert_check ("0:e1,2:e2,3:e3", 3, right, 0, "Part 0 is not a part");
  assert_check ("1:e1,2:e2,3:e3", 3, short_first, 1, "Part 1 has 8388607 bytes");
  assert_check ("1:e1,2:e2,3:e3", 3, long_last, 3, "Part 3 has 11 bytes, not 10");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/carrete/photos/resumable/part-size", test_part_size);
  g_test_add_func ("/carrete/photos/resumable/part-length", test_part_length);
  g_test_add_func ("/carrete/photos/resumable/check-parts", test_check_parts);
  return g_test_run ();
}
