#pragma once

#include <json-glib/json-glib.h>
#include <libpq-fe.h>

#include "carrete-ids.h"
#include "carrete-json-writer.h"
#include "carrete-time.h"

G_BEGIN_DECLS

/* Where a photo is in its life (the `state` column). */
typedef enum
{
  PHOTOS_STATE_PENDING,  /* bytes not yet stored or verified */
  PHOTOS_STATE_READY,    /* every object exists; the only state clients see */
  PHOTOS_STATE_DELETING, /* objects being removed */
  PHOTOS_STATE_TRASHED,  /* in its owner's trash until expires_at (006_trash.sql) */
} PhotosState;

/* Its thumbnails (the `thumbnails` column). */
typedef enum
{
  PHOTOS_THUMBNAILS_PENDING, /* its job has not run yet */
  PHOTOS_THUMBNAILS_READY,
  PHOTOS_THUMBNAILS_FAILED,  /* thumbnails_error says why */
} PhotosThumbnails;

/* The names the database and the JSON use. */
const char *photos_state_name (PhotosState state);
const char *photos_thumbnails_name (PhotosThumbnails thumbnails);

/* A photos row, as the store reads it.  Its times are gint64 microseconds
 * since the Unix epoch, UTC, read from PostgreSQL as exact integers (see
 * carrete-time.h); a time that may be NULL in the table is
 * CARRETE_TIME_NONE then.  The JSON writes them as RFC 3339 with
 * milliseconds, as the API always has. */
typedef struct
{
  gint64 id;
  gint64 owner_id;
  gint64 folder_id;     /* 0: in no folder */
  char *name;
  char *object_prefix;
  char *content_type;
  gint64 size;
  char *sha256;         /* hex, or NULL while pending */
  gint width;           /* 0 until the thumbnails job has read the image */
  gint height;
  gint64 taken_at;      /* or CARRETE_TIME_NONE */
  gint64 uploaded_at;
  gint64 updated_at;
  PhotosState state;
  gint64 expires_at;    /* or CARRETE_TIME_NONE */
  gboolean expired;     /* expires_at has passed, by the database's clock */
  gboolean url_expired; /* photos_store_find_pending_upload only */
  gint64 sort_time;     /* the time a list sorts by (shot_at, or uploaded_at), for cursors */
  PhotosThumbnails thumbnails;
  char *thumbnails_error; /* why they failed, or NULL */
  gint64 trashed_at;    /* or CARRETE_TIME_NONE; to the millisecond */
} PhotosPhoto;

void photos_photo_free (PhotosPhoto *photo);
/* A column of a result row: text (NULL for SQL NULL), an integer (0 for
 * NULL), or a time sent as PHOTOS_SQL_MICROS (CARRETE_TIME_NONE for NULL). */
char *photos_row_text (PGresult *result, int row, int column);
gint64 photos_row_int (PGresult *result, int row, int column);
gint64 photos_row_time (PGresult *result, int row, int column);

/* A statement parameter: `name`, a freed-at-scope-end decimal string of `value`. */
#define INT_TEXT(name, value)                                                                      \
  g_autofree char *name = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) (value))

/* A timestamptz column as integer microseconds since the epoch: exact, as
 * extract() answers numeric since PostgreSQL 14. */
#define PHOTOS_SQL_MICROS(col) "(extract(epoch from " col ") * 1000000)::int8"
PhotosPhoto *photos_photo_from_row (PGresult *result, int row);

/* A new random prefix for a photo's objects: keys reveal nothing. */
char *photos_new_object_prefix (void);

/* The storage keys of a photo's objects. */
char *photos_key_original (const char *prefix);
char *photos_key_thumb (const char *prefix, guint size);

/* Where a direct upload's client PUTs the bytes (its upload_url): a key of
 * its own per photo, "u/<hex>" for the prefix "p/<hex>".  complete copies
 * it to the original and checks the copy; the staging sweep removes those
 * whose photo is not pending (a PUT replayed after complete or delete). */
#define PHOTOS_STAGING_PREFIX "u/"
char *photos_key_staging (const char *prefix);
/* The photo prefix a staging key is for, or NULL for another key. */
char *photos_prefix_of_staging (const char *key);

/* Presigned addresses handed out with a photo; any may be NULL. */
typedef struct
{
  char *url;
  char *thumbnail_url;
  char *preview_url;
} PhotosUrls;

void photos_urls_clear (PhotosUrls *urls);

/* The photo as a JSON object (urls may be NULL: no URL members). */
void photos_photo_write_json (CarreteJsonWriter *writer, const PhotosPhoto *photo,
                              const PhotosUrls *urls, const CarreteIds *ids);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhotosPhoto, photos_photo_free)

G_END_DECLS
