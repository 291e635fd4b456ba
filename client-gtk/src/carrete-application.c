#define G_LOG_DOMAIN "carrete-application"

#include <glib/gi18n.h>

#include "carrete-application.h"
#include "carrete-desktop-resources.h"
#include "carrete-window.h"

struct _CarreteApplication
{
  AdwApplication parent_instance;
  gboolean background; /* --background: the first activation shows no window */
};

G_DEFINE_FINAL_TYPE (CarreteApplication, carrete_application, ADW_TYPE_APPLICATION)

void
carrete_desktop_init (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      carrete_desktop_register_resource ();
      bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
      adw_init ();
      gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                        "/org/carrete/Desktop/icons");
      g_once_init_leave (&done, 1);
    }
}

static void
carrete_application_activate (GApplication *application)
{
  CarreteApplication *self = CARRETE_APPLICATION (application);
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (application));
  GtkWindow *window = windows != NULL ? windows->data : NULL;

  if (window == NULL)
    {
      window = GTK_WINDOW (carrete_window_new (GTK_APPLICATION (application)));
      carrete_window_restore_session (CARRETE_WINDOW (window));
    }
  /* Started at login: the window exists (it holds the session, and with it
   * the watched folders) but is not shown until the app is started again. */
  if (self->background)
    {
      self->background = FALSE;
      return;
    }
  gtk_window_present (window);
}

static int
carrete_application_handle_local_options (GApplication *application, GVariantDict *options)
{
  if (g_variant_dict_contains (options, "background"))
    CARRETE_APPLICATION (application)->background = TRUE;
  return -1;
}

/* `carrete-desktop PHOTO…`, or "Open With" in a file manager: the files are
 * uploaded as a drop on the window would be (once the session is restored,
 * when it is not yet). */
static void
carrete_application_open (GApplication *application, GFile **files, int n_files, const char *hint)
{
  g_autoptr(GPtrArray) array = g_ptr_array_sized_new ((guint) n_files);
  GtkWindow *window;

  g_application_activate (application);
  window = gtk_application_get_active_window (GTK_APPLICATION (application));
  for (int i = 0; i < n_files; i++)
    g_ptr_array_add (array, files[i]);
  carrete_window_upload_files (CARRETE_WINDOW (window), array);
}

static void
carrete_application_startup (GApplication *application)
{
  G_APPLICATION_CLASS (carrete_application_parent_class)->startup (application);
  carrete_desktop_init ();
}

static void
quit_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_activated (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  GtkApplication *application = GTK_APPLICATION (user_data);
  const char *developers[] = { "The Carrete developers", NULL };

  adw_show_about_window (gtk_application_get_active_window (application),
                         "application-name", _("Carrete"),
                         "application-icon", CARRETE_APPLICATION_ID,
                         "version", CARRETE_VERSION,
                         "developers", developers,
                         "license-type", GTK_LICENSE_MIT_X11,
                         "comments", _("Browse and upload photos to your own server"),
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static const GActionEntry app_actions[] = {
  { .name = "quit", .activate = quit_activated },
  { .name = "about", .activate = about_activated },
};

static void
carrete_application_class_init (CarreteApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = carrete_application_activate;
  app_class->open = carrete_application_open;
  app_class->startup = carrete_application_startup;
  app_class->handle_local_options = carrete_application_handle_local_options;
}

static void
carrete_application_init (CarreteApplication *self)
{
  static const char *const quit[] = { "<Control>q", NULL };
  static const char *const upload[] = { "<Control>o", NULL };
  static const char *const filter[] = { "<Control>f", NULL };
  static const char *const delete[] = { "Delete", NULL };
  static const char *const new_folder[] = { "<Control><Shift>n", NULL };
  static const char *const reload[] = { "<Control>r", "F5", NULL };

  static const GOptionEntry entries[] = {
    { "background", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_ ("Start without a window, uploading from watched folders"), NULL },
    { NULL },
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.upload", upload);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.filter", filter);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.delete-photo", delete);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.new-folder", new_folder);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.reload", reload);
}

CarreteApplication *
carrete_application_new (void)
{
  return g_object_new (CARRETE_TYPE_APPLICATION,
                       "application-id", CARRETE_APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/org/carrete/Desktop",
                       NULL);
}
