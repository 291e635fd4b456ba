#define G_LOG_DOMAIN "carrete-test-sniff"

#include <string.h>

#include "sniff.h"

#define SNIFF(literal) photos_sniff ((const guint8 *) (literal), sizeof (literal) - 1)

/* Real file openings, padded to PHOTOS_SNIFF_BYTES where they are longer. */
static const char jpeg[] = "\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00";
static const char png[] = "\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01";
static const char gif87[] = "GIF87a\x01\x00\x01\x00\x80\x00\x00";
static const char gif89[] = "GIF89a\x01\x00\x01\x00\x80\x00\x00";
static const char webp_lossy[] = "RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00";
static const char webp_lossless[] = "RIFF\x24\x00\x00\x00WEBPVP8L\x18\x00\x00\x00";
static const char webp_extended[] = "RIFF\x24\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00";
/* An iPhone's: major heic, compatible mif1 heic. */
static const char heic_iphone[] = "\x00\x00\x00\x18" "ftypheic\x00\x00\x00\x00mif1heic";
/* libheif's: major heic, compatible mif1 heic miaf. */
static const char heic_libheif[] = "\x00\x00\x00\x1c" "ftypheic\x00\x00\x00\x00mif1heicmiaf";
/* Generic HEIF still image and sequence: the brand is only compatible. */
static const char heif_mif1[] = "\x00\x00\x00\x14" "ftypmif1\x00\x00\x00\x00mif1";
static const char heif_msf1[] = "\x00\x00\x00\x18" "ftypmsf1\x00\x00\x00\x00msf1hevc";
static const char heic_heix[] = "\x00\x00\x00\x14" "ftypheix\x00\x00\x00\x00mif1";
static const char avif[] = "\x00\x00\x00\x1c" "ftypavif\x00\x00\x00\x00" "avifmif1miaf";
static const char avif_compatible[] = "\x00\x00\x00\x1c" "ftypmif1\x00\x00\x00\x00mif1avifmiaf";
static const char avis[] = "\x00\x00\x00\x1c" "ftypavis\x00\x00\x00\x00" "avismsf1miaf";
static const char mp4[] = "\x00\x00\x00\x18" "ftypisom\x00\x00\x02\x00isomiso2";
static const char quicktime[] = "\x00\x00\x00\x14" "ftypqt  \x00\x00\x00\x00qt  ";
static const char pdf[] = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<";
static const char elf[] = "\x7f" "ELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00";
static const char zip[] = "PK\x03\x04\x14\x00\x00\x00\x08\x00";
static const char svg[] = "<svg xmlns=\"http://www.w3.org/2000/svg\"";
static const char tiff[] = "II*\x00\x08\x00\x00\x00";
static const char riff_wave[] = "RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00";

static void
test_each_type (void)
{
  g_assert_cmpint (SNIFF (jpeg), ==, PHOTOS_TYPE_JPEG);
  g_assert_cmpint (SNIFF (png), ==, PHOTOS_TYPE_PNG);
  g_assert_cmpint (SNIFF (gif87), ==, PHOTOS_TYPE_GIF);
  g_assert_cmpint (SNIFF (gif89), ==, PHOTOS_TYPE_GIF);
  g_assert_cmpint (SNIFF (webp_lossy), ==, PHOTOS_TYPE_WEBP);
  g_assert_cmpint (SNIFF (webp_lossless), ==, PHOTOS_TYPE_WEBP);
  g_assert_cmpint (SNIFF (webp_extended), ==, PHOTOS_TYPE_WEBP);
  g_assert_cmpint (SNIFF (heic_iphone), ==, PHOTOS_TYPE_HEIC);
  g_assert_cmpint (SNIFF (heic_libheif), ==, PHOTOS_TYPE_HEIC);
  g_assert_cmpint (SNIFF (heif_mif1), ==, PHOTOS_TYPE_HEIC);
  g_assert_cmpint (SNIFF (heif_msf1), ==, PHOTOS_TYPE_HEIC);
  g_assert_cmpint (SNIFF (heic_heix), ==, PHOTOS_TYPE_HEIC);
}

/* Every proper prefix of a magic number is too short to tell. */
static void
test_truncated_magic (void)
{
  static const struct
  {
    const char *data;
    gsize magic_len;
  } cases[] = {
    { jpeg, 3 }, { png, 8 }, { gif89, 6 }, { webp_lossy, 16 }, { heic_iphone, 16 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      for (gsize len = 0; len < cases[i].magic_len; len++)
        g_assert_cmpint (photos_sniff ((const guint8 *) cases[i].data, len), ==,
                         PHOTOS_TYPE_UNKNOWN);
      g_assert_cmpint (photos_sniff ((const guint8 *) cases[i].data, cases[i].magic_len), !=,
                       PHOTOS_TYPE_UNKNOWN);
    }
}

static void
test_other_formats (void)
{
  g_assert_cmpint (SNIFF (pdf), ==, PHOTOS_TYPE_UNKNOWN);
  g_assert_cmpint (SNIFF (elf), ==, PHOTOS_TYPE_UNKNOWN);
  g_assert_cmpint (SNIFF (zip), ==, PHOTOS_TYPE_UNKNOWN);
  g_assert_cmpint (SNIFF (svg), ==, PHOTOS_TYPE_UNKNOWN);
  g_assert_cmpint (SNIFF (tiff), ==, PHOTOS_TYPE_UNKNOWN);
  g_assert_cmpint (SNIFF (riff_wave), ==, PHOTOS_TYPE_UNKNOWN);
  g_assert_cmpint (SNIFF (mp4), ==, PHOTOS_TYPE_UNKNOWN);
  g_assert_cmpint (SNIFF (quicktime), ==, PHOTOS_TYPE_UNKNOWN);
  /* Near misses. */
  g_assert_cmpint (SNIFF ("\xff\xd8\xfe\xe0"), ==, PHOTOS_TYPE_UNKNOWN);
  g_assert_cmpint (SNIFF ("\x89PNG\n\n\x1a\x0a"), ==, PHOTOS_TYPE_UNKNOWN);
  g_assert_cmpint (SNIFF ("GIF88a\x01\x00"), ==, PHOTOS_TYPE_UNKNOWN);
  g_assert_cmpint (SNIFF ("RIFF\x24\x00\x00\x00WEBPXXXX"), ==, PHOTOS_TYPE_UNKNOWN);
}

/* AVIF is refused, as major brand and as compatible brand alike. */
static void
test_avif (void)
{
  g_assert_cmpint (SNIFF (avif), ==, PHOTOS_TYPE_UNKNOWN);
  g_assert_cmpint (SNIFF (avif_compatible), ==, PHOTOS_TYPE_UNKNOWN);
  g_assert_cmpint (SNIFF (avis), ==, PHOTOS_TYPE_UNKNOWN);
}

/* The ftyp box must be sane: its size covers the header, is a multiple of
 * four and is not huge; brands past its end do not count. */
static void
test_ftyp_box_checks (void)
{
  static const char too_small[] = "\x00\x00\x00\x0c" "ftypheic\x00\x00\x00\x00";
  static const char odd_size[] = "\x00\x00\x00\x15" "ftypheic\x00\x00\x00\x00mif1";
  static const char huge[] = "\x00\x01\x00\x00" "ftypheic\x00\x00\x00\x00mif1";
  static const char brand_past_end[] = "\x00\x00\x00\x10" "ftypisom\x00\x00\x00\x00heic";
  static const char not_at_four[] = "\x00\x00\x00\x18" "xxxxheic\x00\x00\x00\x00mif1heic";

  g_assert_cmpint (SNIFF (too_small), ==, PHOTOS_TYPE_UNKNOWN);
  g_assert_cmpint (SNIFF (odd_size), ==, PHOTOS_TYPE_UNKNOWN);
  g_assert_cmpint (SNIFF (huge), ==, PHOTOS_TYPE_UNKNOWN);
  g_assert_cmpint (SNIFF (brand_past_end), ==, PHOTOS_TYPE_UNKNOWN);
  g_assert_cmpint (SNIFF (not_at_four), ==, PHOTOS_TYPE_UNKNOWN);
}

static void
test_empty (void)
{
  g_assert_cmpint (photos_sniff (NULL, 0), ==, PHOTOS_TYPE_UNKNOWN);
  g_assert_cmpint (photos_sniff ((const guint8 *) "", 0), ==, PHOTOS_TYPE_UNKNOWN);
  g_assert_cmpint (photos_sniff ((const guint8 *) jpeg, 0), ==, PHOTOS_TYPE_UNKNOWN);
}

static void
test_mime_names (void)
{
  g_assert_cmpstr (photos_type_mime (PHOTOS_TYPE_JPEG), ==, "image/jpeg");
  g_assert_cmpstr (photos_type_mime (PHOTOS_TYPE_PNG), ==, "image/png");
  g_assert_cmpstr (photos_type_mime (PHOTOS_TYPE_WEBP), ==, "image/webp");
  g_assert_cmpstr (photos_type_mime (PHOTOS_TYPE_GIF), ==, "image/gif");
  g_assert_cmpstr (photos_type_mime (PHOTOS_TYPE_HEIC), ==, "image/heic");
  g_assert_null (photos_type_mime (PHOTOS_TYPE_UNKNOWN));

  g_assert_cmpstr (photos_type_extension (PHOTOS_TYPE_JPEG), ==, "jpg");
  g_assert_cmpstr (photos_type_extension (PHOTOS_TYPE_PNG), ==, "png");
  g_assert_cmpstr (photos_type_extension (PHOTOS_TYPE_WEBP), ==, "webp");
  g_assert_cmpstr (photos_type_extension (PHOTOS_TYPE_GIF), ==, "gif");
  g_assert_cmpstr (photos_type_extension (PHOTOS_TYPE_HEIC), ==, "heic");
  g_assert_null (photos_type_extension (PHOTOS_TYPE_UNKNOWN));
}

static void
test_type_from_mime (void)
{
  static const struct
  {
    const char *mime;
    PhotosType type;
  } cases[] = {
    { "image/jpeg", PHOTOS_TYPE_JPEG },
    { "image/jpg", PHOTOS_TYPE_JPEG },
    { "IMAGE/JPEG", PHOTOS_TYPE_JPEG },
    { "image/pjpeg", PHOTOS_TYPE_JPEG },
    { " image/jpeg ; charset=binary", PHOTOS_TYPE_JPEG },
    { "image/png", PHOTOS_TYPE_PNG },
    { "image/webp", PHOTOS_TYPE_WEBP },
    { "image/gif", PHOTOS_TYPE_GIF },
    { "image/heic", PHOTOS_TYPE_HEIC },
    { "image/heif", PHOTOS_TYPE_HEIC },
    { "Image/HEIF;foo=bar", PHOTOS_TYPE_HEIC },
    { "image/avif", PHOTOS_TYPE_UNKNOWN },
    { "image/jpegx", PHOTOS_TYPE_UNKNOWN },
    { "image/", PHOTOS_TYPE_UNKNOWN },
    { "application/pdf", PHOTOS_TYPE_UNKNOWN },
    { "application/octet-stream", PHOTOS_TYPE_UNKNOWN },
    { "", PHOTOS_TYPE_UNKNOWN },
    { ";", PHOTOS_TYPE_UNKNOWN },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (photos_type_from_mime (cases[i].mime), ==, cases[i].type);
  g_assert_cmpint (photos_type_from_mime (NULL), ==, PHOTOS_TYPE_UNKNOWN);

  /* Each type's own name maps back to it. */
  for (PhotosType type = PHOTOS_TYPE_JPEG; type <= PHOTOS_TYPE_HEIC; type++)
    g_assert_cmpint (photos_type_from_mime (photos_type_mime (type)), ==, type);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/carrete/photos/sniff/each-type", test_each_type);
  g_test_add_func ("/carrete/photos/sniff/truncated-magic", test_truncated_magic);
  g_test_add_func ("/carrete/photos/sniff/other-formats", test_other_formats);
  g_test_add_func ("/carrete/photos/sniff/avif", test_avif);
  g_test_add_func ("/carrete/photos/sniff/ftyp-box-checks", test_ftyp_box_checks);
  g_test_add_func ("/carrete/photos/sniff/empty", test_empty);
  g_test_add_func ("/carrete/photos/sniff/mime-names", test_mime_names);
  g_test_add_func ("/carrete/photos/sniff/type-from-mime", test_type_from_mime);

  return g_test_run ();
}
