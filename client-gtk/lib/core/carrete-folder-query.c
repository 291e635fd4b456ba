#define G_LOG_DOMAIN "carrete-folder-query"

#include "carrete-folder-query.h"
#include "carrete-api-private.h"

G_DEFINE_BOXED_TYPE (CarreteFolderQuery, carrete_folder_query, carrete_folder_query_copy,
                     carrete_folder_query_free)

CarreteFolderQuery *
carrete_folder_query_new (void)
{
  return g_new0 (CarreteFolderQuery, 1);
}

CarreteFolderQuery *
carrete_folder_query_copy (const CarreteFolderQuery *query)
{
  CarreteFolderQuery *copy = carrete_folder_query_new ();

  copy->scope = g_strdup (query->scope);
  copy->q = g_strdup (query->q);
  copy->tags = g_strdupv (query->tags);
  copy->match = g_strdup (query->match);
  copy->from = g_strdup (query->from);
  copy->to = g_strdup (query->to);
  copy->limit = query->limit;
  copy->cursor = g_strdup (query->cursor);
  return copy;
}

void
carrete_folder_query_free (CarreteFolderQuery *query)
{
  if (query == NULL)
    return;
  g_free (query->scope);
  g_free (query->q);
  g_strfreev (query->tags);
  g_free (query->match);
  g_free (query->from);
  g_free (query->to);
  g_free (query->cursor);
  g_free (query);
}

char *
carrete_folder_query_to_path (const CarreteFolderQuery *query)
{
  GString *path = g_string_new ("/v1/folders");

  if (query == NULL)
    return g_string_free (path, FALSE);
  _carrete_query_append (path, "scope", query->scope);
  _carrete_query_append (path, "q", query->q);
  _carrete_query_append_tags (path, (const char *const *) query->tags);
  _carrete_query_append (path, "match", query->match);
  _carrete_query_append (path, "from", query->from);
  _carrete_query_append (path, "to", query->to);
  _carrete_query_append_uint (path, "limit", query->limit);
  _carrete_query_append (path, "cursor", query->cursor);
  return g_string_free (path, FALSE);
}
