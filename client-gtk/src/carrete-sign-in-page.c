#define G_LOG_DOMAIN "carrete-sign-in-page"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "carrete-client.h"
#include "carrete-client-error.h"
#include "carrete-client-oidc.h"
#include "carrete-sign-in-page.h"

struct _CarreteSignInPage
{
  GtkWidget parent_instance;

  AdwEntryRow *server_row;
  AdwEntryRow *username_row;
  AdwEntryRow *email_row;
  AdwEntryRow *password_row;
  AdwExpanderRow *advanced_row;
  AdwEntryRow *users_row;
  AdwEntryRow *photos_row;
  AdwEntryRow *folders_row;
  GtkLabel *error_label;
  GtkButton *submit_button;
  GtkButton *mode_button;
  GtkButton *provider_button;
  GtkLabel *hint_label;
  GtkSpinner *spinner;

  GCancellable *cancellable;
  GCancellable *provider_wait; /* set while the browser has the sign-in */
  CarreteClient *pending; /* the client being signed in */
  CarreteClient *resume;  /* signs in again with this one (session ended) */
  gboolean registering;
  gboolean busy;
};

G_DEFINE_FINAL_TYPE (CarreteSignInPage, carrete_sign_in_page, GTK_TYPE_WIDGET)

enum { SIGNED_IN, N_SIGNALS };
static guint signals[N_SIGNALS];

char *
carrete_describe_error (const GError *error, const char *server)
{
  if (error->domain != CARRETE_CLIENT_ERROR)
    return g_strdup (error->message);

  switch ((CarreteClientError) error->code)
    {
    case CARRETE_CLIENT_ERROR_INVALID_CREDENTIALS:
      return g_strdup (_("Wrong username or password."));
    case CARRETE_CLIENT_ERROR_UNREACHABLE:
      return g_strdup_printf (_("Cannot reach the server at %s. Check the address and your connection."),
                              server != NULL && *server != '\0' ? server : _("that address"));
    case CARRETE_CLIENT_ERROR_NOT_CARRETE:
      return g_strdup_printf (_("The server at %s is not a Carrete server."),
                              server != NULL && *server != '\0' ? server : _("that address"));
    case CARRETE_CLIENT_ERROR_UNAUTHORIZED:
      return g_strdup (_("Your session has ended. Please sign in again."));
    case CARRETE_CLIENT_ERROR_RATE_LIMITED:
      {
        guint seconds = carrete_client_error_get_retry_after (error);
        if (seconds > 0)
          return g_strdup_printf (ngettext ("Too many attempts. Try again in %u second.",
                                            "Too many attempts. Try again in %u seconds.",
                                            seconds), seconds);
        return g_strdup (_("Too many attempts. Try again later."));
      }
    case CARRETE_CLIENT_ERROR_UNAVAILABLE:
      return g_strdup (_("The server is temporarily unavailable. Try again in a moment."));
    case CARRETE_CLIENT_ERROR_INVALID:
      /* The detail may be general ("Some fields are invalid."). */
      return g_strdup (carrete_client_error_get_full_text (error));
    default:
      return g_strdup (error->message);
    }
}

static const char *
row_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static char *
stripped (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (row_text (row)));
}

static void
set_busy (CarreteSignInPage *self, gboolean busy)
{
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->submit_button), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->mode_button), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->provider_button),
                            !busy || self->provider_wait != NULL);
}

void
carrete_sign_in_page_show_error (CarreteSignInPage *self, const char *message)
{
  g_return_if_fail (CARRETE_IS_SIGN_IN_PAGE (self));

  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
finish_attempt (CarreteSignInPage *self, const GError *error)
{
  g_autoptr(CarreteClient) client = g_steal_pointer (&self->pending);

  set_busy (self, FALSE);
  if (error != NULL)
    {
      g_autofree char *server = stripped (self->server_row);
      g_autofree char *users = stripped (self->users_row);
      g_autofree char *text = carrete_describe_error (error, *server != '\0' ? server : users);

      carrete_sign_in_page_show_error (self, text);
      return;
    }
  carrete_sign_in_page_show_error (self, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  g_signal_emit (self, signals[SIGNED_IN], 0, client);
}

static void
login_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CarreteSignInPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!carrete_client_login_finish (CARRETE_CLIENT (source), result, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  finish_attempt (self, error);
}

static void
register_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CarreteSignInPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CarreteUser) user = NULL;
  g_autofree char *username = NULL;

  user = carrete_client_register_finish (CARRETE_CLIENT (source), result, &error);
  if (user == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        finish_attempt (self, error);
      return;
    }
  /* Registered: sign in with the same credentials right away. */
  username = stripped (self->username_row);
  carrete_client_login_async (self->pending, username, row_text (self->password_row),
                              self->cancellable, login_cb, g_object_ref (self));
}

/* NULL (with the error shown) when the addresses are not usable. */
static CarreteClient *
build_client (CarreteSignInPage *self)
{
  g_autofree char *server = stripped (self->server_row);
  g_autofree char *users = stripped (self->users_row);
  g_autofree char *photos = stripped (self->photos_row);
  g_autofree char *folders = stripped (self->folders_row);
  gboolean advanced = *users != '\0' || *photos != '\0' || *folders != '\0';
  CarreteClient *client;

  if (advanced && (*users == '\0' || *photos == '\0' || *folders == '\0'))
    {
      carrete_sign_in_page_show_error (self, _("Give all three service addresses, or none."));
      return NULL;
    }
  if (!advanced && *server == '\0')
    {
      carrete_sign_in_page_show_error (self, _("Enter the address of your Carrete server."));
      return NULL;
    }
  if (*server != '\0' && !g_uri_is_valid (server, G_URI_FLAGS_NONE, NULL))
    {
      carrete_sign_in_page_show_error (self, _("The server address must look like https://photos.example.org"));
      return NULL;
    }
  client = carrete_client_new (*server != '\0' ? server : users);
  if (advanced)
    carrete_client_set_service_urls (client, users, photos, folders);
  return client;
}

void
carrete_sign_in_page_submit (CarreteSignInPage *self)
{
  g_autofree char *username = NULL;
  g_autofree char *email = NULL;
  const char *password;

  g_return_if_fail (CARRETE_IS_SIGN_IN_PAGE (self));
  if (self->busy)
    return;

  username = stripped (self->username_row);
  email = stripped (self->email_row);
  password = row_text (self->password_row);
  if (*username == '\0' || *password == '\0')
    {
      carrete_sign_in_page_show_error (self, _("Enter your username and password."));
      return;
    }
  if (self->registering && *email == '\0')
    {
      carrete_sign_in_page_show_error (self, _("Enter your email address."));
      return;
    }

  g_clear_object (&self->pending);
  /* After an expired session the same client signs in again, so that what
   * hangs on it (the upload queue) carries on. */
  if (self->resume != NULL && !self->registering)
    self->pending = g_object_ref (self->resume);
  else
    self->pending = build_client (self);
  if (self->pending == NULL)
    return;

  carrete_sign_in_page_show_error (self, NULL);
  set_busy (self, TRUE);
  if (self->registering)
    carrete_client_register_async (self->pending, username, email, password,
                                   self->cancellable, register_cb, g_object_ref (self));
  else
    carrete_client_login_async (self->pending, username, password,
                                self->cancellable, login_cb, g_object_ref (self));
}

/* ---- single sign-on, in the system browser (RFC 8252) -------------------------------------- */

static void
open_in_browser (const char *uri, gpointer user_data)
{
  CarreteSignInPage *self = user_data;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, uri, GDK_CURRENT_TIME);
}

static void
show_waiting (CarreteSignInPage *self, gboolean waiting)
{
  gtk_label_set_text (self->hint_label,
                      waiting ? _ ("Continue in your web browser. Carrete signs you in when "
                                   "your provider sends you back.")
                              : "");
  gtk_widget_set_visible (GTK_WIDGET (self->hint_label), waiting);
  gtk_button_set_label (self->provider_button,
                        waiting ? _ ("Cancel") : _ ("Sign In with Single Sign-On"));
}

static void
provider_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CarreteSignInPage) self = user_data;
  g_autoptr (GError) error = NULL;
  gboolean cancelled;

  carrete_client_sign_in_with_provider_finish (CARRETE_CLIENT (source), result, &error);
  cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_object (&self->provider_wait);
  if (self->hint_label == NULL) /* disposed while the browser had it */
    return;
  show_waiting (self, FALSE);
  if (cancelled)
    {
      g_clear_object (&self->pending);
      set_busy (self, FALSE);
      return;
    }
  if (g_error_matches (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_NOT_FOUND))
    {
      g_clear_error (&error);
      error = g_error_new_literal (CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_NOT_FOUND,
                                   _ ("This server does not offer single sign-on."));
    }
  else if (g_error_matches (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_CONFLICT))
    {
      g_clear_error (&error);
      error = g_error_new_literal (CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_CONFLICT,
                                   _ ("An account already has this email address. Sign in with "
                                      "its password instead."));
    }
  finish_attempt (self, error);
}

static void
on_provider_clicked (CarreteSignInPage *self)
{
  if (self->provider_wait != NULL)
    {
      g_cancellable_cancel (self->provider_wait);
      return;
    }
  if (self->busy)
    return;
  g_clear_object (&self->pending);
  self->pending = self->resume != NULL ? g_object_ref (self->resume) : build_client (self);
  if (self->pending == NULL)
    return;
  carrete_sign_in_page_show_error (self, NULL);
  self->provider_wait = g_cancellable_new ();
  set_busy (self, TRUE);
  show_waiting (self, TRUE);
  carrete_client_sign_in_with_provider_async (
      self->pending, open_in_browser, self, self->provider_wait, provider_cb, g_object_ref (self));
}

static void
on_submit_clicked (CarreteSignInPage *self)
{
  carrete_sign_in_page_submit (self);
}

static void
on_password_activated (CarreteSignInPage *self)
{
  carrete_sign_in_page_submit (self);
}

void
carrete_sign_in_page_set_registering (CarreteSignInPage *self, gboolean registering,
                                      const char *email)
{
  g_return_if_fail (CARRETE_IS_SIGN_IN_PAGE (self));

  self->registering = registering;
  gtk_widget_set_visible (GTK_WIDGET (self->email_row), registering);
  if (email != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->email_row), email);
  gtk_button_set_label (self->submit_button,
                        registering ? _("Create Account") : _("Sign In"));
  gtk_button_set_label (self->mode_button,
                        registering ? _("I Have an Account") : _("Create an Account"));
  carrete_sign_in_page_show_error (self, NULL);
}

static void
on_mode_clicked (CarreteSignInPage *self)
{
  carrete_sign_in_page_set_registering (self, !self->registering, NULL);
}

static void
set_row (AdwEntryRow *row, const char *text)
{
  if (text != NULL)
    gtk_editable_set_text (GTK_EDITABLE (row), text);
}

void
carrete_sign_in_page_fill (CarreteSignInPage *self, const char *server,
                           const char *users, const char *photos, const char *folders,
                           const char *username, const char *password)
{
  g_return_if_fail (CARRETE_IS_SIGN_IN_PAGE (self));

  set_row (self->server_row, server);
  set_row (self->users_row, users);
  set_row (self->photos_row, photos);
  set_row (self->folders_row, folders);
  set_row (self->username_row, username);
  set_row (self->password_row, password);
  if (users != NULL && *users != '\0')
    adw_expander_row_set_expanded (self->advanced_row, TRUE);
}

gboolean
carrete_sign_in_page_get_busy (CarreteSignInPage *self)
{
  g_return_val_if_fail (CARRETE_IS_SIGN_IN_PAGE (self), FALSE);
  return self->busy;
}

const char *
carrete_sign_in_page_get_error (CarreteSignInPage *self)
{
  g_return_val_if_fail (CARRETE_IS_SIGN_IN_PAGE (self), NULL);
  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;
  return gtk_label_get_text (self->error_label);
}

void
carrete_sign_in_page_set_resume_client (CarreteSignInPage *self, CarreteClient *client)
{
  g_return_if_fail (CARRETE_IS_SIGN_IN_PAGE (self));

  g_set_object (&self->resume, client);
  gtk_widget_set_sensitive (GTK_WIDGET (self->server_row), client == NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->advanced_row), client == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->mode_button), client == NULL);
  if (client != NULL && carrete_client_get_user (client) != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->username_row),
                           carrete_user_get_username (carrete_client_get_user (client)));
}

void
carrete_sign_in_page_reset (CarreteSignInPage *self)
{
  g_return_if_fail (CARRETE_IS_SIGN_IN_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  if (self->provider_wait != NULL)
    g_cancellable_cancel (self->provider_wait);
  g_clear_object (&self->pending);
  set_busy (self, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
}

static void
carrete_sign_in_page_dispose (GObject *object)
{
  CarreteSignInPage *self = CARRETE_SIGN_IN_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->provider_wait != NULL)
    g_cancellable_cancel (self->provider_wait);
  gtk_widget_dispose_template (GTK_WIDGET (self), CARRETE_TYPE_SIGN_IN_PAGE);
  /* The template's top-level box is not bound, so it is not unparented
   * by dispose_template (GTK 4.8). */
  {
    GtkWidget *child;
    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
      gtk_widget_unparent (child);
  }
  G_OBJECT_CLASS (carrete_sign_in_page_parent_class)->dispose (object);
}

static void
carrete_sign_in_page_finalize (GObject *object)
{
  CarreteSignInPage *self = CARRETE_SIGN_IN_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->provider_wait);
  g_clear_object (&self->pending);
  g_clear_object (&self->resume);
  G_OBJECT_CLASS (carrete_sign_in_page_parent_class)->finalize (object);
}

static void
carrete_sign_in_page_class_init (CarreteSignInPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = carrete_sign_in_page_dispose;
  object_class->finalize = carrete_sign_in_page_finalize;

  signals[SIGNED_IN] = g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass),
                                     G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                     G_TYPE_NONE, 1, G_TYPE_OBJECT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/carrete/Desktop/carrete-sign-in-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, CarreteSignInPage, server_row);
  gtk_widget_class_bind_template_child (widget_class, CarreteSignInPage, username_row);
  gtk_widget_class_bind_template_child (widget_class, CarreteSignInPage, email_row);
  gtk_widget_class_bind_template_child (widget_class, CarreteSignInPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, CarreteSignInPage, advanced_row);
  gtk_widget_class_bind_template_child (widget_class, CarreteSignInPage, users_row);
  gtk_widget_class_bind_template_child (widget_class, CarreteSignInPage, photos_row);
  gtk_widget_class_bind_template_child (widget_class, CarreteSignInPage, folders_row);
  gtk_widget_class_bind_template_child (widget_class, CarreteSignInPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, CarreteSignInPage, submit_button);
  gtk_widget_class_bind_template_child (widget_class, CarreteSignInPage, mode_button);
  gtk_widget_class_bind_template_child (widget_class, CarreteSignInPage, provider_button);
  gtk_widget_class_bind_template_child (widget_class, CarreteSignInPage, hint_label);
  gtk_widget_class_bind_template_child (widget_class, CarreteSignInPage, spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_submit_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_password_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_mode_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_provider_clicked);
}

static void
carrete_sign_in_page_init (CarreteSignInPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}
