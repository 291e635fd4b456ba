#pragma once

#include <json-glib/json-glib.h>

#include "carrete-api-types.h"
#include "carrete-list-page.h"

G_BEGIN_DECLS

/* The filters of GET /v1/folders.  NULL / 0 fields are not sent. */
struct _CarreteFolderQuery
{
  char *scope;  /* "mine" (server default), "public" or "all" */
  char *q;
  char **tags;  /* NULL-terminated; sent as tags=a,b */
  char *match;  /* "all" or "any" */
  char *from;
  char *to;
  guint limit;
  char *cursor;
};

#define CARRETE_TYPE_FOLDER_QUERY (carrete_folder_query_get_type ())
GType carrete_folder_query_get_type (void);

CarreteFolderQuery *carrete_folder_query_new (void);
CarreteFolderQuery *carrete_folder_query_copy (const CarreteFolderQuery *query);
void carrete_folder_query_free (CarreteFolderQuery *query);
char *carrete_folder_query_to_path (const CarreteFolderQuery *query);

/* One page of GET /v1/folders: a CarreteListPage of CarreteFolder. */
CarreteFolderPage *carrete_folder_page_new_from_json (JsonObject *object, GError **error);
#define carrete_folder_page_free carrete_list_page_free

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarreteFolderQuery, carrete_folder_query_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarreteFolderPage, carrete_list_page_free)

G_END_DECLS
