#define G_LOG_DOMAIN "carrete-test-sha256"

#include <string.h>

#include "carrete-sha256.h"

static char *
digest_in_pieces (const char *text, gsize piece)
{
  g_autoptr (CarreteSha256) sha = carrete_sha256_new ();
  char hex[CARRETE_SHA256_HEX_LEN + 1];
  gsize len = strlen (text);

  for (gsize at = 0; at < len; at += piece)
    carrete_sha256_update (sha, text + at, MIN (piece, len - at));
  carrete_sha256_finish_hex (sha, hex);
  return g_strdup (hex);
}

/* FIPS 180-2 examples, and agreement with GLib's own implementation. */
static void
test_vectors (void)
{
  g_autofree char *empty = digest_in_pieces ("", 1);
  g_autofree char *abc = digest_in_pieces ("abc", 1);
  g_autofree char *long_text = g_strnfill (100000, 'q');
  g_autofree char *ours = digest_in_pieces (long_text, 4093);
  g_autofree char *glib = g_compute_checksum_for_string (G_CHECKSUM_SHA256, long_text, -1);

  g_assert_cmpstr (empty, ==, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  g_assert_cmpstr (abc, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  g_assert_cmpstr (ours, ==, glib);
}

/* The one-shot form agrees with the incremental one and with GLib. */
static void
test_one_shot (void)
{
  g_autofree char *long_text = g_strnfill (100000, 'q');
  g_autofree char *glib = g_compute_checksum_for_string (G_CHECKSUM_SHA256, long_text, -1);
  char empty[CARRETE_SHA256_HEX_LEN + 1];
  char abc[CARRETE_SHA256_HEX_LEN + 1];
  char ours[CARRETE_SHA256_HEX_LEN + 1];

  carrete_sha256_hex ("", 0, empty);
  carrete_sha256_hex ("abc", 3, abc);
  carrete_sha256_hex (long_text, strlen (long_text), ours);
  g_assert_cmpstr (empty, ==, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  g_assert_cmpstr (abc, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  g_assert_cmpstr (ours, ==, glib);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/carrete/sha256/vectors", test_vectors);
  g_test_add_func ("/carrete/sha256/one-shot", test_one_shot);
  return g_test_run ();
}
