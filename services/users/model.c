#define G_LOG_DOMAIN "carrete-users-model"

#include "model.h"

#include <sodium.h>
#include <string.h>

void
users_user_free (UsersUser *user)
{
  if (user == NULL)
    return;
  g_free (user->username);
  g_free (user->email);
  if (user->password_hash != NULL)
    sodium_memzero (user->password_hash, strlen (user->password_hash));
  g_free (user->password_hash);
  g_free (user->role);
  g_free (user->created_at);
  g_free (user->updated_at);
  g_free (user);
}

static void
add_string (JsonBuilder *builder, const char *name, const char *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
build_user (JsonBuilder *builder, const UsersUser *user, const CarreteIds *ids, gboolean full)
{
  g_autofree char *id = carrete_ids_encode (ids, CARRETE_ID_USER, user->id);

  json_builder_begin_object (builder);
  add_string (builder, "id", id);
  add_string (builder, "username", user->username);
  if (full)
    {
      add_string (builder, "email", user->email);
      add_string (builder, "role", user->role);
      add_string (builder, "created_at", user->created_at);
      add_string (builder, "updated_at", user->updated_at);
    }
  json_builder_end_object (builder);
}

JsonNode *
users_user_to_json (const UsersUser *user, const CarreteIds *ids)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  build_user (builder, user, ids, TRUE);
  return json_builder_get_root (builder);
}

JsonNode *
users_user_to_public_json (const UsersUser *user, const CarreteIds *ids)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  build_user (builder, user, ids, FALSE);
  return json_builder_get_root (builder);
}

JsonNode *
users_user_page_to_json (GPtrArray *users, const char *next_cursor, const CarreteIds *ids)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  for (guint i = 0; i < users->len; i++)
    build_user (builder, g_ptr_array_index (users, i), ids, TRUE);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "next_cursor");
  if (next_cursor != NULL)
    json_builder_add_string_value (builder, next_cursor);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

void
users_session_free (UsersSession *session)
{
  if (session == NULL)
    return;
  g_free (session->access_token);
  if (session->refresh_token != NULL)
    sodium_memzero (session->refresh_token, strlen (session->refresh_token));
  g_free (session->refresh_token);
  users_user_free (session->user);
  g_free (session);
}

JsonNode *
users_session_to_json (const UsersSession *session, const CarreteIds *ids)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_string (builder, "access_token", session->access_token);
  add_string (builder, "token_type", "Bearer");
  json_builder_set_member_name (builder, "expires_in");
  json_builder_add_int_value (builder, session->expires_in);
  add_string (builder, "refresh_token", session->refresh_token);
  json_builder_set_member_name (builder, "refresh_expires_in");
  json_builder_add_int_value (builder, session->refresh_expires_in);
  json_builder_set_member_name (builder, "user");
  build_user (builder, session->user, ids, TRUE);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
