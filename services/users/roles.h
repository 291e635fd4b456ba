#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* `carrete-users set-role USERNAME admin|user`: the way an operator makes
 * the first administrator.  A one-shot command, so plain blocking libpq. */
gboolean users_set_role (const char *conninfo, const char *username, const char *role,
                         GError **error);

G_END_DECLS
