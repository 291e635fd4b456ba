#define G_LOG_DOMAIN "carrete-member"

#include "carrete-member.h"
#include "carrete-api-private.h"

struct _CarreteMember
{
  GObject parent_instance;
  char *user_id;
  char *username;
  char *role;
  GDateTime *added_at;
};

G_DEFINE_FINAL_TYPE (CarreteMember, carrete_member, G_TYPE_OBJECT)

static void
carrete_member_finalize (GObject *object)
{
  CarreteMember *self = CARRETE_MEMBER (object);

  g_free (self->user_id);
  g_free (self->username);
  g_free (self->role);
  g_clear_pointer (&self->added_at, g_date_time_unref);
  G_OBJECT_CLASS (carrete_member_parent_class)->finalize (object);
}

static void
carrete_member_class_init (CarreteMemberClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = carrete_member_finalize;
}

static void
carrete_member_init (CarreteMember *self)
{
}

CarreteMember *
carrete_member_new_from_json (JsonObject *object, GError **error)
{
  static const char *const required[] = { "user_id", "role", NULL };
  CarreteMember *self;

  if (!_carrete_json_require (object, required, "folder member", error))
    return NULL;
  self = g_object_new (CARRETE_TYPE_MEMBER, NULL);
  self->user_id = g_strdup (carrete_json_get_string (object, "user_id"));
  self->username = g_strdup (carrete_json_get_string (object, "username"));
  self->role = g_strdup (carrete_json_get_string (object, "role"));
  self->added_at = carrete_json_get_time (object, "added_at");
  return self;
}

const char *
carrete_member_get_user_id (CarreteMember *self)
{
  g_return_val_if_fail (CARRETE_IS_MEMBER (self), NULL);
  return self->user_id;
}

const char *
carrete_member_get_username (CarreteMember *self)
{
  g_return_val_if_fail (CARRETE_IS_MEMBER (self), NULL);
  return self->username;
}

const char *
carrete_member_get_role (CarreteMember *self)
{
  g_return_val_if_fail (CARRETE_IS_MEMBER (self), NULL);
  return self->role;
}

GDateTime *
carrete_member_get_added_at (CarreteMember *self)
{
  g_return_val_if_fail (CARRETE_IS_MEMBER (self), NULL);
  return self->added_at;
}
