#define G_LOG_DOMAIN "carrete-e2e-shares"

/* Share links on the live stack (issue 15, item 1): the owner creates a
 * folder's or a photo's link (the token shown once, only its hash
 * stored), lists its links with use count and last use, changes and
 * revokes them; a link holder's token (GET /v1/shares/current) says what it
 * covers; and every bad input of the issue, each a clear 4xx that changes
 * nothing: expiry in the past or in 100 years, a password of 0 or 10,000
 * characters, 1,000 links on one folder, a wrong password 20 times
 * (throttled), a token with one character changed, revoked and expired
 * links.  The token never reaches a service's log. */

#include <string.h>

#include "stack.h"

static Stack *stack;

/* ---- helpers ------------------------------------------------------------------------ */

static CtResponse *
shares (const char *method, const char *path, const char *token, const char *body)
{
  return ct_http (stack->folders.url, method, path, token, body);
}

/* POST /v1/shares with `body`. */
#define create(token, body) shares ("POST", "/v1/shares", token, body)

static CtResponse *
folder_link (const char *token, const char *folder, const char *extra)
{
  g_autofree char *body
      = g_strdup_printf ("{\"folder_id\": \"%s\", \"allow_download\": true%s%s}", folder,
                         extra != NULL ? ", " : "", extra != NULL ? extra : "");

  return create (token, body);
}

/* GET /v1/shares/current as a link holder (`password` NULL: none sent). */
static CtResponse *
current (const char *link, const char *password)
{
  g_autofree char *share = g_strconcat ("X-Carrete-Share: ", link, NULL);
  g_autofree char *pass
      = password != NULL ? g_strconcat ("X-Carrete-Share-Password: ", password, NULL) : NULL;
  const char *headers[] = { share, pass, NULL };

  return ct_http_raw (stack->folders.url, "GET", "/v1/shares/current", headers, NULL, NULL);
}

/* GET /v1/folders/{id} as a link holder. */
static CtResponse *
folder_by_link (const char *folder, const char *link, const char *password)
{
  g_autofree char *path = g_strconcat ("/v1/folders/", folder, NULL);
  g_autofree char *share = g_strconcat ("X-Carrete-Share: ", link, NULL);
  g_autofree char *pass
      = password != NULL ? g_strconcat ("X-Carrete-Share-Password: ", password, NULL) : NULL;
  const char *headers[] = { share, pass, NULL };

  return ct_http_raw (stack->folders.url, "GET", path, headers, NULL, NULL);
}

static CtResponse *
on_share (const char *method, const char *id, const char *token, const char *body)
{
  g_autofree char *path = g_strconcat ("/v1/shares/", id, NULL);

  return shares (method, path, token, body);
}

static CtResponse *
list_links (const char *token, const char *query)
{
  g_autofree char *path = g_strconcat ("/v1/shares?", query, NULL);

  return shares ("GET", path, token, NULL);
}

static guint
all_links (void)
{
  g_autofree char *count = stack_sql (stack, "folders", "SELECT count(*) FROM shares", NULL);

  return (guint)g_ascii_strtoull (count, NULL, 10);
}

/* The use count stored for link `id`.  Uses are written in batches within
 * about a second (services/folders/share-uses.c): waits up to 5 seconds
 * for it to reach `expected`, then returns it as it is. */
static gint64
stored_uses (const char *id, gint64 expected)
{
  g_autofree char *row = stack_row_id (stack, id);
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autofree char *count
          = stack_sql (stack, "folders", "SELECT use_count FROM shares WHERE id = $1::bigint", row);
      gint64 n = g_ascii_strtoll (count, NULL, 10);

      if (n >= expected || g_get_monotonic_time () > deadline)
        return n;
      g_usleep (50 * 1000);
    }
}

/* ---- creating, using, listing -------------------------------------------------------- */

static void
test_create_and_use (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "sh-ana");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *token = NULL;
  g_autofree char *id = NULL;

  {
    g_autoptr (CtResponse) r = folder_link (ana->token, folder, "\"label\": \" Family \"");
    stack_assert_status (r, 201);
    id = g_strdup (ct_response_string (r, "id"));
    token = g_strdup (ct_response_string (r, "token"));
    g_assert_true (g_str_has_prefix (id, "sh_"));
    g_assert_cmpuint (strlen (token), ==, 43);
    g_assert_cmpstr (ct_response_string (r, "folder_id"), ==, folder);
    g_assert_cmpstr (ct_response_string (r, "label"), ==, "Family");
    g_assert_true (json_object_get_boolean_member (ct_response_object (r), "allow_download"));
    g_assert_false (json_object_get_boolean_member (ct_response_object (r), "has_password"));
    g_assert_true (json_object_get_null_member (ct_response_object (r), "expires_at"));
    g_assert_cmpint (json_object_get_int_member (ct_response_object (r), "use_count"), ==, 0);
    {
      g_autofree char *url = g_strconcat ("/s/", token, NULL);
      g_autofree char *location = g_strconcat ("/v1/shares/", id, NULL);
      g_assert_cmpstr (ct_response_string (r, "url"), ==, url);
      g_assert_cmpstr (ct_response_header (r, "Location"), ==, location);
    }
  }
  /* Only the token's SHA-256 is stored. */
  {
    g_autofree char *row = stack_row_id (stack, id);
    g_autofree char *stored
        = stack_sql (stack, "folders",
                     "SELECT encode(token_hash, 'hex') FROM shares WHERE id = $1::bigint", row);
    g_autofree char *hit = stack_sql (
        stack, "folders",
        "SELECT count(*) FROM shares WHERE position(convert_to($1, 'UTF8') IN token_hash) > 0",
        token);
    g_assert_cmpuint (strlen (stored), ==, 64);
    g_assert_cmpstr (hit, ==, "0");
  }
  /* The holder learns what it covers, and nothing of the owner's. */
  for (int i = 0; i < 2; i++)
    {
      g_autoptr (CtResponse) r = current (token, NULL);
      stack_assert_status (r, 200);
      g_assert_cmpstr (ct_response_string (r, "folder_id"), ==, folder);
      g_assert_true (json_object_get_boolean_member (ct_response_object (r), "allow_download"));
      g_assert_false (json_object_has_member (ct_response_object (r), "token"));
      g_assert_false (json_object_has_member (ct_response_object (r), "id"));
    }
  /* The owner's list: use count and last use, never the token. */
  g_assert_cmpint (stored_uses (id, 2), ==, 2);
  {
    g_autofree char *query = g_strconcat ("folder_id=", folder, NULL);
    g_autoptr (CtResponse) r = list_links (ana->token, query);
    JsonArray *items;
    JsonObject *item;
    stack_assert_status (r, 200);
    items = json_object_get_array_member (ct_response_object (r), "items");
    g_assert_cmpuint (json_array_get_length (items), ==, 1);
    item = json_array_get_object_element (items, 0);
    g_assert_cmpstr (json_object_get_string_member (item, "id"), ==, id);
    g_assert_cmpint (json_object_get_int_member (item, "use_count"), ==, 2);
    g_assert_true (g_str_has_suffix (json_object_get_string_member (item, "last_used_at"), "Z"));
    g_assert_false (json_object_has_member (item, "token"));
    g_assert_false (json_object_has_member (item, "url"));
  }
  /* The token is in no service's log. */
  {
    g_autofree char *folders_log = ct_service_output (stack->folders.service);
    g_autofree char *photos_log = ct_service_output (stack->photos.service);
    g_autofree char *users_log = ct_service_output (stack->users.service);
    g_assert_null (strstr (folders_log, token));
    g_assert_null (strstr (photos_log, token));
    g_assert_null (strstr (users_log, token));
  }
}

/* A link without a password to a new private folder of a new user
 * `username`: its id and token. */
static void
new_link (const char *username, char **folder, char **id, char **token)
{
  g_autoptr (StackUser) user = stack_user_new (stack, username);
  g_autoptr (CtResponse) r = NULL;

  *folder = stack_folder_new (stack, user->token, "private", NULL);
  r = folder_link (user->token, *folder, NULL);
  stack_assert_status (r, 201);
  *id = g_strdup (ct_response_string (r, "id"));
  *token = g_strdup (ct_response_string (r, "token"));
}

/* Uses are counted in memory and written in batches: a clean stop
 * (SIGTERM) writes those still pending before carrete-folders exits. */
static void
test_uses_survive_stop (void)
{
  g_autofree char *folder = NULL;
  g_autofree char *token = NULL;
  g_autofree char *id = NULL;
  g_autofree char *row = NULL;

  new_link ("sh-stop-ana", &folder, &id, &token);
  for (int i = 0; i < 3; i++)
    {
      g_autoptr (CtResponse) r = folder_by_link (folder, token, NULL);
      stack_assert_status (r, 200);
    }
  /* Written by the stop itself: checked while the service is down. */
  stack_stop (&stack->folders);
  row = stack_row_id (stack, id);
  {
    g_autofree char *stored = stack_sql (
        stack, "folders",
        "SELECT use_count || ' ' || (last_used_at IS NOT NULL) FROM shares WHERE id = $1::bigint",
        row);
    g_assert_cmpstr (stored, ==, "3 true");
  }
  stack_restart (&stack->folders);
}

/* A write of the uses that fails (here: cancelled while it waits on a
 * lock) keeps its counts for the next one: none is lost, none is counted
 * twice. */
static void
test_uses_kept_after_failed_write (void)
{
  g_autofree char *folder = NULL;
  g_autofree char *token = NULL;
  g_autofree char *id = NULL;
  PGconn *locker = ct_postgres_connect (stack->pg, "carrete_folders");

  new_link ("sh-fail-ana", &folder, &id, &token);
  /* Reads go on; the UPDATE waits. */
  ct_postgres_exec (locker, "BEGIN");
  ct_postgres_exec (locker, "LOCK TABLE shares IN EXCLUSIVE MODE");
  for (int i = 0; i < 2; i++)
    {
      g_autoptr (CtResponse) r = current (token, NULL);
      stack_assert_status (r, 200);
    }
  g_assert_true (ct_postgres_lock_waiters_become (stack->pg, "carrete_folders", "carrete-folders",
                                                  "unnest", 1, 10000));
  g_free (ct_postgres_query (stack->pg, "carrete_folders",
                             "SELECT pg_cancel_backend(pid) FROM pg_stat_activity"
                             " WHERE application_name = 'carrete-folders'"
                             " AND wait_event_type = 'Lock' AND query LIKE '%unnest%'"));
  g_assert_true (ct_postgres_lock_waiters_become (stack->pg, "carrete_folders", "carrete-folders",
                                                  "unnest", 0, 10000));
  {
    g_autoptr (CtResponse) r = current (token, NULL);
    stack_assert_status (r, 200);
  }
  ct_postgres_exec (locker, "COMMIT");
  PQfinish (locker);
  {
    g_autofree char *log = ct_service_output (stack->folders.service);
    g_assert_nonnull (strstr (log, "writing share link uses failed (kept for the next try)"));
  }
  g_assert_cmpint (stored_uses (id, 3), ==, 3);
  /* And no later write adds more. */
  g_usleep (1500 * 1000);
  g_assert_cmpint (stored_uses (id, 3), ==, 3);
}

/* Only the owner manages links: a stranger gets 404 for a private folder
 * and 403 for a public one (its existence is public), and 404 for the
 * owner's link ids; anonymous callers 401. */
static void
test_owner_only (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "sh-own-ana");
  g_autoptr (StackUser) eve = stack_user_new (stack, "sh-own-eve");
  g_autofree char *private_folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *public_folder = stack_folder_new (stack, ana->token, "public", NULL);
  g_autofree char *id = NULL;
  guint before;

  {
    g_autoptr (CtResponse) r = folder_link (ana->token, private_folder, NULL);
    stack_assert_status (r, 201);
    id = g_strdup (ct_response_string (r, "id"));
  }
  before = all_links ();
  {
    g_autoptr (CtResponse) r = folder_link (eve->token, private_folder, NULL);
    ct_assert_problem (r, 404, NULL);
  }
  {
    g_autoptr (CtResponse) r = folder_link (eve->token, public_folder, NULL);
    ct_assert_problem (r, 403, NULL);
  }
  {
    g_autoptr (CtResponse) r = folder_link (NULL, private_folder, NULL);
    ct_assert_problem (r, 401, NULL);
  }
  {
    g_autofree char *query = g_strconcat ("folder_id=", private_folder, NULL);
    g_autoptr (CtResponse) r = list_links (eve->token, query);
    ct_assert_problem (r, 404, NULL);
  }
  {
    g_autoptr (CtResponse) r = on_share ("PATCH", id, eve->token, "{\"label\": \"mine\"}");
    ct_assert_problem (r, 404, NULL);
  }
  {
    g_autoptr (CtResponse) r = on_share ("DELETE", id, eve->token, NULL);
    ct_assert_problem (r, 404, NULL);
  }
  g_assert_cmpuint (all_links (), ==, before);
  {
    g_autofree char *row = stack_row_id (stack, id);
    g_autofree char *label = stack_sql (
        stack, "folders", "SELECT coalesce(label, '-') FROM shares WHERE id = $1::bigint", row);
    g_assert_cmpstr (label, ==, "-");
  }
}

/* A photo's link: its owner only (another's public photo is 403, an
 * unknown one 404). */
static void
test_photo_link (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "sh-ph-ana");
  g_autoptr (StackUser) eve = stack_user_new (stack, "sh-ph-eve");
  g_autofree char *public_folder = stack_folder_new (stack, ana->token, "public", NULL);
  g_autofree char *photo = stack_photo_new (stack, ana->token, public_folder);
  g_autofree char *body
      = g_strdup_printf ("{\"photo_id\": \"%s\", \"allow_download\": false}", photo);
  g_autofree char *token = NULL;
  guint before;

  {
    g_autoptr (CtResponse) r = create (ana->token, body);
    stack_assert_status (r, 201);
    g_assert_cmpstr (ct_response_string (r, "photo_id"), ==, photo);
    g_assert_false (json_object_has_member (ct_response_object (r), "folder_id"));
    token = g_strdup (ct_response_string (r, "token"));
  }
  {
    g_autoptr (CtResponse) r = current (token, NULL);
    stack_assert_status (r, 200);
    g_assert_cmpstr (ct_response_string (r, "photo_id"), ==, photo);
    g_assert_false (json_object_get_boolean_member (ct_response_object (r), "allow_download"));
  }
  before = all_links ();
  {
    g_autoptr (CtResponse) r = create (eve->token, body);
    ct_assert_problem (r, 403, NULL);
  }
  {
    g_autoptr (CtResponse) r
        = create (ana->token, "{\"photo_id\": \"ph_00000000000\", \"allow_download\": true}");
    ct_assert_problem (r, 404, NULL);
  }
  g_assert_cmpuint (all_links (), ==, before);
  {
    g_autofree char *query = g_strconcat ("photo_id=", photo, NULL);
    g_autoptr (CtResponse) r = list_links (ana->token, query);
    stack_assert_status (r, 200);
    g_assert_cmpuint (
        json_array_get_length (json_object_get_array_member (ct_response_object (r), "items")), ==,
        1);
  }
}

/* ---- changing and revoking ------------------------------------------------------------ */

static void
test_patch (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "sh-pa-ana");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *id = NULL;
  g_autofree char *token = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) later = g_date_time_add_days (now, 7);
  g_autofree char *expiry = g_date_time_format (later, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *expiry_prefix = g_date_time_format (later, "%Y-%m-%dT%H:%M:%S.000Z");

  {
    g_autoptr (CtResponse) r = folder_link (ana->token, folder, NULL);
    stack_assert_status (r, 201);
    id = g_strdup (ct_response_string (r, "id"));
    token = g_strdup (ct_response_string (r, "token"));
  }
  {
    g_autofree char *body = g_strdup_printf (
        "{\"label\": \"Week\", \"allow_download\": false, \"expires_at\": \"%s\","
        " \"password\": \"open sesame\"}",
        expiry);
    g_autoptr (CtResponse) r = on_share ("PATCH", id, ana->token, body);
    stack_assert_status (r, 200);
    g_assert_cmpstr (ct_response_string (r, "label"), ==, "Week");
    g_assert_false (json_object_get_boolean_member (ct_response_object (r), "allow_download"));
    g_assert_true (json_object_get_boolean_member (ct_response_object (r), "has_password"));
    g_assert_true (g_str_has_prefix (ct_response_string (r, "expires_at"), expiry_prefix));
    g_assert_false (json_object_has_member (ct_response_object (r), "token"));
  }
  {
    g_autoptr (CtResponse) r = current (token, "open sesame");
    stack_assert_status (r, 200);
    g_assert_false (json_object_get_boolean_member (ct_response_object (r), "allow_download"));
  }
  /* The password and the label removed, downloads back on. */
  {
    g_autoptr (CtResponse) r = on_share (
        "PATCH", id, ana->token,
        "{\"password\": null, \"label\": null, \"allow_download\": true, \"expires_at\": null}");
    stack_assert_status (r, 200);
    g_assert_false (json_object_get_boolean_member (ct_response_object (r), "has_password"));
    g_assert_true (json_object_get_null_member (ct_response_object (r), "label"));
    g_assert_true (json_object_get_null_member (ct_response_object (r), "expires_at"));
  }
  {
    g_autoptr (CtResponse) r = current (token, NULL);
    stack_assert_status (r, 200);
  }
  /* Bad changes change nothing. */
  {
    g_autoptr (CtResponse) r = on_share ("PATCH", id, ana->token, "{}");
    ct_assert_problem (r, 422, NULL);
  }
  {
    g_autoptr (CtResponse) r
        = on_share ("PATCH", id, ana->token, "{\"expires_at\": \"2001-01-01T00:00:00Z\"}");
    ct_assert_problem (r, 422, "expires_at");
  }
  {
    g_autoptr (CtResponse) r = on_share ("PATCH", id, ana->token, "{\"password\": \"\"}");
    ct_assert_problem (r, 422, "password");
  }
  {
    g_autoptr (CtResponse) r
        = on_share ("PATCH", "sh_00000000000", ana->token, "{\"label\": \"x\"}");
    ct_assert_problem (r, 404, NULL);
  }
  {
    g_autofree char *row = stack_row_id (stack, id);
    g_autofree char *state = stack_sql (
        stack, "folders",
        "SELECT concat_ws('|', coalesce(label, '-'), allow_download, password_hash IS NULL,"
        " expires_at IS NULL) FROM shares WHERE id = $1::bigint",
        row);
    g_assert_cmpstr (state, ==, "-|t|t|t");
  }
}

/* Revoked: 204, then the token is 404 and so is a second DELETE. */
static void
test_revoke (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "sh-rv-ana");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *id = NULL;
  g_autofree char *token = NULL;
  g_autoptr (CtResponse) wrong = NULL;

  {
    g_autoptr (CtResponse) r = folder_link (ana->token, folder, NULL);
    stack_assert_status (r, 201);
    id = g_strdup (ct_response_string (r, "id"));
    token = g_strdup (ct_response_string (r, "token"));
  }
  {
    g_autoptr (CtResponse) r = on_share ("DELETE", id, ana->token, NULL);
    stack_assert_status (r, 204);
  }
  g_assert_cmpuint (stack_count_links (stack, folder), ==, 0);
  wrong = current ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL);
  {
    g_autoptr (CtResponse) r = current (token, NULL);
    /* Revoked looks exactly like a token that never existed. */
    ct_assert_same_problem (r, wrong, 404);
  }
  {
    g_autoptr (CtResponse) r = on_share ("DELETE", id, ana->token, NULL);
    ct_assert_problem (r, 404, NULL);
  }
}

/* Expired (the clock moved past it), one character changed, garbage, a
 * trashed folder: all the same 404. */
static void
test_not_found_alike (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "sh-nf-ana");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *token = NULL;
  g_autofree char *id = NULL;
  g_autoptr (CtResponse) wrong = current ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL);

  ct_assert_problem (wrong, 404, NULL);
  {
    g_autoptr (CtResponse) r = folder_link (ana->token, folder, NULL);
    stack_assert_status (r, 201);
    token = g_strdup (ct_response_string (r, "token"));
    id = g_strdup (ct_response_string (r, "id"));
  }
  {
    g_autofree char *changed = stack_changed_token (token);
    g_autoptr (CtResponse) r = current (changed, NULL);
    ct_assert_same_problem (r, wrong, 404);
  }
  {
    g_autoptr (CtResponse) r = current ("not a token", NULL);
    ct_assert_same_problem (r, wrong, 404);
  }
  {
    g_autoptr (CtResponse) r = current (token, NULL);
    stack_assert_status (r, 200);
  }
  {
    g_autofree char *row = stack_row_id (stack, id);
    g_autofree char *done = stack_sql (
        stack, "folders",
        "UPDATE shares SET expires_at = now() - interval '1 second' WHERE id = $1::bigint"
        " RETURNING id",
        row);
    g_autoptr (CtResponse) r = current (token, NULL);
    ct_assert_same_problem (r, wrong, 404);
  }
}

/* ---- bad inputs ---------------------------------------------------------------------- */

static void
assert_refused (const char *token, const char *body, guint status, const char *field)
{
  guint before = all_links ();
  g_autoptr (CtResponse) r = create (token, body);

  ct_assert_problem (r, status, field);
  g_assert_cmpuint (all_links (), ==, before);
}

static void
test_bad_inputs (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "sh-bad-ana");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) century = g_date_time_add_years (now, 100);
  g_autofree char *far = g_date_time_format (century, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *long_password = g_strnfill (10000, 'p');
  g_autofree char *long_label = g_strnfill (129, 'l');
  struct
  {
    char *body;
    const char *field;
  } cases[] = {
    { g_strdup_printf ("{\"folder_id\": \"%s\", \"allow_download\": true,"
                       " \"expires_at\": \"2020-01-01T00:00:00Z\"}",
                       folder),
      "expires_at" },
    { g_strdup_printf ("{\"folder_id\": \"%s\", \"allow_download\": true, \"expires_at\": \"%s\"}",
                       folder, far),
      "expires_at" },
    { g_strdup_printf (
          "{\"folder_id\": \"%s\", \"allow_download\": true, \"expires_at\": \"soon\"}", folder),
      "expires_at" },
    { g_strdup_printf ("{\"folder_id\": \"%s\", \"allow_download\": true, \"password\": \"\"}",
                       folder),
      "password" },
    { g_strdup_printf ("{\"folder_id\": \"%s\", \"allow_download\": true, \"password\": \"%s\"}",
                       folder, long_password),
      "password" },
    /* No header can carry it to the link (X-Carrete-Share-Password). */
    { g_strdup_printf ("{\"folder_id\": \"%s\", \"allow_download\": true,"
                       " \"password\": \"two\\nlines\"}",
                       folder),
      "password" },
    { g_strdup_printf ("{\"folder_id\": \"%s\", \"allow_download\": true, \"label\": \"%s\"}",
                       folder, long_label),
      "label" },
    { g_strdup_printf ("{\"folder_id\": \"%s\"}", folder), "allow_download" },
    { g_strdup_printf ("{\"folder_id\": \"%s\", \"allow_download\": \"yes\"}", folder),
      "allow_download" },
    { g_strdup_printf ("{\"folder_id\": \"%s\", \"photo_id\": \"ph_00000000000\","
                       " \"allow_download\": true}",
                       folder),
      "folder_id" },
    { g_strdup ("{\"allow_download\": true}"), "folder_id" },
    { g_strdup_printf ("{\"folder_id\": \"%s\", \"allow_download\": true, \"owner\": 1}", folder),
      "owner" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      assert_refused (ana->token, cases[i].body, 422, cases[i].field);
      g_free (cases[i].body);
    }
  assert_refused (ana->token, "{\"folder_id\": \"fo_zzzzzzzzzzz\", \"allow_download\": true}", 404,
                  NULL);
  assert_refused (ana->token, "not json", 400, NULL);
  {
    g_autoptr (CtResponse) r = list_links (ana->token, "limit=5");
    ct_assert_problem (r, 422, "folder_id");
  }
  {
    g_autofree char *query = g_strconcat ("folder_id=", folder, "&cursor=forged", NULL);
    g_autoptr (CtResponse) r = list_links (ana->token, query);
    ct_assert_problem (r, 400, NULL);
  }
  {
    g_autoptr (CtResponse) r
        = ct_http (stack->folders.url, "GET", "/v1/shares/current", NULL, NULL);
    ct_assert_problem (r, 400, NULL);
  }
}

/* 1,000 links on one folder: the first 100 live ones are made, every one
 * after is a 409 that makes nothing; an expired link frees its place; the
 * list pages through all of them. */
static void
test_thousand_links (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "sh-1k-ana");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *cursor = NULL;
  guint listed = 0;

  for (guint i = 0; i < 1000; i++)
    {
      g_autoptr (CtResponse) r = folder_link (ana->token, folder, NULL);
      if (i < 100)
        stack_assert_status (r, 201);
      else
        ct_assert_problem (r, 409, NULL);
    }
  g_assert_cmpuint (stack_count_links (stack, folder), ==, 100);
  {
    g_autofree char *row = stack_row_id (stack, folder);
    g_autofree char *done = stack_sql (
        stack, "folders",
        "UPDATE shares SET expires_at = now() - interval '1 second'"
        " WHERE id = (SELECT min(id) FROM shares WHERE folder_id = $1::bigint) RETURNING id",
        row);
    g_autoptr (CtResponse) r = folder_link (ana->token, folder, NULL);
    stack_assert_status (r, 201);
  }
  do
    {
      g_autofree char *query
          = cursor != NULL ? g_strdup_printf ("folder_id=%s&limit=30&cursor=%s", folder, cursor)
                           : g_strdup_printf ("folder_id=%s&limit=30", folder);
      g_autoptr (CtResponse) r = list_links (ana->token, query);
      JsonObject *page;
      stack_assert_status (r, 200);
      page = ct_response_object (r);
      listed += json_array_get_length (json_object_get_array_member (page, "items"));
      g_clear_pointer (&cursor, g_free);
      if (!json_object_get_null_member (page, "next_cursor"))
        cursor = g_strdup (json_object_get_string_member (page, "next_cursor"));
    }
  while (cursor != NULL);
  g_assert_cmpuint (listed, ==, 101);
}

/* A password: missing or wrong is 401 (the same problem), right is 200;
 * 20 wrong guesses from one address are throttled as logins are (429 with
 * Retry-After past 10), and then even the right one waits. */
static void
test_password (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "sh-pw-ana");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *token = NULL;
  guint throttled = 0;

  {
    g_autoptr (CtResponse) r
        = folder_link (ana->token, folder, "\"password\": \"hunter2 hunter2\"");
    stack_assert_status (r, 201);
    g_assert_true (json_object_get_boolean_member (ct_response_object (r), "has_password"));
    token = g_strdup (ct_response_string (r, "token"));
  }
  {
    g_autofree char *stored
        = stack_sql (stack, "folders",
                     "SELECT password_hash FROM shares WHERE password_hash IS NOT NULL"
                     " ORDER BY id DESC LIMIT 1",
                     NULL);
    g_assert_true (g_str_has_prefix (stored, "$argon2id$"));
  }
  {
    g_autoptr (CtResponse) missing = current (token, NULL);
    g_autoptr (CtResponse) wrong = current (token, "hunter3");
    ct_assert_problem (missing, 401, NULL);
    ct_assert_problem (wrong, 401, NULL);
  }
  {
    g_autoptr (CtResponse) r = current (token, "hunter2 hunter2");
    stack_assert_status (r, 200);
    g_assert_cmpstr (ct_response_string (r, "folder_id"), ==, folder);
  }
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr (CtResponse) r = current (token, "wrong guess");
      if (i < 10)
        ct_assert_problem (r, 401, NULL);
      else
        {
          ct_assert_problem (r, 429, NULL);
          g_assert_nonnull (ct_response_header (r, "Retry-After"));
          throttled++;
        }
    }
  g_assert_cmpuint (throttled, ==, 10);
  {
    g_autoptr (CtResponse) r = current (token, "hunter2 hunter2");
    ct_assert_problem (r, 429, NULL);
  }
  /* The password never reaches a log either. */
  {
    g_autofree char *folders_log = ct_service_output (stack->folders.service);
    g_assert_null (strstr (folders_log, "hunter2"));
    g_assert_null (strstr (folders_log, token));
  }
}

/* A folder's links go with the folder to the trash (404 while there) and
 * with the account. */
static void
test_trashed_folder (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "sh-tr-ana");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *token = NULL;

  {
    g_autoptr (CtResponse) r = folder_link (ana->token, folder, NULL);
    stack_assert_status (r, 201);
    token = g_strdup (ct_response_string (r, "token"));
  }
  {
    g_autofree char *path = g_strconcat ("/v1/folders/", folder, NULL);
    g_autoptr (CtResponse) r = shares ("DELETE", path, ana->token, NULL);
    stack_assert_status (r, 204);
  }
  {
    g_autoptr (CtResponse) r = current (token, NULL);
    ct_assert_problem (r, 404, NULL);
  }
}

/* GET /v1/folders/{id} with the link: the folder it covers (role "link",
 * with allow_download), nothing else; its password and its revocation
 * hold there too. */
static void
test_folder_by_link (void)
{
  g_autoptr (StackUser) ana = stack_user_new (stack, "sh-fl-ana");
  g_autofree char *folder = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *other = stack_folder_new (stack, ana->token, "private", NULL);
  g_autofree char *id = NULL;
  g_autofree char *token = NULL;

  {
    g_autofree char *body = g_strdup_printf (
        "{\"folder_id\": \"%s\", \"allow_download\": false, \"password\": \"pw for bea\"}", folder);
    g_autoptr (CtResponse) made = create (ana->token, body);
    stack_assert_status (made, 201);
    id = g_strdup (ct_response_string (made, "id"));
    token = g_strdup (ct_response_string (made, "token"));
  }
  {
    g_autoptr (CtResponse) r = folder_by_link (folder, token, "pw for bea");
    stack_assert_status (r, 200);
    g_assert_cmpstr (ct_response_string (r, "id"), ==, folder);
    g_assert_cmpstr (ct_response_string (r, "role"), ==, "link");
    g_assert_false (json_object_get_boolean_member (ct_response_object (r), "allow_download"));
  }
  {
    g_autoptr (CtResponse) r = folder_by_link (other, token, "pw for bea");
    ct_assert_problem (r, 404, NULL);
  }
  {
    g_autoptr (CtResponse) r = folder_by_link (folder, token, NULL);
    ct_assert_problem (r, 401, NULL);
  }
  {
    g_autoptr (CtResponse) r = folder_by_link (folder, token, "wrong");
    ct_assert_problem (r, 401, NULL);
  }
  {
    g_autofree char *changed = stack_changed_token (token);
    g_autoptr (CtResponse) r = folder_by_link (folder, changed, "pw for bea");
    ct_assert_problem (r, 404, NULL);
  }
  /* Without the link the folder is private: 404 to an anonymous caller. */
  {
    g_autofree char *path = g_strconcat ("/v1/folders/", folder, NULL);
    g_autoptr (CtResponse) r = shares ("GET", path, NULL, NULL);
    ct_assert_problem (r, 404, NULL);
  }
  {
    g_autoptr (CtResponse) r = on_share ("DELETE", id, ana->token, NULL);
    stack_assert_status (r, 204);
  }
  {
    g_autoptr (CtResponse) r = folder_by_link (folder, token, "pw for bea");
    ct_assert_problem (r, 404, NULL);
  }
}

int
main (int argc, char **argv)
{
  static const CtTest tests[] = {
    { "/carrete/e2e/shares/create-and-use", test_create_and_use },
    { "/carrete/e2e/shares/uses-survive-stop", test_uses_survive_stop },
    { "/carrete/e2e/shares/uses-kept-after-failed-write", test_uses_kept_after_failed_write },
    { "/carrete/e2e/shares/owner-only", test_owner_only },
    { "/carrete/e2e/shares/photo-link", test_photo_link },
    { "/carrete/e2e/shares/patch", test_patch },
    { "/carrete/e2e/shares/revoke", test_revoke },
    { "/carrete/e2e/shares/not-found-alike", test_not_found_alike },
    { "/carrete/e2e/shares/bad-inputs", test_bad_inputs },
    { "/carrete/e2e/shares/thousand-links", test_thousand_links },
    { "/carrete/e2e/shares/password", test_password },
    { "/carrete/e2e/shares/trashed-folder", test_trashed_folder },
    { "/carrete/e2e/shares/folder-by-link", test_folder_by_link },
  };

  return CT_TEST_MAIN (argc, argv, stack_start, stack_free, &stack, tests);
}
