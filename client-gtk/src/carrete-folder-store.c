#define G_LOG_DOMAIN "carrete-folder-store"

#include "carrete-client-lib.h"
#include "carrete-folder-store.h"

/* Folder pages fetched per list at most (200 folders each). */
#define MAX_PAGES 10
#define PAGE_SIZE 200

struct _CarreteFolderStore
{
  GObject parent_instance;

  GListStore *mine;
  GListStore *others; /* other people's public folders */
  GListStore *shared; /* folders others shared with the user (members) */
};

G_DEFINE_FINAL_TYPE (CarreteFolderStore, carrete_folder_store, G_TYPE_OBJECT)

enum { CHANGED, ERROR, N_SIGNALS };
static guint signals[N_SIGNALS];

typedef struct
{
  CarreteFolderStore *self;
  CarreteClient *client;
  GListStore *target;
  CarreteFolderQuery *query;
  GCancellable *cancellable;
  GPtrArray *items;
  guint pages;
} Load;

static void
load_free (Load *load)
{
  g_object_unref (load->self);
  g_object_unref (load->client);
  carrete_folder_query_free (load->query);
  g_clear_object (&load->cancellable);
  g_ptr_array_unref (load->items);
  g_free (load);
}

static gboolean
is_own (Load *load, CarreteFolder *folder)
{
  CarreteUser *user = carrete_client_get_user (load->client);

  return user != NULL
         && g_strcmp0 (carrete_folder_get_owner_id (folder), carrete_user_get_id (user)) == 0;
}

static void
page_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Load *load = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CarreteFolderPage) page = NULL;

  page = carrete_client_list_folders_finish (CARRETE_CLIENT (source), result, &error);
  if (page == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_signal_emit (load->self, signals[ERROR], 0, error);
      load_free (load);
      return;
    }
  for (guint i = 0; i < page->items->len; i++)
    {
      CarreteFolder *folder = page->items->pdata[i];

      /* The user's public folders are already among their own, and a
       * public folder shared with them is under "Shared with Me". */
      if (load->target == load->self->others
          && (is_own (load, folder) || carrete_folder_get_role (folder) != NULL))
        continue;
      g_ptr_array_add (load->items, g_object_ref (folder));
    }
  if (page->next_cursor != NULL && ++load->pages < MAX_PAGES)
    {
      g_free (load->query->cursor);
      load->query->cursor = g_strdup (page->next_cursor);
      carrete_client_list_folders_async (load->client, load->query, load->cancellable, page_cb, load);
      return;
    }
  g_list_store_splice (load->target, 0, g_list_model_get_n_items (G_LIST_MODEL (load->target)),
                       load->items->pdata, load->items->len);
  g_signal_emit (load->self, signals[CHANGED], 0);
  load_free (load);
}

static void
load (CarreteFolderStore *self, CarreteClient *client, GListStore *target, const char *scope,
      GCancellable *cancellable)
{
  Load *load = g_new0 (Load, 1);

  load->self = g_object_ref (self);
  load->client = g_object_ref (client);
  load->target = target;
  load->query = carrete_folder_query_new ();
  load->query->scope = g_strdup (scope);
  load->query->limit = PAGE_SIZE;
  load->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  load->items = g_ptr_array_new_with_free_func (g_object_unref);
  carrete_client_list_folders_async (client, load->query, cancellable, page_cb, load);
}

void
carrete_folder_store_reload (CarreteFolderStore *self, CarreteClient *client,
                             GCancellable *cancellable)
{
  g_return_if_fail (CARRETE_IS_FOLDER_STORE (self));
  g_return_if_fail (CARRETE_IS_CLIENT (client));

  load (self, client, self->mine, "mine", cancellable);
  load (self, client, self->others, "public", cancellable);
  load (self, client, self->shared, "shared", cancellable);
}

CarreteFolder *
carrete_folder_store_find (CarreteFolderStore *self, const char *folder_id, gboolean *is_mine)
{
  GListStore *stores[] = { self->mine, self->others, self->shared };

  g_return_val_if_fail (CARRETE_IS_FOLDER_STORE (self), NULL);
  if (folder_id == NULL)
    return NULL;
  for (guint s = 0; s < G_N_ELEMENTS (stores); s++)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (stores[s]));

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(CarreteFolder) folder = g_list_model_get_item (G_LIST_MODEL (stores[s]), i);

          if (g_strcmp0 (carrete_folder_get_id (folder), folder_id) == 0)
            {
              if (is_mine != NULL)
                *is_mine = s == 0;
              return folder; /* the list keeps it alive */
            }
        }
    }
  return NULL;
}

void
carrete_folder_store_put_mine (CarreteFolderStore *self, CarreteFolder *folder)
{
  CarreteFolder *old;
  guint position;

  g_return_if_fail (CARRETE_IS_FOLDER_STORE (self));
  g_return_if_fail (CARRETE_IS_FOLDER (folder));

  old = carrete_folder_store_find (self, carrete_folder_get_id (folder), NULL);
  if (old != NULL && g_list_store_find (self->mine, old, &position))
    g_list_store_splice (self->mine, position, 1, (gpointer *) &folder, 1);
  else
    g_list_store_append (self->mine, folder);
  g_signal_emit (self, signals[CHANGED], 0);
}

void
carrete_folder_store_clear (CarreteFolderStore *self)
{
  g_return_if_fail (CARRETE_IS_FOLDER_STORE (self));

  g_list_store_remove_all (self->mine);
  g_list_store_remove_all (self->others);
  g_list_store_remove_all (self->shared);
}

GListModel *
carrete_folder_store_get_mine (CarreteFolderStore *self)
{
  g_return_val_if_fail (CARRETE_IS_FOLDER_STORE (self), NULL);
  return G_LIST_MODEL (self->mine);
}

GListModel *
carrete_folder_store_get_public (CarreteFolderStore *self)
{
  g_return_val_if_fail (CARRETE_IS_FOLDER_STORE (self), NULL);
  return G_LIST_MODEL (self->others);
}

GListModel *
carrete_folder_store_get_shared (CarreteFolderStore *self)
{
  g_return_val_if_fail (CARRETE_IS_FOLDER_STORE (self), NULL);
  return G_LIST_MODEL (self->shared);
}

static void
carrete_folder_store_finalize (GObject *object)
{
  CarreteFolderStore *self = CARRETE_FOLDER_STORE (object);

  g_clear_object (&self->mine);
  g_clear_object (&self->others);
  g_clear_object (&self->shared);
  G_OBJECT_CLASS (carrete_folder_store_parent_class)->finalize (object);
}

static void
carrete_folder_store_class_init (CarreteFolderStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = carrete_folder_store_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
carrete_folder_store_init (CarreteFolderStore *self)
{
  self->mine = g_list_store_new (CARRETE_TYPE_FOLDER);
  self->others = g_list_store_new (CARRETE_TYPE_FOLDER);
  self->shared = g_list_store_new (CARRETE_TYPE_FOLDER);
}

CarreteFolderStore *
carrete_folder_store_new (void)
{
  return g_object_new (CARRETE_TYPE_FOLDER_STORE, NULL);
}
