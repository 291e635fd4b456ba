#define G_LOG_DOMAIN "carrete-test-storage-keys"

#include <string.h>

#include "carrete-error.h"
#include "carrete-storage-private.h"
#include "carrete-storage.h"

/* Object keys decide file names in the fs backend: nothing may lead outside
 * the store, and nothing may collide with its temporary files or its .meta
 * tree. */
static void
test_valid_keys (void)
{
  static const char *const good[] = {
    "a", "photos/us_3kd9/ph_91x/original.jpg", "a.b", "a-b_c", "A/B/C", "x..y", "a/b.",
  };
  g_autofree char *longest = g_strnfill (512, 'k');

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    g_assert_true (carrete_storage_key_is_valid (good[i]));
  g_assert_true (carrete_storage_key_is_valid (longest));
}

static void
test_invalid_keys (void)
{
  static const char *const bad[] = {
    "",       "/a",     "a/",        "a//b",       ".",       "..",      "../a",
    "a/..",   "a/../b", "a/./b",     ".a",         "a/.meta", ".meta/x", "a/.tmp-123456",
    "a\\b",   "..\\a",  "a b",       "a\nb",       "a\tb",    "a\x01",   "caf\xc3\xa9",
    "%2e%2e", "a?b",    "a#b",       "a:b",        "~/a",     "a*",
  };
  g_autofree char *too_long = g_strnfill (513, 'k');
  /* A NUL ends a C string: "a\0/../../etc" is the key "a", which is fine,
   * and nothing past the NUL is ever looked at. */
  const char with_nul[] = "a\0/../../etc";

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("key %u", i);
      g_assert_false (carrete_storage_key_is_valid (bad[i]));
    }
  g_assert_false (carrete_storage_key_is_valid (NULL));
  g_assert_false (carrete_storage_key_is_valid (too_long));
  g_assert_true (carrete_storage_key_is_valid (with_nul));
  g_assert_cmpuint (strlen (with_nul), ==, 1);
}

static void
test_prefixes (void)
{
  static const char *const good[] = { "", "a", "a/", "a/b", "photos/us_1/", "a/.", "many/00" };
  static const char *const bad[] = { "/", "/a", "../", "a/../", "./", "a//", ".meta/", "a b",
                                     "a\\" };

  g_assert_true (carrete_storage_prefix_is_valid (NULL));
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    g_assert_true (carrete_storage_prefix_is_valid (good[i]));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (carrete_storage_prefix_is_valid (bad[i]));
}

static void
test_content_types (void)
{
  g_autofree char *too_long = g_strnfill (256, 'a');
  g_autofree char *longest = g_strnfill (255, 'a');

  g_assert_true (carrete_storage_content_type_is_valid ("image/jpeg"));
  g_assert_true (carrete_storage_content_type_is_valid ("text/plain; charset=utf-8"));
  g_assert_true (carrete_storage_content_type_is_valid (longest));
  g_assert_false (carrete_storage_content_type_is_valid (NULL));
  g_assert_false (carrete_storage_content_type_is_valid (""));
  g_assert_false (carrete_storage_content_type_is_valid ("image/jpeg\r\nX-Evil: 1"));
  g_assert_false (carrete_storage_content_type_is_valid ("image/jp\xc3\xa9g"));
  g_assert_false (carrete_storage_content_type_is_valid (too_long));
}

/* The dispatcher refuses bad input before any backend sees it: no file is
 * touched (the store directory does not even exist). */
static void
test_dispatcher_refuses (void)
{
  static const guint8 url_key[32] = { 0 };
  const CarreteStorageOptions options = {
    .kind = CARRETE_STORAGE_FS,
    .dir = "/nonexistent/carrete-store",
    .public_url = "http://127.0.0.1:8082",
    .url_key = url_key,
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteStorage) storage = carrete_storage_new (&options, &error);
  CarreteObjectInfo info = { 0 };
  char *url;

  g_assert_no_error (error);
  g_assert_false (carrete_storage_put_file (storage, "../x", "/etc/hostname", NULL, NULL, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (carrete_storage_put_file (storage, "ok", "/etc/hostname", "bad\ntype", NULL,
                                            &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (carrete_storage_stat (storage, "/etc/passwd", &info, &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (carrete_storage_delete (storage, "a//b", &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (carrete_storage_list (storage, "../", &error));
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID);
  g_clear_error (&error);

  url = carrete_storage_presign_get (storage, "ok", 1700000000, 0, NULL, &error);
  g_assert_null (url);
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID);
  g_clear_error (&error);
  url = carrete_storage_presign_get (storage, "ok", 1700000000, 604801, NULL, &error);
  g_assert_null (url);
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID);
  g_clear_error (&error);
  /* A PUT URL must bind a content type. */
  url = carrete_storage_presign_put (storage, "ok", 1700000000, 60, NULL, &error);
  g_assert_null (url);
  g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/carrete/storage/keys/valid", test_valid_keys);
  g_test_add_func ("/carrete/storage/keys/invalid", test_invalid_keys);
  g_test_add_func ("/carrete/storage/keys/prefixes", test_prefixes);
  g_test_add_func ("/carrete/storage/keys/content-types", test_content_types);
  g_test_add_func ("/carrete/storage/keys/dispatcher-refuses", test_dispatcher_refuses);
  return g_test_run ();
}
