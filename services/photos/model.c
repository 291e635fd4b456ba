#define G_LOG_DOMAIN "carrete-photos-model"

#include "model.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

void
photos_photo_free (PhotosPhoto *photo)
{
  if (photo == NULL)
    return;
  g_free (photo->name);
  g_free (photo->object_prefix);
  g_free (photo->content_type);
  g_free (photo->sha256);
  g_free (photo->thumbnails_error);
  g_free (photo);
}

char *
photos_row_text (PGresult *result, int row, int column)
{
  return PQgetisnull (result, row, column) ? NULL : g_strdup (PQgetvalue (result, row, column));
}

gint64
photos_row_int (PGresult *result, int row, int column)
{
  return PQgetisnull (result, row, column) ? 0 : g_ascii_strtoll (PQgetvalue (result, row, column),
                                                                    NULL, 10);
}

gint64
photos_row_time (PGresult *result, int row, int column)
{
  return PQgetisnull (result, row, column) ? CARRETE_TIME_NONE
                                           : photos_row_int (result, row, column);
}

/* Column order: see PHOTO_COLUMNS in store.c. */
static const char *const state_names[] = { "pending", "ready", "deleting", "trashed" };
static const char *const thumbnails_names[] = { "pending", "ready", "failed" };

const char *
photos_state_name (PhotosState state)
{
  return state_names[state];
}

const char *
photos_thumbnails_name (PhotosThumbnails thumbnails)
{
  return thumbnails_names[thumbnails];
}

/* The index of a column's text among `names`; the table's CHECK
 * constraints allow nothing else. */
static guint
name_index (PGresult *result, int row, int column, const char *const *names, guint n_names)
{
  const char *text = PQgetvalue (result, row, column);

  for (guint i = 0; i < n_names; i++)
    if (g_str_equal (text, names[i]))
      return i;
  g_error ("photos: unknown value “%s” in column %d", text, column);
}

static PhotosState
state_from_row (PGresult *result, int row, int column)
{
  return (PhotosState) name_index (result, row, column, state_names, G_N_ELEMENTS (state_names));
}

static PhotosThumbnails
thumbnails_from_row (PGresult *result, int row, int column)
{
  return (PhotosThumbnails) name_index (result, row, column, thumbnails_names,
                                        G_N_ELEMENTS (thumbnails_names));
}

PhotosPhoto *
photos_photo_from_row (PGresult *result, int row)
{
  PhotosPhoto *photo = g_new0 (PhotosPhoto, 1);

  photo->id = photos_row_int (result, row, 0);
  photo->owner_id = photos_row_int (result, row, 1);
  photo->folder_id = photos_row_int (result, row, 2);
  photo->name = photos_row_text (result, row, 3);
  photo->object_prefix = photos_row_text (result, row, 4);
  photo->content_type = photos_row_text (result, row, 5);
  photo->size = photos_row_int (result, row, 6);
  photo->sha256 = photos_row_text (result, row, 7);
  photo->width = (gint) photos_row_int (result, row, 8);
  photo->height = (gint) photos_row_int (result, row, 9);
  photo->taken_at = photos_row_time (result, row, 10);
  photo->uploaded_at = photos_row_time (result, row, 11);
  photo->updated_at = photos_row_time (result, row, 12);
  photo->state = state_from_row (result, row, 13);
  photo->expires_at = photos_row_time (result, row, 14);
  photo->sort_time = photos_row_time (result, row, 15);
  photo->thumbnails = thumbnails_from_row (result, row, 16);
  photo->thumbnails_error = photos_row_text (result, row, 17);
  photo->expired = g_str_equal (PQgetvalue (result, row, 18), "t");
  photo->trashed_at = photos_row_time (result, row, 19);
  if (PQnfields (result) > 20)
    photo->url_expired = g_str_equal (PQgetvalue (result, row, 20), "t");
  return photo;
}

char *
photos_new_object_prefix (void)
{
  guint8 bytes[16];
  char hex[sizeof bytes * 2 + 1];

  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2hex (hex, sizeof hex, bytes, sizeof bytes);
  return g_strconcat ("p/", hex, NULL);
}

char *
photos_key_original (const char *prefix)
{
  return g_strconcat (prefix, "/original", NULL);
}

/* "p/<hex>" → "u/<hex>": outside every photo's prefix, so that the bytes
 * a client PUTs never land on a key a checked photo reads, and the
 * sweeper lists only these. */
char *
photos_key_staging (const char *prefix)
{
  g_return_val_if_fail (g_str_has_prefix (prefix, "p/"), NULL);
  return g_strconcat (PHOTOS_STAGING_PREFIX, prefix + 2, NULL);
}

char *
photos_prefix_of_staging (const char *key)
{
  if (!g_str_has_prefix (key, PHOTOS_STAGING_PREFIX) || strchr (key + 2, '/') != NULL)
    return NULL;
  return g_strconcat ("p/", key + 2, NULL);
}

char *
photos_key_thumb (const char *prefix, guint size)
{
  return g_strdup_printf ("%s/%u.jpg", prefix, size);
}

void
photos_urls_clear (PhotosUrls *urls)
{
  g_clear_pointer (&urls->url, g_free);
  g_clear_pointer (&urls->thumbnail_url, g_free);
  g_clear_pointer (&urls->preview_url, g_free);
}

static void
member_string (CarreteJsonWriter *writer, const char *name, const char *value)
{
  carrete_json_writer_member (writer, name);
  carrete_json_writer_string (writer, value);
}

static void
member_time (CarreteJsonWriter *writer, const char *name, gint64 value)
{
  carrete_json_writer_member (writer, name);
  carrete_json_writer_time (writer, value, CARRETE_TIME_MILLISECONDS);
}

static void
member_int_or_null (CarreteJsonWriter *writer, const char *name, gint64 value, gboolean known)
{
  carrete_json_writer_member (writer, name);
  if (known)
    carrete_json_writer_int (writer, value);
  else
    carrete_json_writer_null (writer);
}

void
photos_photo_write_json (CarreteJsonWriter *writer, const PhotosPhoto *photo,
                         const PhotosUrls *urls, const CarreteIds *ids)
{
  g_autofree char *id = carrete_ids_encode (ids, CARRETE_ID_PHOTO, photo->id);
  g_autofree char *owner = carrete_ids_encode (ids, CARRETE_ID_USER, photo->owner_id);
  g_autofree char *folder = photo->folder_id != 0
                              ? carrete_ids_encode (ids, CARRETE_ID_FOLDER, photo->folder_id)
                              : NULL;
  /* The image's size is known once its thumbnails job has read it. */
  gboolean measured = photo->width > 0 && photo->height > 0;

  carrete_json_writer_begin_object (writer);
  member_string (writer, "id", id);
  member_string (writer, "owner_id", owner);
  member_string (writer, "folder_id", folder);
  member_string (writer, "name", photo->name);
  member_string (writer, "content_type", photo->content_type);
  member_int_or_null (writer, "size", photo->size, TRUE);
  member_int_or_null (writer, "width", photo->width, measured);
  member_int_or_null (writer, "height", photo->height, measured);
  member_string (writer, "sha256", photo->sha256);
  member_time (writer, "taken_at", photo->taken_at);
  member_time (writer, "uploaded_at", photo->uploaded_at);
  member_time (writer, "updated_at", photo->updated_at);
  member_string (writer, "state", photos_state_name (photo->state));
  member_string (writer, "thumbnails", photos_thumbnails_name (photo->thumbnails));
  member_string (writer, "thumbnails_error", photo->thumbnails_error);
  if (urls != NULL)
    {
      member_string (writer, "url", urls->url);
      member_string (writer, "thumbnail_url", urls->thumbnail_url);
      member_string (writer, "preview_url", urls->preview_url);
    }
  carrete_json_writer_end_object (writer);
}
