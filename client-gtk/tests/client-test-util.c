#define G_LOG_DOMAIN "carrete-client-test"

#include <string.h>

#include "client-test-util.h"
#include "carrete-upload-record.h"

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

  gboolean ok;

  carrete_client_login_async (client, username, password, NULL, ctu_on_result, &result);
  ok = carrete_client_login_finish (client, ctu_await (&result), &error);
  /* The error first: it says why. */
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_true (carrete_client_get_signed_in (client));
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

char *
ctu_join_sorted (GPtrArray *strings)
{
  g_autoptr (GPtrArray) sorted = g_ptr_array_new (); /* borrows the strings */

  for (guint i = 0; i < strings->len; i++)
    g_ptr_array_add (sorted, g_ptr_array_index (strings, i));
  g_ptr_array_sort (sorted, compare_strings);
  g_ptr_array_add (sorted, NULL);
  return g_strjoinv (",", (char **)sorted->pdata);
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

/* ---- resumable uploads -------------------------------------------------------------------- */

CtResponse *
ctu_upload_status (const char *photos_url, const char *token, const char *upload_id)
{
  g_autofree char *path = g_strdup_printf ("/v1/photos/uploads/%s", upload_id);

  return ct_http (photos_url, "GET", path, token, NULL);
}

guint
ctu_parts_received (CtResponse *status)
{
  JsonObject *object = ct_response_object (status);
  JsonNode *parts = object != NULL ? json_object_get_member (object, "parts_received") : NULL;

  return parts != NULL && JSON_NODE_HOLDS_ARRAY (parts)
             ? json_array_get_length (json_node_get_array (parts))
             : 0;
}

GPtrArray *
ctu_records (const char *photos_url, const char *account)
{
  g_autofree char *dir = carrete_upload_record_dir ();

  return carrete_upload_records_load (dir, photos_url, account);
}

char *
ctu_wait_record (const char *photos_url, const char *account)
{
  char *upload_id = NULL;

  for (guint i = 0; i < 1200 && upload_id == NULL; i++)
    {
      g_autoptr (GPtrArray) records = ctu_records (photos_url, account);

      if (records->len > 0)
        upload_id = g_strdup (((CarreteUploadRecord *) records->pdata[0])->upload_id);
      else
        g_usleep (50 * 1000);
    }
  g_assert_nonnull (upload_id);
  return upload_id;
}

guint
ctu_wait_parts (const char *photos_url, const char *token, const char *upload_id, guint k)
{
  guint received = 0;

  for (guint i = 0; i < 2400 && received < k; i++)
    {
      g_autoptr (CtResponse) status = ctu_upload_status (photos_url, token, upload_id);

      g_assert_cmpuint (status->status, ==, 200);
      received = ctu_parts_received (status);
      if (received < k)
        g_usleep (25 * 1000);
    }
  return received;
}
