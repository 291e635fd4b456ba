#define G_LOG_DOMAIN "carrete-cli"

#include "cli-listing.h"

#define PAGE_SIZE 200 /* the services' largest page */

static gboolean
append_page (GPtrArray *all, CarreteListPage *page, char **cursor)
{
  for (guint i = 0; i < page->items->len; i++)
    g_ptr_array_add (all, g_object_ref (g_ptr_array_index (page->items, i)));
  g_free (*cursor);
  *cursor = g_strdup (page->next_cursor);
  return *cursor != NULL;
}

GPtrArray *
cli_list_all_folders (CarreteCommand *cli, GError **error)
{
  g_autoptr (GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (CarreteFolderQuery) query = carrete_folder_query_new ();
  gboolean more = TRUE;

  query->limit = PAGE_SIZE;
  while (more)
    {
      g_autoptr (GAsyncResult) result = NULL;
      g_autoptr (CarreteFolderPage) page = NULL;

      carrete_client_list_folders_async (cli->client, query, cli->cancellable, cli_on_result,
                                         &result);
      CLI_AWAIT (result);
      page = carrete_client_list_folders_finish (cli->client, result, error);
      if (page == NULL)
        return NULL;
      more = append_page (all, page, &query->cursor);
    }
  return g_steal_pointer (&all);
}

GPtrArray *
cli_list_all_photos (CarreteCommand *cli, const char *folder_id, GError **error)
{
  g_autoptr (GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (CarretePhotoQuery) query = carrete_photo_query_new ();
  gboolean more = TRUE;

  query->folder_id = g_strdup (folder_id);
  query->sort = g_strdup ("name");
  query->order = g_strdup ("asc");
  query->limit = PAGE_SIZE;
  while (more)
    {
      g_autoptr (GAsyncResult) result = NULL;
      g_autoptr (CarretePhotoPage) page = NULL;

      carrete_client_list_photos_async (cli->client, query, cli->cancellable, cli_on_result,
                                        &result);
      CLI_AWAIT (result);
      page = carrete_client_list_photos_finish (cli->client, result, error);
      if (page == NULL)
        return NULL;
      more = append_page (all, page, &query->cursor);
    }
  return g_steal_pointer (&all);
}

GPtrArray *
cli_list_all_shares (CarreteCommand *cli, const char *folder_id, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  carrete_client_list_all_shares_async (cli->client, folder_id, NULL, cli->cancellable,
                                        cli_on_result, &result);
  CLI_AWAIT (result);
  return carrete_client_list_all_shares_finish (cli->client, result, error);
}

GPtrArray *
cli_list_all_members (CarreteCommand *cli, const char *folder_id, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  carrete_client_list_all_members_async (cli->client, folder_id, cli->cancellable, cli_on_result,
                                         &result);
  CLI_AWAIT (result);
  return carrete_client_list_all_members_finish (cli->client, result, error);
}

CarreteFolder *
cli_find_folder (GPtrArray *folders, const char *name_or_id)
{
  for (guint i = 0; i < folders->len; i++)
    if (g_strcmp0 (carrete_folder_get_id (g_ptr_array_index (folders, i)), name_or_id) == 0)
      return g_ptr_array_index (folders, i);
  for (guint i = 0; i < folders->len; i++)
    if (g_strcmp0 (carrete_folder_get_name (g_ptr_array_index (folders, i)), name_or_id) == 0)
      return g_ptr_array_index (folders, i);
  return NULL;
}

int
cli_resolve_folder (CarreteCommand *cli, const char *name_or_id, CarreteFolder **folder)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) folders = cli_list_all_folders (cli, &error);
  CarreteFolder *found;

  if (folders == NULL)
    return cli_fail (cli, error, "listing the folders");
  found = cli_find_folder (folders, name_or_id);
  if (found == NULL)
    return cli_error (cli, CLI_EXIT_USAGE, "no folder named “%s” (see carrete folders)",
                      name_or_id);
  *folder = g_object_ref (found);
  return CLI_EXIT_OK;
}
