#define G_LOG_DOMAIN "carrete-background"

#include <errno.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "carrete-application.h"
#include "carrete-background.h"

#define PORTAL_NAME "org.freedesktop.portal.Desktop"
#define PORTAL_PATH "/org/freedesktop/portal/desktop"
#define PORTAL_BACKGROUND "org.freedesktop.portal.Background"

static gboolean
sandboxed (void)
{
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}

char *
carrete_background_autostart_file (void)
{
  return g_build_filename (g_get_user_config_dir (), "autostart", CARRETE_APPLICATION_ID ".desktop",
                           NULL);
}

/* In a sandbox the portal keeps the entry where the app cannot see it:
 * the choice is remembered beside the app's own settings. */
static char *
choice_file (void)
{
  return g_build_filename (g_get_user_config_dir (), "carrete", "start-at-login", NULL);
}

gboolean
carrete_background_get_autostart (void)
{
  g_autofree char *file = sandboxed () ? choice_file () : carrete_background_autostart_file ();

  return g_file_test (file, G_FILE_TEST_EXISTS);
}

static gboolean
write_file (const char *file, const char *contents, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (file);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "cannot create %s: %s",
                   dir, g_strerror (saved));
      return FALSE;
    }
  return g_file_set_contents_full (file, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

static gboolean
set_file (const char *file, const char *contents, GError **error)
{
  if (contents != NULL)
    return write_file (file, contents, error);
  if (g_unlink (file) != 0 && errno != ENOENT)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "cannot remove %s: %s",
                   file, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static void
request_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply
      = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);

  /* The portal answers later on a Request object (and may ask the user);
   * either way the desktop, not the app, now holds the decision. */
  if (reply == NULL)
    g_warning ("background portal: %s", error->message);
}

static void
request_background (GtkWindow *parent, gboolean autostart)
{
  g_autoptr (GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  const char *const command[] = { "carrete-desktop", "--background", NULL };
  GVariantBuilder options;

  if (bus == NULL)
    return;
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "reason",
                         g_variant_new_string (_ ("Upload new photos from watched folders")));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (autostart));
  g_variant_builder_add (&options, "{sv}", "commandline", g_variant_new_strv (command, -1));
  g_variant_builder_add (&options, "{sv}", "dbus-activatable", g_variant_new_boolean (FALSE));
  g_dbus_connection_call (bus, PORTAL_NAME, PORTAL_PATH, PORTAL_BACKGROUND, "RequestBackground",
                          g_variant_new ("(sa{sv})", "", &options), NULL, G_DBUS_CALL_FLAGS_NONE,
                          -1, NULL, request_cb, NULL);
}

void
carrete_background_set_autostart (GtkWindow *parent, gboolean autostart)
{
  static const char entry[] = "[Desktop Entry]\n"
                              "Type=Application\n"
                              "Name=Carrete\n"
                              "Comment=Uploads new photos from watched folders\n"
                              "Exec=carrete-desktop --background\n"
                              "Icon=" CARRETE_APPLICATION_ID "\n"
                              "NoDisplay=true\n"
                              "X-GNOME-Autostart-enabled=true\n";
  g_autoptr (GError) error = NULL;
  g_autofree char *file = sandboxed () ? choice_file () : carrete_background_autostart_file ();

  if (sandboxed ())
    request_background (parent, autostart);
  if (!set_file (file, autostart ? (sandboxed () ? "1\n" : entry) : NULL, &error))
    g_warning ("%s", error->message);
}
