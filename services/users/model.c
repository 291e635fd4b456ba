#define G_LOG_DOMAIN "carrete-users-model"

#include "model.h"

#include "carrete-keys.h"

void
users_user_free (UsersUser *user)
{
  if (user == NULL)
    return;
  g_free (user->username);
  g_free (user->email);
  carrete_secret_free (user->password_hash);
  g_free (user->role);
  g_free (user->created_at);
  g_free (user->updated_at);
  g_free (user);
}

static void
write_string (CarreteJsonWriter *writer, const char *name, const char *value)
{
  carrete_json_writer_member (writer, name);
  carrete_json_writer_string (writer, value);
}

static void
write_int (CarreteJsonWriter *writer, const char *name, gint64 value)
{
  carrete_json_writer_member (writer, name);
  carrete_json_writer_int (writer, value);
}

void
users_user_write_json (CarreteJsonWriter *writer, const UsersUser *user, const CarreteIds *ids,
                       gboolean full)
{
  g_autofree char *id = carrete_ids_encode (ids, CARRETE_ID_USER, user->id);

  carrete_json_writer_begin_object (writer);
  write_string (writer, "id", id);
  write_string (writer, "username", user->username);
  if (full)
    {
      write_string (writer, "email", user->email);
      write_string (writer, "role", user->role);
      write_string (writer, "created_at", user->created_at);
      write_string (writer, "updated_at", user->updated_at);
      if (user->has_usage)
        {
          write_int (writer, "quota_bytes", user->quota_bytes);
          write_int (writer, "usage_bytes", user->usage_bytes);
        }
    }
  carrete_json_writer_end_object (writer);
}

void
users_user_page_write_json (CarreteJsonWriter *writer, GPtrArray *users, const char *next_cursor,
                            const CarreteIds *ids, gboolean full)
{
  carrete_json_writer_begin_page (writer);
  for (guint i = 0; i < users->len; i++)
    users_user_write_json (writer, g_ptr_array_index (users, i), ids, full);
  carrete_json_writer_end_page (writer, next_cursor);
}

void
users_session_free (UsersSession *session)
{
  if (session == NULL)
    return;
  g_free (session->access_token);
  carrete_secret_free (session->refresh_token);
  users_user_free (session->user);
  g_free (session->id_token);
  g_free (session);
}

void
users_session_write_json (CarreteJsonWriter *writer, const UsersSession *session,
                          const CarreteIds *ids)
{
  carrete_json_writer_begin_object (writer);
  write_string (writer, "access_token", session->access_token);
  write_string (writer, "token_type", "Bearer");
  write_int (writer, "expires_in", session->expires_in);
  write_string (writer, "refresh_token", session->refresh_token);
  write_int (writer, "refresh_expires_in", session->refresh_expires_in);
  carrete_json_writer_member (writer, "user");
  users_user_write_json (writer, session->user, ids, TRUE);
  if (session->id_token != NULL)
    write_string (writer, "id_token", session->id_token);
  carrete_json_writer_end_object (writer);
}
