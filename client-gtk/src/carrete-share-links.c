#define G_LOG_DOMAIN "carrete-share-links"

#include <glib/gi18n.h>

#include "carrete-client-lib.h"
#include "carrete-share-links.h"
#include "carrete-share-section.h"
#include "carrete-sign-in-page.h"

struct _CarreteShareLinks
{
  GtkBox parent_instance;

  AdwEntryRow *label_row;
  AdwComboRow *expiry_row;
  AdwPasswordEntryRow *password_row;
  GtkSwitch *download_switch;
  GtkButton *create_button;
  GtkWidget *url_list; /* holds url_row; hidden until a link is made */
  AdwActionRow *url_row;
  GtkLabel *error_label;
  GtkListBox *list;

  GListStore *shares; /* CarreteShare */
  CarreteClient *client;
  char *folder_id;
  char *new_url;
  GCancellable *cancellable;
  guint busy;
};

G_DEFINE_FINAL_TYPE (CarreteShareLinks, carrete_share_links, GTK_TYPE_BOX)

/* The expiry choices, in days (0: never), in the order of the combo row
 * (carrete-share-links.ui). */
static const guint expiry_days[] = { 0, 1, 7, 30, 365 };

static void reload (CarreteShareLinks *self);

/* ---- calls ---------------------------------------------------------------------------- */

/* Ends a call: `error` (NULL: none) is shown; FALSE when it was cancelled
 * (the widget is going away: touch nothing). */
static gboolean
call_done (CarreteShareLinks *self, const GError *error)
{
  if (g_cancellable_is_cancelled (self->cancellable))
    return FALSE;
  self->busy--;
  gtk_widget_set_sensitive (GTK_WIDGET (self->create_button), TRUE);
  if (error != NULL)
    {
      g_autofree char *text = carrete_describe_error (error, NULL);

      carrete_share_section_show_error (self->error_label, text);
    }
  return TRUE;
}

/* A call a person started: the last error goes. */
static void
call_started (CarreteShareLinks *self)
{
  self->busy++;
  carrete_share_section_show_error (self->error_label, NULL);
}

/* ---- the list ------------------------------------------------------------------------- */

static char *
format_time (GDateTime *time)
{
  g_autoptr (GDateTime) local = g_date_time_to_local (time);

  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

/* "Used 3 times · last used 2026-12-07 10:00 · expires … · password · no downloads". */
static char *
row_text (CarreteShare *share)
{
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  guint n = (guint) CLAMP (carrete_share_get_use_count (share), 0, G_MAXUINT);

  g_ptr_array_add (parts, g_strdup_printf (ngettext ("Used %u time", "Used %u times", n), n));
  if (carrete_share_get_last_used_at (share) != NULL)
    {
      g_autofree char *when = format_time (carrete_share_get_last_used_at (share));
      /* TRANSLATORS: %s is a date and time */
      g_ptr_array_add (parts, g_strdup_printf (_("last used %s"), when));
    }
  if (carrete_share_get_expires_at (share) != NULL)
    {
      g_autofree char *when = format_time (carrete_share_get_expires_at (share));
      /* TRANSLATORS: %s is a date and time */
      g_ptr_array_add (parts, g_strdup_printf (_("expires %s"), when));
    }
  else
    g_ptr_array_add (parts, g_strdup (_("never expires")));
  if (carrete_share_get_has_password (share))
    g_ptr_array_add (parts, g_strdup (_("password")));
  if (!carrete_share_get_allow_download (share))
    g_ptr_array_add (parts, g_strdup (_("no downloads")));
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (" · ", (char **) parts->pdata);
}

static void
on_revoke_clicked (GtkButton *button, CarreteShareLinks *self)
{
  carrete_share_links_revoke (self, g_object_get_data (G_OBJECT (button), "share-id"));
}

static GtkWidget *
share_row_new (CarreteShareLinks *self, CarreteShare *share)
{
  const char *label = carrete_share_get_label (share);
  g_autofree char *text = row_text (share);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Revoke"));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 label != NULL ? label : _("Link without a label"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "destructive-action");
  g_object_set_data_full (G_OBJECT (button), "share-id", g_strdup (carrete_share_get_id (share)),
                          g_free);
  g_signal_connect (button, "clicked", G_CALLBACK (on_revoke_clicked), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  g_object_set_data_full (G_OBJECT (row), "share-id", g_strdup (carrete_share_get_id (share)),
                          g_free);
  return row;
}

static void
listed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CarreteShareLinks) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) shares
      = carrete_client_list_all_shares_finish (CARRETE_CLIENT (source), result, &error);

  if (!call_done (self, error) || shares == NULL)
    return;
  g_list_store_splice (self->shares, 0, g_list_model_get_n_items (G_LIST_MODEL (self->shares)),
                       shares->pdata, shares->len);
  carrete_share_section_fill_list (self->list, G_LIST_MODEL (self->shares),
                                   (CarreteShareRowFunc) share_row_new, self,
                                   _("No links yet"));
}

/* Keeps the error shown: a reload follows a change that may have failed. */
static void
reload (CarreteShareLinks *self)
{
  self->busy++;
  carrete_client_list_all_shares_async (self->client, self->folder_id, NULL, self->cancellable,
                                        listed_cb, g_object_ref (self));
}

/* ---- create, copy, revoke -------------------------------------------------------------- */

static void
created_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CarreteShareLinks) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteShare) share
      = carrete_client_create_share_finish (CARRETE_CLIENT (source), result, &error);

  if (!call_done (self, error) || share == NULL)
    return;
  g_free (self->new_url);
  self->new_url = carrete_client_share_page_url (self->client, share);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->url_row), self->new_url);
  gtk_widget_set_visible (self->url_list, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->label_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  reload (self);
}

void
carrete_share_links_submit (CarreteShareLinks *self)
{
  g_autofree char *label = NULL;
  const char *password;
  guint days;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) expires_at = NULL;

  g_return_if_fail (CARRETE_IS_SHARE_LINKS (self));
  label = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->label_row))));
  password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  days = expiry_days[MIN (adw_combo_row_get_selected (self->expiry_row),
                          G_N_ELEMENTS (expiry_days) - 1)];
  if (days > 0)
    expires_at = g_date_time_add_days (now, (int) days);
  /* The address of the last link goes: it was shown once. */
  g_clear_pointer (&self->new_url, g_free);
  gtk_widget_set_visible (self->url_list, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->create_button), FALSE);
  call_started (self);
  carrete_client_create_share_async (self->client, self->folder_id, NULL,
                                     *label != '\0' ? label : NULL, expires_at,
                                     *password != '\0' ? password : NULL,
                                     gtk_switch_get_active (self->download_switch),
                                     self->cancellable, created_cb, g_object_ref (self));
}

void
carrete_share_links_copy (CarreteShareLinks *self)
{
  g_return_if_fail (CARRETE_IS_SHARE_LINKS (self));
  if (self->new_url != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), self->new_url);
}

static void
revoked_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CarreteShareLinks) self = user_data;
  g_autoptr (GError) error = NULL;
  gboolean ok = carrete_client_revoke_share_finish (CARRETE_CLIENT (source), result, &error);

  if (!call_done (self, error))
    return;
  if (ok || g_error_matches (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_NOT_FOUND))
    reload (self);
}

void
carrete_share_links_revoke (CarreteShareLinks *self, const char *share_id)
{
  g_return_if_fail (CARRETE_IS_SHARE_LINKS (self));
  g_return_if_fail (share_id != NULL);
  call_started (self);
  carrete_client_revoke_share_async (self->client, share_id, self->cancellable, revoked_cb,
                                     g_object_ref (self));
}

/* ---- the tests' side -------------------------------------------------------------------- */

void
carrete_share_links_fill (CarreteShareLinks *self, const char *label, guint expires_days,
                          const char *password, gboolean allow_download)
{
  g_return_if_fail (CARRETE_IS_SHARE_LINKS (self));
  gtk_editable_set_text (GTK_EDITABLE (self->label_row), label != NULL ? label : "");
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), password != NULL ? password : "");
  gtk_switch_set_active (self->download_switch, allow_download);
  for (guint i = 0; i < G_N_ELEMENTS (expiry_days); i++)
    if (expiry_days[i] == expires_days)
      adw_combo_row_set_selected (self->expiry_row, i);
}

gboolean
carrete_share_links_get_busy (CarreteShareLinks *self)
{
  g_return_val_if_fail (CARRETE_IS_SHARE_LINKS (self), FALSE);
  return self->busy > 0;
}

GListModel *
carrete_share_links_get_shares (CarreteShareLinks *self)
{
  g_return_val_if_fail (CARRETE_IS_SHARE_LINKS (self), NULL);
  return G_LIST_MODEL (self->shares);
}

const char *
carrete_share_links_get_new_url (CarreteShareLinks *self)
{
  g_return_val_if_fail (CARRETE_IS_SHARE_LINKS (self), NULL);
  return self->new_url;
}

const char *
carrete_share_links_get_row_text (CarreteShareLinks *self, const char *share_id)
{
  GtkWidget *row;

  g_return_val_if_fail (CARRETE_IS_SHARE_LINKS (self), NULL);
  row = carrete_share_section_find_row (self->list, "share-id", share_id);
  return row != NULL ? adw_action_row_get_subtitle (ADW_ACTION_ROW (row)) : NULL;
}

const char *
carrete_share_links_get_error (CarreteShareLinks *self)
{
  g_return_val_if_fail (CARRETE_IS_SHARE_LINKS (self), NULL);
  return carrete_share_section_get_error (self->error_label);
}

/* ---- lifecycle ------------------------------------------------------------------------ */

static void
carrete_share_links_init (CarreteShareLinks *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->shares = g_list_store_new (CARRETE_TYPE_SHARE);
  self->cancellable = g_cancellable_new ();
}

static void
carrete_share_links_dispose (GObject *object)
{
  CarreteShareLinks *self = CARRETE_SHARE_LINKS (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->shares);
  g_clear_object (&self->client);
  gtk_widget_dispose_template (GTK_WIDGET (self), CARRETE_TYPE_SHARE_LINKS);
  G_OBJECT_CLASS (carrete_share_links_parent_class)->dispose (object);
}

static void
carrete_share_links_finalize (GObject *object)
{
  CarreteShareLinks *self = CARRETE_SHARE_LINKS (object);

  g_clear_object (&self->cancellable);
  g_free (self->folder_id);
  g_free (self->new_url);
  G_OBJECT_CLASS (carrete_share_links_parent_class)->finalize (object);
}

static void
carrete_share_links_class_init (CarreteShareLinksClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = carrete_share_links_dispose;
  G_OBJECT_CLASS (klass)->finalize = carrete_share_links_finalize;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/carrete/Desktop/carrete-share-links.ui");
  gtk_widget_class_bind_template_child (widget_class, CarreteShareLinks, label_row);
  gtk_widget_class_bind_template_child (widget_class, CarreteShareLinks, expiry_row);
  gtk_widget_class_bind_template_child (widget_class, CarreteShareLinks, password_row);
  gtk_widget_class_bind_template_child (widget_class, CarreteShareLinks, download_switch);
  gtk_widget_class_bind_template_child (widget_class, CarreteShareLinks, create_button);
  gtk_widget_class_bind_template_child (widget_class, CarreteShareLinks, url_list);
  gtk_widget_class_bind_template_child (widget_class, CarreteShareLinks, url_row);
  gtk_widget_class_bind_template_child (widget_class, CarreteShareLinks, error_label);
  gtk_widget_class_bind_template_child (widget_class, CarreteShareLinks, list);
  gtk_widget_class_bind_template_callback (widget_class, carrete_share_links_submit);
  gtk_widget_class_bind_template_callback (widget_class, carrete_share_links_copy);
}

void
carrete_share_links_set_folder (CarreteShareLinks *self, CarreteClient *client,
                                const char *folder_id)
{
  g_return_if_fail (CARRETE_IS_SHARE_LINKS (self));
  g_return_if_fail (CARRETE_IS_CLIENT (client) && folder_id != NULL);
  g_set_object (&self->client, client);
  g_free (self->folder_id);
  self->folder_id = g_strdup (folder_id);
  reload (self);
}
