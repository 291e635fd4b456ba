/* Pure logic of the app: the in-memory thumbnail LRU, tag splitting,
 * sorting dropped files into uploads and refusals (on a temp directory),
 * the watched folders' line in the sidebar and the autostart entry. */
#include <string.h>

#include <glib/gstdio.h>

#include "carrete-dates.h"
#include "carrete-file-collector.h"
#include "carrete-tags.h"
#include "carrete-texture-cache.h"
#include "carrete-background.h"
#include "carrete-watch-status.h"

static const guint8 png_header[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
                                     0, 0, 0, 13, 'I', 'H', 'D', 'R' };

static void
test_lru_bound (void)
{
  g_autoptr(CarreteTextureCache) cache = carrete_texture_cache_new (300);
  g_autoptr(GObject) a = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GObject) b = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GObject) c = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GObject) hit = NULL;

  carrete_texture_cache_insert (cache, "a", a, 100);
  carrete_texture_cache_insert (cache, "b", b, 100);
  carrete_texture_cache_insert (cache, "c", c, 100);
  g_assert_cmpuint (carrete_texture_cache_get_size (cache), ==, 300);

  /* "a" is used, so "b" is the least recent and goes first. */
  hit = carrete_texture_cache_lookup (cache, "a");
  g_assert_true (hit == a);
  carrete_texture_cache_insert (cache, "d", c, 100);
  g_assert_cmpuint (carrete_texture_cache_get_count (cache), ==, 3);
  g_assert_cmpuint (carrete_texture_cache_get_size (cache), ==, 300);
  g_assert_null (carrete_texture_cache_lookup (cache, "b"));
  g_clear_object (&hit);
  hit = carrete_texture_cache_lookup (cache, "a");
  g_assert_nonnull (hit);
}

static void
test_lru_replace_and_oversize (void)
{
  g_autoptr(CarreteTextureCache) cache = carrete_texture_cache_new (100);
  GObject *a = g_object_new (G_TYPE_OBJECT, NULL);
  GObject *b = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GObject) hit = NULL;

  carrete_texture_cache_insert (cache, "k", a, 40);
  carrete_texture_cache_insert (cache, "k", b, 60); /* replaces */
  g_assert_cmpuint (carrete_texture_cache_get_count (cache), ==, 1);
  g_assert_cmpuint (carrete_texture_cache_get_size (cache), ==, 60);
  g_assert_finalize_object (a);

  /* One entry over the bound alone is kept (it is on screen). */
  carrete_texture_cache_insert (cache, "big", b, 500);
  g_assert_cmpuint (carrete_texture_cache_get_count (cache), ==, 1);
  hit = carrete_texture_cache_lookup (cache, "big");
  g_assert_true (hit == b);
  g_clear_object (&hit);

  carrete_texture_cache_clear (cache);
  g_assert_cmpuint (carrete_texture_cache_get_size (cache), ==, 0);
  g_assert_finalize_object (b);
}

static void
test_split_tags (void)
{
  g_auto(GStrv) tags = carrete_split_tags (" Beach, summer ,, , trip 2026 ");
  g_auto(GStrv) none = carrete_split_tags ("  ,  ");
  g_auto(GStrv) null = carrete_split_tags (NULL);

  g_assert_cmpstrv (tags, ((const char *[]) { "Beach", "summer", "trip 2026", NULL }));
  g_assert_cmpuint (g_strv_length (none), ==, 0);
  g_assert_cmpuint (g_strv_length (null), ==, 0);
}

static void
test_parse_day (void)
{
  static const struct
  {
    const char *text;
    gboolean ok;
    const char *from; /* start of the day */
    const char *to;   /* end of the day */
  } cases[] = {
    { "2026-11-28", TRUE, "2026-11-28T00:00:00Z", "2026-11-28T23:59:59Z" },
    { "  2024-02-29 ", TRUE, "2024-02-29T00:00:00Z", "2024-02-29T23:59:59Z" },
    { "", TRUE, NULL, NULL },
    { "   ", TRUE, NULL, NULL },
    { "2026-02-30", FALSE, NULL, NULL },
    { "2026-13-01", FALSE, NULL, NULL },
    { "2026-1", FALSE, NULL, NULL },
    { "2026-11-28x", FALSE, NULL, NULL },
    { "28/11/2026", FALSE, NULL, NULL },
    { "tomorrow", FALSE, NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *from = NULL;
      g_autofree char *to = NULL;

      g_test_message ("%s", cases[i].text);
      g_assert_cmpint (carrete_parse_day (cases[i].text, FALSE, &from), ==, cases[i].ok);
      g_assert_cmpint (carrete_parse_day (cases[i].text, TRUE, &to), ==, cases[i].ok);
      g_assert_cmpstr (from, ==, cases[i].from);
      g_assert_cmpstr (to, ==, cases[i].to);
    }
}

static void
write_in (const char *dir, const char *name, const void *data, gsize size)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, size, &error);
  g_assert_no_error (error);
}

static const char *
reason_of (CarreteCollectedFiles *collected, const char *basename)
{
  for (guint i = 0; i < collected->rejected->len; i++)
    {
      CarreteRejectedFile *rejected = collected->rejected->pdata[i];
      g_autofree char *name = g_file_get_basename (rejected->file);
      if (g_strcmp0 (name, basename) == 0)
        return rejected->reason;
    }
  return NULL;
}

static gboolean
accepted (CarreteCollectedFiles *collected, const char *basename)
{
  for (guint i = 0; i < collected->accepted->len; i++)
    {
      g_autofree char *name = g_file_get_basename (collected->accepted->pdata[i]);
      if (g_strcmp0 (name, basename) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
test_collect (void)
{
  g_autofree char *dir = g_dir_make_tmp ("carrete-collect-XXXXXX", NULL);
  g_autofree char *sub = g_build_filename (dir, "trip", NULL);
  g_autofree char *deeper = g_build_filename (sub, "day1", NULL);
  g_autofree char *dangling = g_build_filename (dir, "gone.png", NULL);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(CarreteCollectedFiles) collected = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hidden_alone = g_build_filename (dir, ".secret.png", NULL);

  g_assert_nonnull (dir);
  g_assert_cmpint (g_mkdir_with_parents (deeper, 0700), ==, 0);
  write_in (dir, "a.png", png_header, sizeof png_header);
  write_in (dir, "notes.txt", "hello, world\n", 13);
  write_in (dir, "empty.png", "", 0);
  write_in (dir, ".secret.png", png_header, sizeof png_header);
  write_in (sub, "b.png", png_header, sizeof png_header);
  write_in (sub, ".DS_Store", "junk", 4);
  write_in (deeper, "c.png", png_header, sizeof png_header);
  g_assert_cmpint (symlink ("/nonexistent/carrete", dangling), ==, 0);
  {
    /* A link back up the tree: walked once, no loop, nothing twice. */
    g_autofree char *back = g_build_filename (deeper, "back", NULL);
    g_assert_cmpint (symlink ("..", back), ==, 0);
  }

  g_ptr_array_add (files, g_file_new_build_filename (dir, "a.png", NULL));
  g_ptr_array_add (files, g_file_new_build_filename (dir, "notes.txt", NULL));
  g_ptr_array_add (files, g_file_new_build_filename (dir, "empty.png", NULL));
  g_ptr_array_add (files, g_file_new_for_path (dangling));
  g_ptr_array_add (files, g_file_new_for_path (sub));
  g_ptr_array_add (files, g_file_new_for_path (hidden_alone));

  collected = carrete_collect_files (files, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (accepted (collected, "a.png"));
  g_assert_true (accepted (collected, "b.png"));     /* from the folder */
  g_assert_true (accepted (collected, "c.png"));     /* from its subfolder */
  g_assert_true (accepted (collected, ".secret.png")); /* dropped by itself */
  g_assert_cmpuint (collected->accepted->len, ==, 4);   /* not .DS_Store */
  g_assert_cmpstr (reason_of (collected, "notes.txt"), ==, "Not an image");
  g_assert_cmpstr (reason_of (collected, "empty.png"), ==, "The file is empty");
  g_assert_cmpstr (reason_of (collected, "gone.png"), ==, "The file cannot be read");
  g_assert_cmpuint (collected->rejected->len, ==, 3);

  {
    g_autofree char *argv0 = g_strdup_printf ("rm -rf '%s'", dir);
    g_assert_true (g_spawn_command_line_sync (argv0, NULL, NULL, NULL, NULL));
  }
}

static void
test_collect_cancelled (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  CarreteCollectedFiles *collected;

  g_ptr_array_add (files, g_file_new_for_path ("/"));
  g_cancellable_cancel (cancellable);
  collected = carrete_collect_files (files, cancellable, &error);
  g_assert_null (collected);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
check_status (guint folders, guint pending, guint sent, gboolean paused, gboolean offline,
              const char *expected)
{
  g_autofree char *text = carrete_watch_status_text (folders, pending, sent, paused, offline);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_watch_status (void)
{
  check_status (0, 0, 0, FALSE, FALSE, NULL); /* nothing watched: no line */
  check_status (0, 0, 0, TRUE, TRUE, NULL);
  check_status (1, 0, 0, FALSE, FALSE, "Watching 1 folder");
  check_status (2, 0, 7, FALSE, FALSE, "Watching 2 folders");
  check_status (2, 5, 0, FALSE, FALSE, "Uploading 1 of 5");
  check_status (2, 3, 2, FALSE, FALSE, "Uploading 3 of 5");
  check_status (2, 3, 2, FALSE, TRUE, "Offline (3 waiting)");
  check_status (2, 3, 2, TRUE, TRUE, "Paused (3 waiting)"); /* paused says more than offline */
  check_status (2, 0, 0, TRUE, FALSE, "Paused");
}

/* Outside a sandbox, start at login is an XDG autostart entry that runs
 * the app with --background; off removes it (twice is no error). */
static void
test_autostart_entry (void)
{
  g_autofree char *file = carrete_background_autostart_file ();
  g_autofree char *data = NULL;

  g_assert_true (g_str_has_prefix (file, g_get_user_config_dir ()));
  g_assert_false (carrete_background_get_autostart ());
  carrete_background_set_autostart (NULL, TRUE);
  g_assert_true (carrete_background_get_autostart ());
  g_assert_true (g_file_get_contents (file, &data, NULL, NULL));
  g_assert_nonnull (strstr (data, "\nExec=carrete-desktop --background\n"));
  g_assert_nonnull (strstr (data, "[Desktop Entry]\n"));
  carrete_background_set_autostart (NULL, FALSE);
  g_assert_false (carrete_background_get_autostart ());
  carrete_background_set_autostart (NULL, FALSE);
  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
}

int
main (int argc, char *argv[])
{
  g_autofree char *config = g_dir_make_tmp ("carrete-app-units-XXXXXX", NULL);
  int status;

  /* The filter's days are local days: pin the zone. */
  g_setenv ("TZ", "UTC", TRUE);
  /* The autostart entry goes to a config dir of the test's own; English. */
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/carrete/desktop/parse-day", test_parse_day);
  g_test_add_func ("/carrete/desktop/texture-cache/bound", test_lru_bound);
  g_test_add_func ("/carrete/desktop/texture-cache/replace-oversize", test_lru_replace_and_oversize);
  g_test_add_func ("/carrete/desktop/split-tags", test_split_tags);
  g_test_add_func ("/carrete/desktop/collect/sorts", test_collect);
  g_test_add_func ("/carrete/desktop/collect/cancelled", test_collect_cancelled);
  g_test_add_func ("/carrete/desktop/watch-status", test_watch_status);
  g_test_add_func ("/carrete/desktop/autostart-entry", test_autostart_entry);
  status = g_test_run ();
  {
    g_autofree char *autostart = g_build_filename (config, "autostart", NULL);

    g_rmdir (autostart);
    g_rmdir (config);
  }
  return status;
}
