#pragma once

#include <gio/gio.h>

#include "carrete-client-types.h"
#include "carrete-types.h"

G_BEGIN_DECLS

/* The folders the sidebar shows: the user's own, those others shared with
 * the user (scope=shared, "Shared with Me"), and other people's public ones
 * (the user's public folders are only among their own, and a shared public
 * one only among the shared).  Reloading
 * fetches both lists page by page and replaces each when it is complete.
 * Signals: ::changed () after a list was replaced or a folder put in;
 * ::error (GError) when a load fails (not when it is cancelled). */
#define CARRETE_TYPE_FOLDER_STORE (carrete_folder_store_get_type ())
G_DECLARE_FINAL_TYPE (CarreteFolderStore, carrete_folder_store, CARRETE, FOLDER_STORE, GObject)

CarreteFolderStore *carrete_folder_store_new (void);

/* GListModels of CarreteFolder. */
GListModel *carrete_folder_store_get_mine (CarreteFolderStore *self);
GListModel *carrete_folder_store_get_public (CarreteFolderStore *self);
GListModel *carrete_folder_store_get_shared (CarreteFolderStore *self);

void carrete_folder_store_reload (CarreteFolderStore *self, CarreteClient *client,
                                  GCancellable *cancellable);
/* The folder with `folder_id` in any list (owned by the store), or NULL;
 * `is_mine` (may be NULL) says whether it is in the user's own. */
CarreteFolder *carrete_folder_store_find (CarreteFolderStore *self, const char *folder_id,
                                          gboolean *is_mine);
/* A folder of the user's, new or changed (as the folder dialog saved it). */
void carrete_folder_store_put_mine (CarreteFolderStore *self, CarreteFolder *folder);
void carrete_folder_store_clear (CarreteFolderStore *self);

G_END_DECLS
