#pragma once

#include "carrete-api-types.h"
/* The pages of the list this query asks for. */
#include "carrete-list-page.h"

G_BEGIN_DECLS

/* The filters of GET /v1/folders.  NULL / 0 fields are not sent. */
struct _CarreteFolderQuery
{
  char *scope;  /* "mine" (server default), "public", "shared" or "all" */
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

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarreteFolderQuery, carrete_folder_query_free)

G_END_DECLS
