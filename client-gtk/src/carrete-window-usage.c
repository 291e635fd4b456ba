#define G_LOG_DOMAIN "carrete-window"

/* The account's storage quota and usage at the foot of the sidebar: asked
 * of the server when a session starts and whenever an upload or a deletion
 * may have changed it. */

#include "carrete-client-lib.h"
#include "carrete-window-private.h"

static void
me_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CarreteWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CarreteUser) me = carrete_client_me_finish (CARRETE_CLIENT (source), result, &error);

  /* Not worth a toast: the foot keeps what it said, and the next upload asks again. */
  if (me == NULL)
    {
      g_debug ("usage not refreshed: %s", error->message);
      return;
    }
  carrete_sidebar_set_usage (self->sidebar, carrete_user_get_quota_bytes (me),
                             carrete_user_get_usage_bytes (me));
}

void
_carrete_window_reload_usage (CarreteWindow *self)
{
  CarreteClient *client = carrete_session_get_client (self->session);

  if (client == NULL)
    return;
  carrete_client_me_async (client, self->session_cancellable, me_cb, g_object_ref (self));
}
