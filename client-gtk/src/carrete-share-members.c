#define G_LOG_DOMAIN "carrete-share-members"

#include <glib/gi18n.h>

#include "carrete-client-lib.h"
#include "carrete-share-members.h"
#include "carrete-share-section.h"
#include "carrete-sign-in-page.h"

struct _CarreteShareMembers
{
  GtkBox parent_instance;

  AdwEntryRow *username_row;
  AdwComboRow *role_row;
  GtkButton *add_button;
  GtkLabel *error_label;
  GtkListBox *list;

  GListStore *members; /* CarreteMember */
  CarreteClient *client;
  char *folder_id;
  GCancellable *cancellable;
  guint busy;
};

G_DEFINE_FINAL_TYPE (CarreteShareMembers, carrete_share_members, GTK_TYPE_BOX)

/* The roles, in the order of every role combo row. */
static const char *const roles[] = { "viewer", "contributor" };

static guint
role_index (const char *role)
{
  return g_strcmp0 (role, "contributor") == 0 ? 1 : 0;
}

static GListModel *
role_names (void)
{
  const char *const names[] = { _("Viewer"), _("Contributor"), NULL };

  return G_LIST_MODEL (gtk_string_list_new (names));
}

/* ---- calls ---------------------------------------------------------------------------- */

/* Ends a call: `error` (NULL: none) is shown; FALSE when the widget is
 * going away (touch nothing). */
static gboolean
call_done (CarreteShareMembers *self, const GError *error)
{
  if (g_cancellable_is_cancelled (self->cancellable))
    return FALSE;
  self->busy--;
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button), TRUE);
  if (error != NULL)
    {
      g_autofree char *text = carrete_describe_error (error, NULL);

      carrete_share_section_show_error (self->error_label, text);
    }
  return TRUE;
}

/* A call a person started: the last error goes. */
static void
call_started (CarreteShareMembers *self)
{
  self->busy++;
  carrete_share_section_show_error (self->error_label, NULL);
}

/* ---- the list ------------------------------------------------------------------------- */

static void
on_role_selected (AdwComboRow *row, GParamSpec *pspec, CarreteShareMembers *self);

static void
on_remove_clicked (GtkButton *button, CarreteShareMembers *self)
{
  carrete_share_members_remove (self, g_object_get_data (G_OBJECT (button), "user-id"));
}

static GtkWidget *
member_row_new (CarreteShareMembers *self, CarreteMember *member)
{
  const char *username = carrete_member_get_username (member);
  g_autoptr (GListModel) names = role_names ();
  GtkWidget *row = adw_combo_row_new ();
  GtkWidget *button = gtk_button_new_from_icon_name ("user-trash-symbolic");
  char *user_id = g_strdup (carrete_member_get_user_id (member));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 username != NULL ? username : user_id);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), names);
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), role_index (carrete_member_get_role (member)));
  g_object_set_data_full (G_OBJECT (row), "user-id", user_id, g_free);
  g_signal_connect (row, "notify::selected", G_CALLBACK (on_role_selected), self);
  gtk_widget_set_tooltip_text (button, _("Remove"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  g_object_set_data_full (G_OBJECT (button), "user-id", g_strdup (user_id), g_free);
  g_signal_connect (button, "clicked", G_CALLBACK (on_remove_clicked), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  return row;
}

static void
listed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CarreteShareMembers) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) members
      = carrete_client_list_all_members_finish (CARRETE_CLIENT (source), result, &error);

  if (!call_done (self, error) || members == NULL)
    return;
  g_list_store_splice (self->members, 0, g_list_model_get_n_items (G_LIST_MODEL (self->members)),
                       members->pdata, members->len);
  carrete_share_section_fill_list (self->list, G_LIST_MODEL (self->members),
                                   (CarreteShareRowFunc) member_row_new, self,
                                   _("Not shared with anyone yet"));
}

/* Keeps the error shown: a reload follows a change that may have failed. */
static void
reload (CarreteShareMembers *self)
{
  self->busy++;
  carrete_client_list_all_members_async (self->client, self->folder_id, self->cancellable,
                                         listed_cb, g_object_ref (self));
}

/* Any change ends with the list as the server has it. */
static void
changed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CarreteShareMembers) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteMember) member = NULL;
  gboolean removed = FALSE;

  if (g_async_result_is_tagged (result, carrete_client_put_member_async))
    member = carrete_client_put_member_finish (CARRETE_CLIENT (source), result, &error);
  else
    removed = carrete_client_remove_member_finish (CARRETE_CLIENT (source), result, &error);
  if (!call_done (self, error))
    return;
  if (member != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->username_row), "");
  if (member != NULL || removed || error != NULL)
    reload (self);
}

static void
put_member (CarreteShareMembers *self, const char *user_id, const char *role)
{
  call_started (self);
  carrete_client_put_member_async (self->client, self->folder_id, user_id, role,
                                   self->cancellable, changed_cb, g_object_ref (self));
}

static void
on_role_selected (AdwComboRow *row, GParamSpec *pspec, CarreteShareMembers *self)
{
  guint selected = adw_combo_row_get_selected (row);

  if (selected < G_N_ELEMENTS (roles))
    put_member (self, g_object_get_data (G_OBJECT (row), "user-id"), roles[selected]);
}

/* ---- add, change, remove --------------------------------------------------------------- */

static void
found_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CarreteShareMembers) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteUser) user
      = carrete_client_find_user_finish (CARRETE_CLIENT (source), result, &error);

  if (!call_done (self, error) || user == NULL)
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button), FALSE);
  put_member (self, carrete_user_get_id (user),
              roles[MIN (adw_combo_row_get_selected (self->role_row), G_N_ELEMENTS (roles) - 1)]);
}

void
carrete_share_members_submit (CarreteShareMembers *self)
{
  g_autofree char *username = NULL;

  g_return_if_fail (CARRETE_IS_SHARE_MEMBERS (self));
  username = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->username_row))));
  if (*username == '\0')
    {
      carrete_share_section_show_error (self->error_label,
                                        _("Type the username of the account to share with."));
      return;
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button), FALSE);
  call_started (self);
  carrete_client_find_user_async (self->client, username, self->cancellable, found_cb,
                                  g_object_ref (self));
}

void
carrete_share_members_set_role (CarreteShareMembers *self, const char *user_id, const char *role)
{
  GtkWidget *row;

  g_return_if_fail (CARRETE_IS_SHARE_MEMBERS (self));
  row = carrete_share_section_find_row (self->list, "user-id", user_id);
  g_return_if_fail (row != NULL);
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), role_index (role));
}

void
carrete_share_members_remove (CarreteShareMembers *self, const char *user_id)
{
  g_return_if_fail (CARRETE_IS_SHARE_MEMBERS (self));
  g_return_if_fail (user_id != NULL);
  call_started (self);
  carrete_client_remove_member_async (self->client, self->folder_id, user_id, self->cancellable,
                                      changed_cb, g_object_ref (self));
}

/* ---- the tests' side -------------------------------------------------------------------- */

void
carrete_share_members_fill (CarreteShareMembers *self, const char *username, const char *role)
{
  g_return_if_fail (CARRETE_IS_SHARE_MEMBERS (self));
  gtk_editable_set_text (GTK_EDITABLE (self->username_row), username != NULL ? username : "");
  adw_combo_row_set_selected (self->role_row, role_index (role));
}

gboolean
carrete_share_members_get_busy (CarreteShareMembers *self)
{
  g_return_val_if_fail (CARRETE_IS_SHARE_MEMBERS (self), FALSE);
  return self->busy > 0;
}

GListModel *
carrete_share_members_get_members (CarreteShareMembers *self)
{
  g_return_val_if_fail (CARRETE_IS_SHARE_MEMBERS (self), NULL);
  return G_LIST_MODEL (self->members);
}

const char *
carrete_share_members_get_error (CarreteShareMembers *self)
{
  g_return_val_if_fail (CARRETE_IS_SHARE_MEMBERS (self), NULL);
  return carrete_share_section_get_error (self->error_label);
}

/* ---- lifecycle ------------------------------------------------------------------------ */

static void
carrete_share_members_init (CarreteShareMembers *self)
{
  g_autoptr (GListModel) names = role_names ();

  gtk_widget_init_template (GTK_WIDGET (self));
  adw_combo_row_set_model (self->role_row, names);
  self->members = g_list_store_new (CARRETE_TYPE_MEMBER);
  self->cancellable = g_cancellable_new ();
}

static void
carrete_share_members_dispose (GObject *object)
{
  CarreteShareMembers *self = CARRETE_SHARE_MEMBERS (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->members);
  g_clear_object (&self->client);
  gtk_widget_dispose_template (GTK_WIDGET (self), CARRETE_TYPE_SHARE_MEMBERS);
  G_OBJECT_CLASS (carrete_share_members_parent_class)->dispose (object);
}

static void
carrete_share_members_finalize (GObject *object)
{
  CarreteShareMembers *self = CARRETE_SHARE_MEMBERS (object);

  g_clear_object (&self->cancellable);
  g_free (self->folder_id);
  G_OBJECT_CLASS (carrete_share_members_parent_class)->finalize (object);
}

static void
carrete_share_members_class_init (CarreteShareMembersClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = carrete_share_members_dispose;
  G_OBJECT_CLASS (klass)->finalize = carrete_share_members_finalize;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/carrete/Desktop/carrete-share-members.ui");
  gtk_widget_class_bind_template_child (widget_class, CarreteShareMembers, username_row);
  gtk_widget_class_bind_template_child (widget_class, CarreteShareMembers, role_row);
  gtk_widget_class_bind_template_child (widget_class, CarreteShareMembers, add_button);
  gtk_widget_class_bind_template_child (widget_class, CarreteShareMembers, error_label);
  gtk_widget_class_bind_template_child (widget_class, CarreteShareMembers, list);
  gtk_widget_class_bind_template_callback (widget_class, carrete_share_members_submit);
}

void
carrete_share_members_set_folder (CarreteShareMembers *self, CarreteClient *client,
                                  const char *folder_id)
{
  g_return_if_fail (CARRETE_IS_SHARE_MEMBERS (self));
  g_return_if_fail (CARRETE_IS_CLIENT (client) && folder_id != NULL);
  g_set_object (&self->client, client);
  g_free (self->folder_id);
  self->folder_id = g_strdup (folder_id);
  reload (self);
}
