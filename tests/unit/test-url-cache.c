#define G_LOG_DOMAIN "carrete-test-url-cache"

#include <glib/gstdio.h>
#include <string.h>

#include "url-cache.h"

typedef struct
{
  char *dir;
  CarreteStorage *storage;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  guint8 key[32] = { 7 };

  f->dir = g_dir_make_tmp ("carrete-url-cache-XXXXXX", NULL);
  f->storage = carrete_storage_new (&(CarreteStorageOptions) {
      .kind = CARRETE_STORAGE_FS,
      .dir = f->dir,
      .public_url = "http://photos.example",
      .url_key = key,
  }, NULL);
  g_assert_nonnull (f->storage);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  carrete_storage_free (f->storage);
  g_rmdir (f->dir);
  g_free (f->dir);
}

/* Within one window the same object gets the same URL, signed at the
 * window's start; the next window signs anew. */
static void
test_stable_within_window (Fixture *f, gconstpointer data)
{
  g_autoptr (PhotosUrlCache) cache = photos_url_cache_new (f->storage, 900, 100);
  gint64 start = 1800000000 - 1800000000 % 225;
  g_autofree char *a = photos_url_cache_get (cache, "p/x/256.jpg", "image/jpeg", start + 10);
  g_autofree char *b = photos_url_cache_get (cache, "p/x/256.jpg", "image/jpeg", start + 200);
  g_autofree char *other = photos_url_cache_get (cache, "p/y/256.jpg", "image/jpeg", start + 200);
  g_autofree char *next = photos_url_cache_get (cache, "p/x/256.jpg", "image/jpeg", start + 225);
  g_autofree char *expected = g_strdup_printf ("expires=%" G_GINT64_FORMAT, start + 900);
  g_autofree char *expected_next = g_strdup_printf ("expires=%" G_GINT64_FORMAT, start + 225 + 900);

  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (a, !=, other);
  g_assert_cmpstr (a, !=, next);
  g_assert_nonnull (strstr (a, expected));
  g_assert_nonnull (strstr (next, expected_next));
}

/* The content type is part of what is signed, so part of the key. */
static void
test_type_is_part_of_the_key (Fixture *f, gconstpointer data)
{
  g_autoptr (PhotosUrlCache) cache = photos_url_cache_new (f->storage, 900, 100);
  g_autofree char *jpeg = photos_url_cache_get (cache, "p/x/original", "image/jpeg", 1800000000);
  g_autofree char *png = photos_url_cache_get (cache, "p/x/original", "image/png", 1800000000);

  g_assert_cmpstr (jpeg, !=, png);
}

/* Full: it starts afresh rather than grow, and still answers. */
static void
test_bounded (Fixture *f, gconstpointer data)
{
  g_autoptr (PhotosUrlCache) cache = photos_url_cache_new (f->storage, 900, 3);

  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *key = g_strdup_printf ("p/%u/256.jpg", i);
      g_autofree char *url = photos_url_cache_get (cache, key, "image/jpeg", 1800000000);
      g_assert_nonnull (url);
    }
}

/* A short lifetime gets a short window: a URL is never handed out after
 * more than a quarter of its life is gone. */
static void
test_short_ttl (Fixture *f, gconstpointer data)
{
  g_autoptr (PhotosUrlCache) cache = photos_url_cache_new (f->storage, 1, 100);
  g_autofree char *a = photos_url_cache_get (cache, "p/x/256.jpg", "image/jpeg", 1800000000);
  g_autofree char *b = photos_url_cache_get (cache, "p/x/256.jpg", "image/jpeg", 1800000001);

  g_assert_cmpstr (a, !=, b);
  g_assert_nonnull (strstr (a, "expires=1800000001"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/photos/url-cache/stable-within-window", Fixture, NULL, fixture_setup,
              test_stable_within_window, fixture_teardown);
  g_test_add ("/photos/url-cache/type-is-part-of-the-key", Fixture, NULL, fixture_setup,
              test_type_is_part_of_the_key, fixture_teardown);
  g_test_add ("/photos/url-cache/bounded", Fixture, NULL, fixture_setup, test_bounded,
              fixture_teardown);
  g_test_add ("/photos/url-cache/short-ttl", Fixture, NULL, fixture_setup, test_short_ttl,
              fixture_teardown);
  return g_test_run ();
}
