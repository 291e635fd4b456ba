#pragma once

#include "carrete-client.h"

G_BEGIN_DECLS

/* A watched folder's local delete, carried to the server (when its folder
 * says so): the photo with these bytes in `folder_id` (NULL: outside any
 * folder) is found by paging GET /v1/photos of the folder and deleted
 * (into the trash, as any deletion).  The answer: TRUE when one was
 * deleted, FALSE (no error) when the server had none. */
void carrete_watch_delete_remote_async (CarreteClient *client, const char *folder_id,
                                        const char *sha256, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);
gboolean carrete_watch_delete_remote_finish (GAsyncResult *result, GError **error);

G_END_DECLS
