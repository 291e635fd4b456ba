#define G_LOG_DOMAIN "carrete-share"

#include "carrete-share.h"
#include "carrete-api-private.h"

struct _CarreteShare
{
  GObject parent_instance;
  char *id;
  char *folder_id;
  char *photo_id;
  char *token;
  char *url;
  char *label;
  gboolean allow_download;
  gboolean has_password;
  GDateTime *expires_at;
  GDateTime *created_at;
  gint64 use_count;
  GDateTime *last_used_at;
};

G_DEFINE_FINAL_TYPE (CarreteShare, carrete_share, G_TYPE_OBJECT)

static void
carrete_share_finalize (GObject *object)
{
  CarreteShare *self = CARRETE_SHARE (object);

  g_free (self->id);
  g_free (self->folder_id);
  g_free (self->photo_id);
  g_free (self->token);
  g_free (self->url);
  g_free (self->label);
  g_clear_pointer (&self->expires_at, g_date_time_unref);
  g_clear_pointer (&self->created_at, g_date_time_unref);
  g_clear_pointer (&self->last_used_at, g_date_time_unref);
  G_OBJECT_CLASS (carrete_share_parent_class)->finalize (object);
}

static void
carrete_share_class_init (CarreteShareClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = carrete_share_finalize;
}

static void
carrete_share_init (CarreteShare *self)
{
}

CarreteShare *
carrete_share_new_from_json (JsonObject *object, GError **error)
{
  static const char *const required[] = { "id", NULL };
  CarreteShare *self;

  if (!_carrete_json_require (object, required, "share link", error))
    return NULL;
  self = g_object_new (CARRETE_TYPE_SHARE, NULL);
  self->id = g_strdup (carrete_json_get_string (object, "id"));
  self->folder_id = g_strdup (carrete_json_get_string (object, "folder_id"));
  self->photo_id = g_strdup (carrete_json_get_string (object, "photo_id"));
  self->token = g_strdup (carrete_json_get_string (object, "token"));
  self->url = g_strdup (carrete_json_get_string (object, "url"));
  self->label = g_strdup (carrete_json_get_string (object, "label"));
  self->allow_download = carrete_json_get_bool (object, "allow_download", TRUE);
  self->has_password = carrete_json_get_bool (object, "has_password", FALSE);
  self->expires_at = carrete_json_get_time (object, "expires_at");
  self->created_at = carrete_json_get_time (object, "created_at");
  self->use_count = carrete_json_get_int (object, "use_count", 0);
  self->last_used_at = carrete_json_get_time (object, "last_used_at");
  return self;
}

#define GETTER(type, name, fallback)                                                      \
  type carrete_share_get_##name (CarreteShare *self)                                      \
  {                                                                                       \
    g_return_val_if_fail (CARRETE_IS_SHARE (self), fallback);                             \
    return self->name;                                                                    \
  }

GETTER (const char *, id, NULL)
GETTER (const char *, folder_id, NULL)
GETTER (const char *, photo_id, NULL)
GETTER (const char *, token, NULL)
GETTER (const char *, url, NULL)
GETTER (const char *, label, NULL)
GETTER (gboolean, allow_download, FALSE)
GETTER (gboolean, has_password, FALSE)
GETTER (GDateTime *, expires_at, NULL)
GETTER (GDateTime *, created_at, NULL)
GETTER (gint64, use_count, 0)
GETTER (GDateTime *, last_used_at, NULL)
