#define G_LOG_DOMAIN "carrete-photo-query"

#include "carrete-photo-query.h"
#include "carrete-api-private.h"

G_DEFINE_BOXED_TYPE (CarretePhotoQuery, carrete_photo_query, carrete_photo_query_copy,
                     carrete_photo_query_free)

CarretePhotoQuery *
carrete_photo_query_new (void)
{
  return g_new0 (CarretePhotoQuery, 1);
}

CarretePhotoQuery *
carrete_photo_query_copy (const CarretePhotoQuery *query)
{
  CarretePhotoQuery *copy = carrete_photo_query_new ();

  copy->folder_id = g_strdup (query->folder_id);
  copy->q = g_strdup (query->q);
  copy->tags = g_strdupv (query->tags);
  copy->match = g_strdup (query->match);
  copy->from = g_strdup (query->from);
  copy->to = g_strdup (query->to);
  copy->sort = g_strdup (query->sort);
  copy->order = g_strdup (query->order);
  copy->limit = query->limit;
  copy->cursor = g_strdup (query->cursor);
  return copy;
}

void
carrete_photo_query_free (CarretePhotoQuery *query)
{
  if (query == NULL)
    return;
  g_free (query->folder_id);
  g_free (query->q);
  g_strfreev (query->tags);
  g_free (query->match);
  g_free (query->from);
  g_free (query->to);
  g_free (query->sort);
  g_free (query->order);
  g_free (query->cursor);
  g_free (query);
}

static gboolean
strv_equal_or_null (char **a, char **b)
{
  if (a == NULL || b == NULL)
    return (a == NULL || a[0] == NULL) && (b == NULL || b[0] == NULL);
  return g_strv_equal ((const char *const *) a, (const char *const *) b);
}

gboolean
carrete_photo_query_equal (const CarretePhotoQuery *a, const CarretePhotoQuery *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_strcmp0 (a->folder_id, b->folder_id) == 0 && g_strcmp0 (a->q, b->q) == 0
         && strv_equal_or_null (a->tags, b->tags) && g_strcmp0 (a->match, b->match) == 0
         && g_strcmp0 (a->from, b->from) == 0 && g_strcmp0 (a->to, b->to) == 0
         && g_strcmp0 (a->sort, b->sort) == 0 && g_strcmp0 (a->order, b->order) == 0
         && a->limit == b->limit;
}

char *
carrete_photo_query_to_path (const CarretePhotoQuery *query)
{
  GString *path = g_string_new ("/v1/photos");

  if (query == NULL)
    return g_string_free (path, FALSE);
  _carrete_query_append (path, "folder_id", query->folder_id);
  _carrete_query_append (path, "q", query->q);
  _carrete_query_append_tags (path, (const char *const *) query->tags);
  _carrete_query_append (path, "match", query->match);
  _carrete_query_append (path, "from", query->from);
  _carrete_query_append (path, "to", query->to);
  _carrete_query_append (path, "sort", query->sort);
  _carrete_query_append (path, "order", query->order);
  _carrete_query_append_uint (path, "limit", query->limit);
  _carrete_query_append (path, "cursor", query->cursor);
  return g_string_free (path, FALSE);
}
