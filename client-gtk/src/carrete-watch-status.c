#define G_LOG_DOMAIN "carrete-watch-status"

#include <glib/gi18n.h>

#include "carrete-watch-status.h"

char *
carrete_watch_status_text (guint n_folders, guint n_pending, guint n_sent, gboolean paused,
                           gboolean offline)
{
  if (n_folders == 0)
    return NULL;
  if (paused && n_pending > 0)
    /* TRANSLATORS: watched folders paused; %u files wait to be uploaded */
    return g_strdup_printf (ngettext ("Paused (%u waiting)", "Paused (%u waiting)", n_pending),
                            n_pending);
  if (paused)
    return g_strdup (_ ("Paused"));
  if (offline)
    /* TRANSLATORS: the server cannot be reached; %u files wait to be uploaded */
    return g_strdup_printf (ngettext ("Offline (%u waiting)", "Offline (%u waiting)", n_pending),
                            n_pending);
  if (n_pending > 0)
    /* TRANSLATORS: watched folders: uploading file k of n */
    return g_strdup_printf (_ ("Uploading %u of %u"), n_sent + 1, n_sent + n_pending);
  return g_strdup_printf (ngettext ("Watching %u folder", "Watching %u folders", n_folders),
                          n_folders);
}
