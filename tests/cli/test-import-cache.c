/* The import's cache file (client-gtk/lib/carrete-file-cache.c, shared by
 * carrete import and the desktop's watched folders): lines, the last one of a
 * path winning, a line cut by a kill, the compaction.  Pure logic on a
 * temporary directory. */

#include <string.h>

#include <glib/gstdio.h>

#include "carrete-test.h"
#include "carrete-file-cache.h"

#define SHA_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define SHA_B "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

static void
test_line_roundtrip (void)
{
  const char *paths[] = { "/a/b.png", "/tab\there/new\nline.png", "/caf\xc3\xa9.png",
                          "/cafe\xcc\x81.png", "/back\\slash" };
  CarreteFileCacheEntry entry = { 12345, G_GINT64_CONSTANT (1700000000123456789), SHA_A, TRUE };

  for (gsize i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *line = carrete_file_cache_format_line (paths[i], &entry);
      g_autofree char *path = NULL;
      CarreteFileCacheEntry back;

      g_assert_cmpint (strchr (line, '\n') - line, ==, (int) strlen (line) - 1);
      line[strlen (line) - 1] = '\0';
      g_assert_true (carrete_file_cache_parse_line (line, &path, &back));
      g_assert_cmpstr (path, ==, paths[i]);
      g_assert_cmpuint (back.size, ==, entry.size);
      g_assert_cmpint (back.mtime_ns, ==, entry.mtime_ns);
      g_assert_cmpstr (back.sha256, ==, SHA_A);
      g_assert_true (back.uploaded);
    }
}

static void
test_line_malformed (void)
{
  const char *lines[] = {
    "",
    "X\t1\t2\t" SHA_A "\t/p",
    "U\t1\t2\t" SHA_A,
    "U\tx\t2\t" SHA_A "\t/p",
    "U\t1\t2y\t" SHA_A "\t/p",
    "U\t1\t2\tABCDEF\t/p",
    "U\t1\t2\t" SHA_A "\t",
    "U\t1\t2\t0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef\t/p",
    "U\t1\t2\t" SHA_A, /* a line cut short */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_autofree char *path = NULL;
      CarreteFileCacheEntry entry;

      g_assert_false (carrete_file_cache_parse_line (lines[i], &path, &entry));
      g_assert_null (path);
    }
}

static void
test_cache_file (void)
{
  g_autofree char *dir = ct_make_tmpdir ("carrete-import-cache-XXXXXX");
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) listing = NULL;
  g_autofree char *file = NULL, *data = NULL, *cut = NULL;
  g_auto (GStrv) lines = NULL;
  CarreteFileCache *cache = carrete_file_cache_open (dir, "server\naccount\nfolder", &error);
  const CarreteFileCacheEntry *entry;

  g_assert_no_error (error);
  g_assert_true (carrete_file_cache_put (cache, "/p/a.png", 10, 100, SHA_A, FALSE, &error));
  g_assert_true (carrete_file_cache_put (cache, "/p/a.png", 10, 100, SHA_A, TRUE, &error));
  g_assert_true (carrete_file_cache_put (cache, "/p/b.png", 20, 200, SHA_B, FALSE, &error));
  carrete_file_cache_free (cache); /* as a kill would: no compaction */

  /* A line cut by the kill is ignored. */
  listing = g_dir_open (dir, 0, NULL);
  file = g_build_filename (dir, g_dir_read_name (listing), NULL);
  g_assert_true (g_file_get_contents (file, &data, NULL, NULL));
  cut = g_strconcat (data, "U\t30\t300\t0123", NULL);
  g_assert_true (g_file_set_contents (file, cut, -1, NULL));

  cache = carrete_file_cache_open (dir, "server\naccount\nfolder", &error);
  g_assert_no_error (error);
  entry = carrete_file_cache_lookup (cache, "/p/a.png", 10, 100);
  g_assert_nonnull (entry);
  g_assert_true (entry->uploaded); /* the last line of a path wins */
  g_assert_null (carrete_file_cache_lookup (cache, "/p/a.png", 11, 100)); /* another size */
  g_assert_null (carrete_file_cache_lookup (cache, "/p/a.png", 10, 101)); /* another mtime */
  g_assert_false (carrete_file_cache_lookup (cache, "/p/b.png", 20, 200)->uploaded);
  g_assert_true (carrete_file_cache_close (cache, &error));
  g_assert_no_error (error);
  carrete_file_cache_free (cache);

  /* Compacted: one line per path, the cut line gone. */
  g_clear_pointer (&data, g_free);
  g_assert_true (g_file_get_contents (file, &data, NULL, NULL));
  lines = g_strsplit (data, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3); /* two lines and the empty rest */
  g_assert_null (strstr (data, "0123\n"));

  /* Another destination, another file. */
  cache = carrete_file_cache_open (dir, "server\naccount\nother", &error);
  g_assert_no_error (error);
  g_assert_null (carrete_file_cache_lookup (cache, "/p/a.png", 10, 100));
  carrete_file_cache_free (cache);
  ct_remove_tree (dir);
}

/* The desktop's watched folders: a file sent, then changed (other size and
 * mtime), is to send again; what was known of its old version no longer
 * matches it. */
static void
test_changed_file (void)
{
  g_autofree char *dir = ct_make_tmpdir ("carrete-import-cache-XXXXXX");
  g_autoptr (GError) error = NULL;
  CarreteFileCache *cache = carrete_file_cache_open (dir, "watched", &error);

  g_assert_no_error (error);
  g_assert_true (carrete_file_cache_put (cache, "/w/a.png", 10, 100, SHA_A, TRUE, &error));
  g_assert_true (carrete_file_cache_lookup (cache, "/w/a.png", 10, 100)->uploaded);
  g_assert_null (carrete_file_cache_lookup (cache, "/w/a.png", 12, 150));
  g_assert_true (carrete_file_cache_put (cache, "/w/a.png", 12, 150, SHA_B, FALSE, &error));
  g_assert_true (carrete_file_cache_close (cache, &error));
  carrete_file_cache_free (cache);

  /* After a restart: the new version is pending, the old one unknown. */
  cache = carrete_file_cache_open (dir, "watched", &error);
  g_assert_no_error (error);
  g_assert_false (carrete_file_cache_lookup (cache, "/w/a.png", 12, 150)->uploaded);
  g_assert_cmpstr (carrete_file_cache_lookup (cache, "/w/a.png", 12, 150)->sha256, ==, SHA_B);
  g_assert_null (carrete_file_cache_lookup (cache, "/w/a.png", 10, 100));
  carrete_file_cache_free (cache);
  ct_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/carrete/cli/cache/line-roundtrip", test_line_roundtrip);
  g_test_add_func ("/carrete/cli/cache/line-malformed", test_line_malformed);
  g_test_add_func ("/carrete/cli/cache/file", test_cache_file);
  g_test_add_func ("/carrete/cli/cache/changed-file", test_changed_file);
  return g_test_run ();
}
