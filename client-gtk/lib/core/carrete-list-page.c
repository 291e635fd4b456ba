#define G_LOG_DOMAIN "carrete-list-page"

#include "carrete-list-page.h"

#include "carrete-api-private.h"
#include "carrete-folder.h"
#include "carrete-member.h"
#include "carrete-photo.h"
#include "carrete-share.h"
#include "carrete-trash-item.h"

CarreteListPage *
carrete_list_page_new_from_json (JsonObject *object, CarreteFromJson item_from_json, GError **error)
{
  JsonNode *items_node = json_object_get_member (object, "items");
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  CarreteListPage *page;
  JsonArray *array;

  if (items_node == NULL || !JSON_NODE_HOLDS_ARRAY (items_node))
    {
      g_set_error_literal (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_NOT_CARRETE,
                           "The server's list has no items.");
      return NULL;
    }
  array = json_node_get_array (items_node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      gpointer item;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_set_error_literal (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_PROTOCOL,
                               "The server's list holds something that is not an object.");
          return NULL;
        }
      item = item_from_json (json_node_get_object (element), error);
      if (item == NULL)
        return NULL;
      g_ptr_array_add (items, item);
    }
  page = g_new0 (CarreteListPage, 1);
  page->items = g_steal_pointer (&items);
  page->next_cursor = g_strdup (carrete_json_get_string (object, "next_cursor"));
  return page;
}

void
carrete_list_page_free (CarreteListPage *page)
{
  if (page == NULL)
    return;
  g_clear_pointer (&page->items, g_ptr_array_unref);
  g_free (page->next_cursor);
  g_free (page);
}

CarretePhotoPage *
carrete_photo_page_new_from_json (JsonObject *object, GError **error)
{
  return carrete_list_page_new_from_json (object, (CarreteFromJson) carrete_photo_new_from_json,
                                          error);
}

CarreteFolderPage *
carrete_folder_page_new_from_json (JsonObject *object, GError **error)
{
  return carrete_list_page_new_from_json (object, (CarreteFromJson) carrete_folder_new_from_json,
                                          error);
}

CarreteTrashPage *
carrete_trash_page_new_from_json (JsonObject *object, GError **error)
{
  return carrete_list_page_new_from_json (object, (CarreteFromJson) carrete_trash_item_new_from_json,
                                          error);
}

CarreteSharePage *
carrete_share_page_new_from_json (JsonObject *object, GError **error)
{
  return carrete_list_page_new_from_json (object, (CarreteFromJson) carrete_share_new_from_json,
                                          error);
}

CarreteMemberPage *
carrete_member_page_new_from_json (JsonObject *object, GError **error)
{
  return carrete_list_page_new_from_json (object, (CarreteFromJson) carrete_member_new_from_json,
                                          error);
}
