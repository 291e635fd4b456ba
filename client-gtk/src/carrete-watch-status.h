#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What the sidebar says of the watched folders: NULL without any, else
 * "Paused (3 waiting)", "Offline (3 waiting)", "Uploading 2 of 5" or
 * "Watching 2 folders". */
char *carrete_watch_status_text (guint n_folders, guint n_pending, guint n_sent, gboolean paused,
                                 gboolean offline);

G_END_DECLS
