#define G_LOG_DOMAIN "carrete-photo-list"

#include "carrete-photo-list.h"
#include "carrete-client.h"

struct _CarretePhotoList
{
  GObject parent_instance;
  CarreteClient *client;
  CarretePhotoQuery *query; /* never NULL; its cursor unused */
  GPtrArray *items;         /* CarretePhoto */
  GHashTable *ids;          /* id → (borrowed) photo, to keep each photo once */
  char *next_cursor;
  gboolean has_more;
  gboolean loading;
  gboolean started;
  GError *error;
  guint threshold;
  /* Bumped whenever the list starts over: answers of an older generation
   * are dropped (the query changed while they were on the way). */
  guint generation;
  GCancellable *cancellable;
};

static void carrete_photo_list_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CarretePhotoList, carrete_photo_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      carrete_photo_list_list_model_init))

enum
{
  PROP_0,
  PROP_CLIENT,
  PROP_QUERY,
  PROP_LOADING,
  PROP_HAS_MORE,
  PROP_ERROR,
  PROP_THRESHOLD,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

/* ---- GListModel ----------------------------------------------------------------------------- */

/* Asked for an item near the end: the next page.  Only the request starts
 * here; the items arrive later, never from inside get_item().  A failed
 * page waits for an explicit load_more(), not for the next scroll. */
static void
maybe_load_ahead (CarretePhotoList *self, guint position)
{
  if (position + self->threshold + 1 < self->items->len || !self->has_more || self->loading
      || self->error != NULL || !self->started)
    return;
  carrete_photo_list_load_more (self);
}

static GType
list_get_item_type (GListModel *model)
{
  return CARRETE_TYPE_PHOTO;
}

static guint
list_get_n_items (GListModel *model)
{
  return CARRETE_PHOTO_LIST (model)->items->len;
}

static gpointer
list_get_item (GListModel *model, guint position)
{
  CarretePhotoList *self = CARRETE_PHOTO_LIST (model);

  if (position >= self->items->len)
    return NULL;
  maybe_load_ahead (self, position);
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
carrete_photo_list_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = list_get_item_type;
  iface->get_n_items = list_get_n_items;
  iface->get_item = list_get_item;
}

/* ---- GObject -------------------------------------------------------------------------------- */

static void
carrete_photo_list_dispose (GObject *object)
{
  CarretePhotoList *self = CARRETE_PHOTO_LIST (object);

  g_cancellable_cancel (self->cancellable);
  G_OBJECT_CLASS (carrete_photo_list_parent_class)->dispose (object);
}

static void
carrete_photo_list_finalize (GObject *object)
{
  CarretePhotoList *self = CARRETE_PHOTO_LIST (object);

  g_clear_object (&self->client);
  carrete_photo_query_free (self->query);
  g_clear_pointer (&self->ids, g_hash_table_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_free (self->next_cursor);
  g_clear_error (&self->error);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (carrete_photo_list_parent_class)->finalize (object);
}

static void
carrete_photo_list_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CarretePhotoList *self = CARRETE_PHOTO_LIST (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_QUERY:
      g_value_set_boxed (value, self->query);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_HAS_MORE:
      g_value_set_boolean (value, self->has_more);
      break;
    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;
    case PROP_THRESHOLD:
      g_value_set_uint (value, self->threshold);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
carrete_photo_list_set_property (GObject *object, guint prop_id, const GValue *value,
                                 GParamSpec *pspec)
{
  CarretePhotoList *self = CARRETE_PHOTO_LIST (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;
    case PROP_QUERY:
      carrete_photo_list_set_query (self, g_value_get_boxed (value));
      break;
    case PROP_THRESHOLD:
      carrete_photo_list_set_threshold (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
carrete_photo_list_class_init (CarretePhotoListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = carrete_photo_list_dispose;
  object_class->finalize = carrete_photo_list_finalize;
  object_class->get_property = carrete_photo_list_get_property;
  object_class->set_property = carrete_photo_list_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, CARRETE_TYPE_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_QUERY] = g_param_spec_boxed ("query", NULL, NULL, CARRETE_TYPE_PHOTO_QUERY, rw);
  properties[PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE, ro);
  properties[PROP_HAS_MORE] = g_param_spec_boolean ("has-more", NULL, NULL, TRUE, ro);
  properties[PROP_ERROR] = g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR, ro);
  properties[PROP_THRESHOLD] = g_param_spec_uint ("threshold", NULL, NULL, 0, 10000, 50, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
carrete_photo_list_init (CarretePhotoList *self)
{
  self->query = carrete_photo_query_new ();
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->ids = g_hash_table_new (g_str_hash, g_str_equal);
  self->has_more = TRUE;
  self->threshold = 50;
  self->cancellable = g_cancellable_new ();
}

CarretePhotoList *
carrete_photo_list_new (CarreteClient *client)
{
  g_return_val_if_fail (CARRETE_IS_CLIENT (client), NULL);
  return g_object_new (CARRETE_TYPE_PHOTO_LIST, "client", client, NULL);
}

/* ---- state ---------------------------------------------------------------------------------- */

static void
set_loading (CarretePhotoList *self, gboolean loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
set_has_more (CarretePhotoList *self, gboolean has_more)
{
  if (self->has_more == has_more)
    return;
  self->has_more = has_more;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_MORE]);
}

/* Takes `error` (may be NULL). */
static void
set_error (CarretePhotoList *self, GError *error)
{
  if (self->error == NULL && error == NULL)
    return;
  g_clear_error (&self->error);
  self->error = error;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

static void
append_page (CarretePhotoList *self, CarretePhotoPage *page)
{
  guint before = self->items->len;

  for (guint i = 0; i < page->items->len; i++)
    {
      CarretePhoto *photo = g_ptr_array_index (page->items, i);

      /* Already there: prepended after its upload, or moved between pages. */
      if (g_hash_table_contains (self->ids, carrete_photo_get_id (photo)))
        continue;
      g_ptr_array_add (self->items, g_object_ref (photo));
      g_hash_table_insert (self->ids, (gpointer) carrete_photo_get_id (photo), photo);
    }
  g_free (self->next_cursor);
  self->next_cursor = g_steal_pointer (&page->next_cursor);
  if (self->items->len > before)
    g_list_model_items_changed (G_LIST_MODEL (self), before, 0, self->items->len - before);
}

typedef struct
{
  CarretePhotoList *self;
  guint generation;
} PageRequest;

static void
on_page (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PageRequest *request = user_data;
  g_autoptr (CarretePhotoList) self = request->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (CarretePhotoPage) page = carrete_client_list_photos_finish (CARRETE_CLIENT (source),
                                                                         result, &error);
  guint generation = request->generation;

  g_free (request);
  if (generation != self->generation)
    return;
  set_loading (self, FALSE);
  if (page == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_error (self, g_steal_pointer (&error));
      return;
    }
  set_error (self, NULL);
  append_page (self, page);
  set_has_more (self, self->next_cursor != NULL);
}

void
carrete_photo_list_load_more (CarretePhotoList *self)
{
  g_autoptr (CarretePhotoQuery) query = NULL;
  PageRequest *request;

  g_return_if_fail (CARRETE_IS_PHOTO_LIST (self));
  if (self->loading || !self->has_more)
    return;
  self->started = TRUE;
  query = carrete_photo_query_copy (self->query);
  query->cursor = g_strdup (self->next_cursor);
  request = g_new0 (PageRequest, 1);
  request->self = g_object_ref (self);
  request->generation = self->generation;
  set_loading (self, TRUE);
  carrete_client_list_photos_async (self->client, query, self->cancellable, on_page, request);
}

static void
start_over (CarretePhotoList *self)
{
  guint removed = self->items->len;

  self->generation++;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_hash_table_remove_all (self->ids);
  g_ptr_array_set_size (self->items, 0);
  g_clear_pointer (&self->next_cursor, g_free);
  set_loading (self, FALSE);
  set_has_more (self, TRUE);
  set_error (self, NULL);
  if (removed > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
  carrete_photo_list_load_more (self);
}

void
carrete_photo_list_set_query (CarretePhotoList *self, const CarretePhotoQuery *query)
{
  g_return_if_fail (CARRETE_IS_PHOTO_LIST (self));
  carrete_photo_query_free (self->query);
  self->query = query != NULL ? carrete_photo_query_copy (query) : carrete_photo_query_new ();
  g_clear_pointer (&self->query->cursor, g_free);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QUERY]);
  start_over (self);
}

const CarretePhotoQuery *
carrete_photo_list_get_query (CarretePhotoList *self)
{
  g_return_val_if_fail (CARRETE_IS_PHOTO_LIST (self), NULL);
  return self->query;
}

void
carrete_photo_list_reload (CarretePhotoList *self)
{
  g_return_if_fail (CARRETE_IS_PHOTO_LIST (self));
  start_over (self);
}

gboolean
carrete_photo_list_get_loading (CarretePhotoList *self)
{
  g_return_val_if_fail (CARRETE_IS_PHOTO_LIST (self), FALSE);
  return self->loading;
}

gboolean
carrete_photo_list_get_has_more (CarretePhotoList *self)
{
  g_return_val_if_fail (CARRETE_IS_PHOTO_LIST (self), FALSE);
  return self->has_more;
}

const GError *
carrete_photo_list_get_error (CarretePhotoList *self)
{
  g_return_val_if_fail (CARRETE_IS_PHOTO_LIST (self), NULL);
  return self->error;
}

guint
carrete_photo_list_get_threshold (CarretePhotoList *self)
{
  g_return_val_if_fail (CARRETE_IS_PHOTO_LIST (self), 0);
  return self->threshold;
}

void
carrete_photo_list_set_threshold (CarretePhotoList *self, guint threshold)
{
  g_return_if_fail (CARRETE_IS_PHOTO_LIST (self));
  if (self->threshold == threshold)
    return;
  self->threshold = threshold;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_THRESHOLD]);
}

gboolean
carrete_photo_list_prepend (CarretePhotoList *self, CarretePhoto *photo)
{
  g_return_val_if_fail (CARRETE_IS_PHOTO_LIST (self), FALSE);
  g_return_val_if_fail (CARRETE_IS_PHOTO (photo), FALSE);
  if (g_hash_table_contains (self->ids, carrete_photo_get_id (photo)))
    return FALSE;
  g_ptr_array_insert (self->items, 0, g_object_ref (photo));
  g_hash_table_insert (self->ids, (gpointer) carrete_photo_get_id (photo), photo);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, 1);
  return TRUE;
}

gboolean
carrete_photo_list_remove_id (CarretePhotoList *self, const char *photo_id)
{
  g_return_val_if_fail (CARRETE_IS_PHOTO_LIST (self), FALSE);
  g_return_val_if_fail (photo_id != NULL, FALSE);
  if (!g_hash_table_contains (self->ids, photo_id))
    return FALSE;
  for (guint i = 0; i < self->items->len; i++)
    {
      CarretePhoto *photo = g_ptr_array_index (self->items, i);

      if (g_str_equal (carrete_photo_get_id (photo), photo_id))
        {
          g_hash_table_remove (self->ids, photo_id);
          g_ptr_array_remove_index (self->items, i);
          g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 0);
          return TRUE;
        }
    }
  return FALSE;
}
