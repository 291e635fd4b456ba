#pragma once

#include "carrete-api-types.h"
/* The pages of the list this query asks for. */
#include "carrete-list-page.h"

G_BEGIN_DECLS

/* The filters of GET /v1/photos.  Plain data: NULL / 0 fields are not sent.
 * `from` and `to` are RFC 3339 strings or dates (YYYY-MM-DD). */
struct _CarretePhotoQuery
{
  char *folder_id;
  char *q;
  char **tags;     /* NULL-terminated; sent as tags=a,b */
  char *match;     /* "all" or "any" */
  char *from;
  char *to;
  char *sort;      /* "taken_at", "uploaded_at" or "name" */
  char *order;     /* "asc" or "desc" */
  guint limit;     /* 0: the server's default (50) */
  char *cursor;
};

#define CARRETE_TYPE_PHOTO_QUERY (carrete_photo_query_get_type ())
GType carrete_photo_query_get_type (void);

CarretePhotoQuery *carrete_photo_query_new (void);
CarretePhotoQuery *carrete_photo_query_copy (const CarretePhotoQuery *query);
void carrete_photo_query_free (CarretePhotoQuery *query);
/* TRUE when both ask for the same photos (the cursor is ignored). */
gboolean carrete_photo_query_equal (const CarretePhotoQuery *a, const CarretePhotoQuery *b);
/* "/v1/photos?…" with every parameter percent-encoded. */
char *carrete_photo_query_to_path (const CarretePhotoQuery *query);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CarretePhotoQuery, carrete_photo_query_free)

G_END_DECLS
