#define G_LOG_DOMAIN "carrete-user"

#include "carrete-user.h"
#include "carrete-api-private.h"

struct _CarreteUser
{
  GObject parent_instance;
  char *id;
  char *username;
  char *email;
  char *role;
  GDateTime *created_at;
  gint64 quota_bytes; /* -1: not said (another user's profile, or photos not asked) */
  gint64 usage_bytes;
};

G_DEFINE_FINAL_TYPE (CarreteUser, carrete_user, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_USERNAME,
  PROP_EMAIL,
  PROP_ROLE,
  PROP_CREATED_AT,
  PROP_QUOTA_BYTES,
  PROP_USAGE_BYTES,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static void
carrete_user_finalize (GObject *object)
{
  CarreteUser *self = CARRETE_USER (object);

  g_free (self->id);
  g_free (self->username);
  g_free (self->email);
  g_free (self->role);
  g_clear_pointer (&self->created_at, g_date_time_unref);
  G_OBJECT_CLASS (carrete_user_parent_class)->finalize (object);
}

static void
carrete_user_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CarreteUser *self = CARRETE_USER (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_string (value, self->id); break;
    case PROP_USERNAME: g_value_set_string (value, self->username); break;
    case PROP_EMAIL: g_value_set_string (value, self->email); break;
    case PROP_ROLE: g_value_set_string (value, self->role); break;
    case PROP_CREATED_AT: g_value_set_boxed (value, self->created_at); break;
    case PROP_QUOTA_BYTES: g_value_set_int64 (value, self->quota_bytes); break;
    case PROP_USAGE_BYTES: g_value_set_int64 (value, self->usage_bytes); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
carrete_user_class_init (CarreteUserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = carrete_user_finalize;
  object_class->get_property = carrete_user_get_property;
  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_USERNAME] = g_param_spec_string ("username", NULL, NULL, NULL, flags);
  properties[PROP_EMAIL] = g_param_spec_string ("email", NULL, NULL, NULL, flags);
  properties[PROP_ROLE] = g_param_spec_string ("role", NULL, NULL, NULL, flags);
  properties[PROP_CREATED_AT] = g_param_spec_boxed ("created-at", NULL, NULL, G_TYPE_DATE_TIME,
                                                    flags);
  properties[PROP_QUOTA_BYTES]
      = g_param_spec_int64 ("quota-bytes", NULL, NULL, -1, G_MAXINT64, -1, flags);
  properties[PROP_USAGE_BYTES]
      = g_param_spec_int64 ("usage-bytes", NULL, NULL, -1, G_MAXINT64, -1, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
carrete_user_init (CarreteUser *self)
{
  self->quota_bytes = -1;
  self->usage_bytes = -1;
}

CarreteUser *
carrete_user_new_from_json (JsonObject *object, GError **error)
{
  static const char *const required[] = { "id", "username", NULL };
  CarreteUser *self;

  if (!_carrete_json_require (object, required, "user", error))
    return NULL;
  self = g_object_new (CARRETE_TYPE_USER, NULL);
  self->id = g_strdup (carrete_json_get_string (object, "id"));
  self->username = g_strdup (carrete_json_get_string (object, "username"));
  self->email = g_strdup (carrete_json_get_string (object, "email"));
  self->role = g_strdup (carrete_json_get_string (object, "role"));
  self->created_at = carrete_json_get_time (object, "created_at");
  self->quota_bytes = carrete_json_get_int (object, "quota_bytes", -1);
  self->usage_bytes = carrete_json_get_int (object, "usage_bytes", -1);
  return self;
}

const char *
carrete_user_get_id (CarreteUser *self)
{
  g_return_val_if_fail (CARRETE_IS_USER (self), NULL);
  return self->id;
}

const char *
carrete_user_get_username (CarreteUser *self)
{
  g_return_val_if_fail (CARRETE_IS_USER (self), NULL);
  return self->username;
}

const char *
carrete_user_get_email (CarreteUser *self)
{
  g_return_val_if_fail (CARRETE_IS_USER (self), NULL);
  return self->email;
}

const char *
carrete_user_get_role (CarreteUser *self)
{
  g_return_val_if_fail (CARRETE_IS_USER (self), NULL);
  return self->role;
}

GDateTime *
carrete_user_get_created_at (CarreteUser *self)
{
  g_return_val_if_fail (CARRETE_IS_USER (self), NULL);
  return self->created_at;
}

gint64
carrete_user_get_quota_bytes (CarreteUser *self)
{
  g_return_val_if_fail (CARRETE_IS_USER (self), -1);
  return self->quota_bytes;
}

gint64
carrete_user_get_usage_bytes (CarreteUser *self)
{
  g_return_val_if_fail (CARRETE_IS_USER (self), -1);
  return self->usage_bytes;
}
