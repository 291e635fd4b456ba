#define G_LOG_DOMAIN "carrete-photos-trash"

/* GET /v1/trash (see trash.h).  A page merges the caller's trashed
 * photos (here) with their trashed folders (carrete-folders), newest first:
 * the order is (trashed_at, kind, id) descending, a photo before a folder
 * trashed in the same millisecond, and the sealed cursor holds the last
 * item's three keys, from which each side's own keyset position follows. */

#include "trash.h"

#include "carrete-error.h"
#include "carrete-op.h"
#include "routes-private.h"
#include "service-private.h"
#include "service.h"

#define DEFAULT_PAGE 50
#define MAX_PAGE 200

/* The rank of each kind in the order: photos first at equal times. */
#define RANK_FOLDER 0
#define RANK_PHOTO 1

typedef struct
{
  gint64 time; /* trashed_at, µs */
  int rank;
  gint64 id;
  PhotosPhoto *photo; /* not owned */
  JsonObject *folder; /* not owned */
} TrashItem;

typedef struct
{
  CarreteRequest *req;
  guint limit;
  gint64 before_time; /* CARRETE_TIME_NONE: the first page */
  char before_kind;
  gint64 before_id;
  guint waiting;
  GError *error;
  GPtrArray *photos;
  JsonNode *folders;
} TrashPage;

static void
trash_page_free (TrashPage *page)
{
  g_clear_error (&page->error);
  g_clear_pointer (&page->photos, g_ptr_array_unref);
  g_clear_pointer (&page->folders, json_node_unref);
  g_free (page);
}

static gint64
parse_time (const char *text)
{
  g_autoptr (GDateTime) time = text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  if (time == NULL)
    return CARRETE_TIME_NONE;
  return g_date_time_to_unix (time) * G_USEC_PER_SEC + g_date_time_get_microsecond (time);
}

static gint
compare_items (gconstpointer a, gconstpointer b)
{
  const TrashItem *x = a;
  const TrashItem *y = b;

  if (x->time != y->time)
    return x->time > y->time ? -1 : 1;
  if (x->rank != y->rank)
    return x->rank > y->rank ? -1 : 1;
  return x->id > y->id ? -1 : x->id < y->id ? 1 : 0;
}

JsonArray *
photos_trash_page_items (JsonNode *page)
{
  JsonNode *items = page != NULL && JSON_NODE_HOLDS_OBJECT (page)
                        ? json_object_get_member (json_node_get_object (page), "items")
                        : NULL;

  return items != NULL && JSON_NODE_HOLDS_ARRAY (items) ? json_node_get_array (items) : NULL;
}

/* Both sides' rows as one sorted array; FALSE when carrete-folders sent
 * something unreadable. */
static gboolean
collect_items (TrashPage *page, GArray *items)
{
  PhotosApp *app = app_of (page->req);
  JsonArray *folders = photos_trash_page_items (page->folders);

  for (guint i = 0; i < page->photos->len; i++)
    {
      PhotosPhoto *photo = g_ptr_array_index (page->photos, i);
      TrashItem item = { photo->trashed_at, RANK_PHOTO, photo->id, photo, NULL };

      g_array_append_val (items, item);
    }
  if (folders == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (folders); i++)
    {
      JsonNode *node = json_array_get_element (folders, i);
      JsonObject *folder = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      TrashItem item = { 0, RANK_FOLDER, 0, NULL, folder };

      if (folder == NULL
          || !carrete_ids_decode (app->ids, CARRETE_ID_FOLDER,
                                  json_object_get_string_member_with_default (folder, "id", ""),
                                  &item.id))
        return FALSE;
      item.time
          = parse_time (json_object_get_string_member_with_default (folder, "trashed_at", NULL));
      if (item.time == CARRETE_TIME_NONE)
        return FALSE;
      g_array_append_val (items, item);
    }
  g_array_sort (items, compare_items);
  return TRUE;
}

static void
member_string (CarreteJsonWriter *writer, const char *name, const char *value)
{
  carrete_json_writer_member (writer, name);
  carrete_json_writer_string (writer, value);
}

static void
write_photo_item (CarreteJsonWriter *writer, PhotosApp *app, const PhotosPhoto *photo)
{
  g_autofree char *id = carrete_ids_encode (app->ids, CARRETE_ID_PHOTO, photo->id);
  g_autofree char *folder = photo->folder_id != 0
                                ? carrete_ids_encode (app->ids, CARRETE_ID_FOLDER, photo->folder_id)
                                : NULL;
  PhotosUrls urls = { 0 };

  presign_urls (app, photo, FALSE, &urls);
  carrete_json_writer_begin_object (writer);
  member_string (writer, "id", id);
  member_string (writer, "kind", "photo");
  member_string (writer, "name", photo->name);
  member_string (writer, "folder_id", folder);
  carrete_json_writer_member (writer, "size");
  carrete_json_writer_int (writer, photo->size);
  member_string (writer, "thumbnail_url", urls.thumbnail_url);
  carrete_json_writer_member (writer, "trashed_at");
  carrete_json_writer_time (writer, photo->trashed_at, CARRETE_TIME_MILLISECONDS);
  carrete_json_writer_member (writer, "purge_at");
  carrete_json_writer_time (writer, photo->expires_at, CARRETE_TIME_MILLISECONDS);
  carrete_json_writer_end_object (writer);
  photos_urls_clear (&urls);
}

static void
write_folder_item (CarreteJsonWriter *writer, JsonObject *folder)
{
  carrete_json_writer_begin_object (writer);
  member_string (writer, "id", json_object_get_string_member_with_default (folder, "id", NULL));
  member_string (writer, "kind", "folder");
  member_string (writer, "name", json_object_get_string_member_with_default (folder, "name", NULL));
  member_string (writer, "trashed_at",
                 json_object_get_string_member_with_default (folder, "trashed_at", NULL));
  member_string (writer, "purge_at",
                 json_object_get_string_member_with_default (folder, "purge_at", NULL));
  carrete_json_writer_end_object (writer);
}

static char *
next_cursor (CarreteRequest *req, const TrashItem *last)
{
  PhotosApp *app = app_of (req);
  g_autofree char *owner
      = g_strdup_printf ("%" G_GINT64_FORMAT, carrete_request_get_caller (req)->id);
  g_autofree char *time = g_strdup_printf ("%" G_GINT64_FORMAT, last->time);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, last->id);
  const char *fields[] = { "trash", owner, time, last->rank == RANK_PHOTO ? "p" : "f", id, NULL };

  return carrete_cursor_encode (app->cursors, fields);
}

static void
respond_page (TrashPage *page)
{
  CarreteRequest *req = page->req;
  g_autoptr (GArray) items = g_array_new (FALSE, FALSE, sizeof (TrashItem));
  g_autofree char *cursor = NULL;
  GString *text;
  CarreteJsonWriter writer;
  guint n;

  if (page->error != NULL)
    {
      carrete_request_respond_error (req, page->error);
      return;
    }
  if (!collect_items (page, items))
    {
      carrete_request_respond_status (req, 503, "The folders service sent an unreadable page.");
      return;
    }
  n = MIN (items->len, page->limit);
  if (items->len > page->limit)
    cursor = next_cursor (req, &g_array_index (items, TrashItem, n - 1));
  text = g_string_sized_new (512 * (n + 1));
  carrete_json_writer_init (&writer, text);
  carrete_json_writer_begin_page (&writer);
  for (guint i = 0; i < n; i++)
    {
      TrashItem *item = &g_array_index (items, TrashItem, i);

      if (item->photo != NULL)
        write_photo_item (&writer, app_of (req), item->photo);
      else
        write_folder_item (&writer, item->folder);
    }
  carrete_json_writer_end_page (&writer, cursor);
  respond_json_text (req, 200, text);
}

static void
page_part_done (TrashPage *page)
{
  if (--page->waiting > 0)
    return;
  respond_page (page);
  trash_page_free (page);
}

static void
on_trashed_photos (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TrashPage *page = user_data;
  GError *error = NULL;

  page->photos = photos_store_photos_finish (app_of (page->req)->store, result, &error);
  if (page->photos == NULL && page->error == NULL)
    page->error = error;
  else if (page->photos == NULL)
    g_error_free (error);
  page_part_done (page);
}

static void
on_trashed_folders (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TrashPage *page = user_data;
  GError *error = NULL;

  if (!folders_client_trash_finish (app_of (page->req)->folders, result, &page->folders, &error))
    {
      if (page->error == NULL)
        page->error = error;
      else
        g_error_free (error);
    }
  page_part_done (page);
}

/* The cursor's position: "trash", the caller, time, kind, id. */
static gboolean
read_cursor (CarreteRequest *req, TrashPage *page)
{
  const char *text = carrete_request_get_query (req, "cursor");
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) fields = NULL;
  g_autofree char *owner = NULL;

  page->before_time = CARRETE_TIME_NONE;
  if (text == NULL)
    return TRUE;
  fields = carrete_cursor_decode (app_of (req)->cursors, text, 5, &error);
  owner = g_strdup_printf ("%" G_GINT64_FORMAT, carrete_request_get_caller (req)->id);
  if (fields != NULL
      && (!g_str_equal (fields[0], "trash") || !g_str_equal (fields[1], owner)
          || !g_ascii_string_to_signed (fields[2], 10, 0, G_MAXINT64, &page->before_time, NULL)
          || !g_ascii_string_to_signed (fields[4], 10, 1, G_MAXINT64, &page->before_id, NULL)))
    {
      g_clear_pointer (&fields, g_strfreev);
      g_set_error_literal (&error, CARRETE_ERROR, CARRETE_ERROR_BAD_REQUEST,
                           "The cursor is not one of this list.");
    }
  if (fields == NULL)
    {
      carrete_request_respond_error_on_field (req, error, "cursor");
      return FALSE;
    }
  page->before_kind = fields[3][0];
  return TRUE;
}

static gboolean
read_limit (CarreteRequest *req, guint *limit)
{
  const char *text = carrete_request_get_query (req, "limit");
  guint64 value = DEFAULT_PAGE;
  CarreteProblem *problem;

  *limit = DEFAULT_PAGE;
  if (text == NULL)
    return TRUE;
  if (g_ascii_string_to_unsigned (text, 10, 1, MAX_PAGE, &value, NULL))
    {
      *limit = (guint) value;
      return TRUE;
    }
  problem = carrete_problem_new (422, "limit must be a whole number from 1 to 200.");
  carrete_problem_add_field_error (problem, "limit", "must be a whole number from 1 to 200");
  carrete_request_respond_problem (req, problem);
  return FALSE;
}

void
photos_handle_trash_list (CarreteRequest *req)
{
  PhotosApp *app = app_of (req);
  const CarreteCaller *caller = carrete_request_get_caller (req);
  TrashPage *page = g_new0 (TrashPage, 1);
  g_autofree char *limit = NULL;
  g_autofree char *before = NULL;
  g_autofree char *before_id = NULL;

  page->req = req;
  if (!read_limit (req, &page->limit) || !read_cursor (req, page))
    {
      trash_page_free (page);
      return;
    }
  limit = g_strdup_printf ("%u", page->limit + 1);
  before = carrete_time_to_string (page->before_time, CARRETE_TIME_MILLISECONDS);
  if (page->before_kind == 'f')
    before_id = carrete_ids_encode (app->ids, CARRETE_ID_FOLDER, page->before_id);
  {
    const CarreteQueryParam query[] = {
      { "limit", limit },
      { "before", before },
      { "before_id", before_id },
      { NULL, NULL },
    };

    page->waiting = 2;
    photos_store_list_trash (app->store, caller->id, page->before_time,
                             page->before_kind == 'p' ? page->before_id : 0, page->limit + 1,
                             carrete_request_get_cancellable (req), on_trashed_photos, page);
    folders_client_trash_async (app->folders, "GET", "", query, caller->token, caller->request_id,
                                on_trashed_folders, page);
  }
}
