#define G_LOG_DOMAIN "carrete-photos-model"

#include "model.h"

#include <stdlib.h>

void
photos_photo_free (PhotosPhoto *photo)
{
  if (photo == NULL)
    return;
  g_free (photo->name);
  g_free (photo->object_prefix);
  g_free (photo->content_type);
  g_free (photo->sha256);
  g_free (photo->taken_at);
  g_free (photo->uploaded_at);
  g_free (photo->updated_at);
  g_free (photo->state);
  g_free (photo->expires_at);
  g_free (photo->sort_time);
  g_free (photo);
}

static char *
text_or_null (PGresult *result, int row, int column)
{
  return PQgetisnull (result, row, column) ? NULL : g_strdup (PQgetvalue (result, row, column));
}

static gint64
int_or_zero (PGresult *result, int row, int column)
{
  return PQgetisnull (result, row, column) ? 0 : g_ascii_strtoll (PQgetvalue (result, row, column),
                                                                    NULL, 10);
}

/* Column order: see PHOTO_COLUMNS in store.c. */
PhotosPhoto *
photos_photo_from_row (PGresult *result, int row)
{
  PhotosPhoto *photo = g_new0 (PhotosPhoto, 1);

  photo->id = int_or_zero (result, row, 0);
  photo->owner_id = int_or_zero (result, row, 1);
  photo->folder_id = int_or_zero (result, row, 2);
  photo->name = text_or_null (result, row, 3);
  photo->object_prefix = text_or_null (result, row, 4);
  photo->content_type = text_or_null (result, row, 5);
  photo->size = int_or_zero (result, row, 6);
  photo->sha256 = text_or_null (result, row, 7);
  photo->width = (gint) int_or_zero (result, row, 8);
  photo->height = (gint) int_or_zero (result, row, 9);
  photo->taken_at = text_or_null (result, row, 10);
  photo->uploaded_at = text_or_null (result, row, 11);
  photo->updated_at = text_or_null (result, row, 12);
  photo->state = text_or_null (result, row, 13);
  photo->expires_at = text_or_null (result, row, 14);
  photo->sort_time = text_or_null (result, row, 15);
  return photo;
}

char *
photos_key_original (const char *prefix)
{
  return g_strconcat (prefix, "/original", NULL);
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
add_string_or_null (JsonBuilder *builder, const char *name, const char *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_int_or_null (JsonBuilder *builder, const char *name, gint64 value, gboolean known)
{
  json_builder_set_member_name (builder, name);
  if (known)
    json_builder_add_int_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
photos_photo_build_json (JsonBuilder *builder, const PhotosPhoto *photo, const PhotosUrls *urls,
                         const CarreteIds *ids)
{
  g_autofree char *id = carrete_ids_encode (ids, CARRETE_ID_PHOTO, photo->id);
  g_autofree char *owner = carrete_ids_encode (ids, CARRETE_ID_USER, photo->owner_id);
  g_autofree char *folder = photo->folder_id != 0
                              ? carrete_ids_encode (ids, CARRETE_ID_FOLDER, photo->folder_id)
                              : NULL;
  gboolean ready = g_strcmp0 (photo->state, "ready") == 0;

  json_builder_begin_object (builder);
  add_string_or_null (builder, "id", id);
  add_string_or_null (builder, "owner_id", owner);
  add_string_or_null (builder, "folder_id", folder);
  add_string_or_null (builder, "name", photo->name);
  add_string_or_null (builder, "content_type", photo->content_type);
  add_int_or_null (builder, "size", photo->size, TRUE);
  add_int_or_null (builder, "width", photo->width, ready);
  add_int_or_null (builder, "height", photo->height, ready);
  add_string_or_null (builder, "sha256", photo->sha256);
  add_string_or_null (builder, "taken_at", photo->taken_at);
  add_string_or_null (builder, "uploaded_at", photo->uploaded_at);
  add_string_or_null (builder, "updated_at", photo->updated_at);
  add_string_or_null (builder, "state", photo->state);
  if (urls != NULL)
    {
      add_string_or_null (builder, "url", urls->url);
      add_string_or_null (builder, "thumbnail_url", urls->thumbnail_url);
      add_string_or_null (builder, "preview_url", urls->preview_url);
    }
  json_builder_end_object (builder);
}

JsonNode *
photos_photo_to_json (const PhotosPhoto *photo, const PhotosUrls *urls, const CarreteIds *ids)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  photos_photo_build_json (builder, photo, urls, ids);
  return json_builder_get_root (builder);
}
