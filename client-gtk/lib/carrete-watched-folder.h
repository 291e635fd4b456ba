#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CARRETE_TYPE_WATCHED_FOLDER (carrete_watched_folder_get_type ())
G_DECLARE_FINAL_TYPE (CarreteWatchedFolder, carrete_watched_folder, CARRETE, WATCHED_FOLDER,
                      GObject)

/* One watched folder of carrete-desktop: a local directory whose images
 * go to a Carrete folder.  Properties: path (absolute, construct-only),
 * folder-id (the target; NULL: no folder), folder-name (shown; may be
 * NULL), delete-on-server (a file sent from here and then deleted here
 * while the app runs is deleted on the server too, into its trash; FALSE
 * unless the user turns it on: then a local delete never touches the
 * server). */
CarreteWatchedFolder *carrete_watched_folder_new (const char *path, const char *folder_id,
                                                  const char *folder_name);

const char *carrete_watched_folder_get_path (CarreteWatchedFolder *self);
const char *carrete_watched_folder_get_folder_id (CarreteWatchedFolder *self);
const char *carrete_watched_folder_get_folder_name (CarreteWatchedFolder *self);
gboolean carrete_watched_folder_get_delete_on_server (CarreteWatchedFolder *self);
void carrete_watched_folder_set_delete_on_server (CarreteWatchedFolder *self, gboolean value);

/* The list, kept as JSON in `file` (written atomically, 0600).  A missing
 * file is an empty list; entries without an absolute path are dropped.
 * Returns a GPtrArray of CarreteWatchedFolder, or NULL and the error. */
GPtrArray *carrete_watched_folders_load (const char *file, GError **error);
gboolean carrete_watched_folders_save (GPtrArray *folders, const char *file, GError **error);

G_END_DECLS
