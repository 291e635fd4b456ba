#pragma once

#include "app.h"
#include "carrete-server.h"

G_BEGIN_DECLS

/* The trash, served by carrete-photos: its photos are rows here (state
 * `trashed`, 006_trash.sql), its folders are carrete-folders' (asked with
 * the caller's token under /v1/folders/trash).  An id names its kind
 * (ph_/fo_).
 *
 *   GET    /v1/trash                   one page of both, newest first
 *   POST   /v1/trash/{id}/restore      200 with the restored item
 *   DELETE /v1/trash/{id}              204, gone for good
 *   DELETE /v1/trash                   204, emptied; 409 when already empty
 */
void photos_handle_trash_list (CarreteRequest *req);
void photos_handle_trash_restore (CarreteRequest *req);
void photos_handle_trash_delete (CarreteRequest *req);
void photos_handle_trash_empty (CarreteRequest *req);

/* Every ready photo of `owner_id` in `folder_id` to the trash, marked as
 * trashed with that folder (DELETE /v1/photos?folder_id=&trash=true, a
 * folder's recursive move to the trash).  The task returns a boolean. */
void photos_trash_folder_async (PhotosApp *app, gint64 owner_id, gint64 folder_id,
                                GAsyncReadyCallback callback, gpointer user_data);

/* The "items" of a trash page carrete-folders sent, or NULL (shared by
 * the listing and by emptying, which asks whether any folder is left). */
JsonArray *photos_trash_page_items (JsonNode *page);

G_END_DECLS
