#define G_LOG_DOMAIN "carrete-client-test"

#include "client-test-util.h"

void
ctu_on_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

GAsyncResult *
ctu_await (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static gboolean
on_timeout (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
ctu_wait_for (gboolean *flag, guint seconds)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add_seconds (seconds, on_timeout, &expired);

  while (!*flag && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (id);
  return *flag;
}

CarreteClient *
ctu_client_new (const char *users_url, const char *photos_url, const char *folders_url)
{
  /* The server URL is the users service; the others are overrides, as the
   * "Advanced" fields of the sign-in page set them. */
  CarreteClient *client = carrete_client_new (users_url);

  carrete_client_set_service_urls (client, NULL, photos_url, folders_url);
  return client;
}

void
ctu_login (CarreteClient *client, const char *username, const char *password)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  carrete_client_login_async (client, username, password, NULL, ctu_on_result, &result);
  g_assert_true (carrete_client_login_finish (client, ctu_await (&result), &error));
  g_assert_no_error (error);
  g_assert_true (carrete_client_get_signed_in (client));
}

static guint32
crc32_update (guint32 crc, const guint8 *data, gsize length)
{
  crc = ~crc;
  for (gsize i = 0; i < length; i++)
    {
      crc ^= data[i];
      for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
  return ~crc;
}

static void
append_be32 (GByteArray *out, guint32 value)
{
  guint8 bytes[4] = { value >> 24, value >> 16, value >> 8, value };

  g_byte_array_append (out, bytes, 4);
}

/* A valid 1x1 grey PNG with a tEXt chunk of filler (and a random tag so
 * that no two calls give the same bytes). */
GBytes *
ctu_png_of_size (gsize size)
{
  static const guint8 head[] = {
    0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a,
    0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0, 0x3a, 0x7e, 0x9b, 0x55,
  };
  static const guint8 idat[] = {
    0, 0, 0, 10, 'I', 'D', 'A', 'T', 0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01,
    0x48, 0xaf, 0xa4, 0x71,
  };
  static const guint8 iend[] = { 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82 };
  GByteArray *out = g_byte_array_new ();
  g_autoptr (GByteArray) chunk = g_byte_array_new ();
  gsize fixed = sizeof head + sizeof idat + sizeof iend + 12 + 8;
  gsize filler = size > fixed + 16 ? size - fixed - 16 : 0;
  g_autofree char *tag = g_strdup_printf ("%08x%08x", g_random_int (), g_random_int ());

  g_byte_array_append (chunk, (const guint8 *) "tEXtComment", 12); /* with the NUL */
  g_byte_array_append (chunk, (const guint8 *) tag, 16);
  for (gsize i = 0; i < filler; i++)
    g_byte_array_append (chunk, (const guint8 *) "x", 1);
  g_byte_array_append (out, head, sizeof head);
  append_be32 (out, chunk->len - 4);
  g_byte_array_append (out, chunk->data, chunk->len);
  append_be32 (out, crc32_update (0, chunk->data, chunk->len));
  g_byte_array_append (out, idat, sizeof idat);
  g_byte_array_append (out, iend, sizeof iend);
  return g_byte_array_free_to_bytes (out);
}

char *
ctu_write_file (const char *dir, const char *name, GBytes *bytes)
{
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);
  gsize size = 0;
  const char *data = g_bytes_get_data (bytes, &size);

  g_file_set_contents (path, data != NULL ? data : "", (gssize) size, &error);
  g_assert_no_error (error);
  return path;
}

GFile *
ctu_unique_file (const char *dir, const char *name, GBytes *bytes)
{
  g_autofree char *unique = g_strdup_printf ("%08x-%s", g_random_int (), name);
  g_autofree char *path = ctu_write_file (dir, unique, bytes);

  return g_file_new_for_path (path);
}

void
ctu_wait_upload (CarreteUpload *upload)
{
  for (guint i = 0; i < 600 && !carrete_upload_is_finished (upload); i++)
    {
      gboolean never = FALSE;

      ctu_wait_for (&never, 1);
    }
  g_assert_true (carrete_upload_is_finished (upload));
}
