#include "carrete-test-util.h"

#include <glib/gstdio.h>
#include <zlib.h>

char *
ct_repeat (const char *unit, guint times)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < times; i++)
    g_string_append (s, unit);
  return g_string_free (s, FALSE);
}

static void
append_be32 (GByteArray *out, guint32 value)
{
  guint8 bytes[4] = { value >> 24, value >> 16, value >> 8, value };

  g_byte_array_append (out, bytes, 4);
}

void
ct_png_append_chunk (GByteArray *png, const char *type, const guint8 *data, guint32 len)
{
  uLong crc = crc32 (crc32 (0L, Z_NULL, 0), (const Bytef *) type, 4);

  if (len > 0)
    crc = crc32 (crc, data, len);
  append_be32 (png, len);
  g_byte_array_append (png, (const guint8 *) type, 4);
  if (len > 0)
    g_byte_array_append (png, data, len);
  append_be32 (png, (guint32) crc);
}

guint
ct_count_files (const char *dir, const char *prefix, goffset *largest)
{
  g_autoptr (GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      GStatBuf st;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          n += ct_count_files (path, prefix, largest);
          continue;
        }
      if (prefix != NULL && !g_str_has_prefix (name, prefix))
        continue;
      n++;
      if (largest != NULL && g_stat (path, &st) == 0 && st.st_size > *largest)
        *largest = st.st_size;
    }
  return n;
}
