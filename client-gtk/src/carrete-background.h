#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* "Start at login", as GNOME expects of a background app.  In a sandbox
 * (Flatpak) the app asks org.freedesktop.portal.Background
 * (RequestBackground, autostart, command line `carrete-desktop
 * --background`) and the portal keeps the autostart entry; outside one
 * (a package, the tests) there is no portal to ask for the app, so it
 * writes or removes an XDG autostart entry itself,
 * $XDG_CONFIG_HOME/autostart/org.carrete.Desktop.desktop.  `--background`
 * starts the app without a window: the watched folders run, and starting
 * it again shows the window. */
gboolean carrete_background_get_autostart (void);
/* Turns it on or off; a failure is logged (the switch shows what was
 * asked; the next dialog reads back what is on disk). */
void carrete_background_set_autostart (GtkWindow *parent, gboolean autostart);

/* The autostart entry's path (for the tests). */
char *carrete_background_autostart_file (void);

G_END_DECLS
