#define G_LOG_DOMAIN "carrete-test-folders-api"

#include <string.h>

#include "carrete-base64url.h"
#include "carrete-jwt.h"
#include "folders-fixture.h"

static FoldersFixture *fx;

static char *
count_folders (void)
{
  return folders_sql (fx, "SELECT count(*) FROM folders", NULL);
}

static void
assert_tags (CtResponse *response, const char *const *expected)
{
  JsonArray *tags = json_object_get_array_member (ct_response_object (response), "tags");

  g_assert_cmpuint (json_array_get_length (tags), ==, g_strv_length ((char **) expected));
  for (guint i = 0; expected[i] != NULL; i++)
    g_assert_cmpstr (json_array_get_string_element (tags, i), ==, expected[i]);
}

static void
test_create_ok (void)
{
  g_autofree char *owner = NULL;
  g_autofree char *token = folders_new_user (fx, "creator", &owner);
  g_autofree char *tag32 = ct_repeat ("x", 32);
  g_autofree char *body = g_strdup_printf (
      "{\"name\":\"  Holidays 2024 \",\"visibility\":\"public\","
      "\"tags\":[\"Beach\",\" FAMILY \",\"beach\",\"Family\",\"%s\",\"Ñandú\"]}",
      tag32);
  g_autoptr (CtResponse) created = ct_http (fx->url, "POST", "/v1/folders", token, body);
  g_autoptr (CtResponse) plain = ct_http (fx->url, "POST", "/v1/folders", token,
                                          "{\"name\":\"Plain\"}");
  JsonObject *folder = ct_response_object (created);
  g_autofree char *location = NULL;
  g_autofree char *stored = NULL;

  g_assert_cmpuint (created->status, ==, 201);
  g_assert_true (g_str_has_prefix (ct_response_string (created, "id"), "fo_"));
  location = g_strdup_printf ("/v1/folders/%s", ct_response_string (created, "id"));
  g_assert_cmpstr (ct_response_header (created, "Location"), ==, location);
  g_assert_cmpstr (ct_response_string (created, "owner_id"), ==, owner);
  g_assert_cmpstr (ct_response_string (created, "name"), ==, "Holidays 2024");
  g_assert_cmpstr (ct_response_string (created, "visibility"), ==, "public");
  assert_tags (created, (const char *const[]) { "beach", "family", tag32, "ñandú", NULL });
  g_assert_true (g_str_has_suffix (ct_response_string (created, "created_at"), "Z"));
  g_assert_cmpstr (ct_response_string (created, "created_at"), ==,
                   ct_response_string (created, "updated_at"));
  /* The caller's role (DESIGN.md, "Sharing"): the creator owns it. */
  g_assert_cmpstr (ct_response_string (created, "role"), ==, "owner");
  g_assert_cmpuint (json_object_get_size (folder), ==, 8);

  /* Defaults: private, no tags. */
  g_assert_cmpuint (plain->status, ==, 201);
  g_assert_cmpstr (ct_response_string (plain, "visibility"), ==, "private");
  assert_tags (plain, (const char *const[]) { NULL });
  stored = folders_sql (fx, "SELECT array_to_string(tags, '|') FROM folders WHERE name = $1",
                        "Holidays 2024");
  g_assert_cmpstr (stored, ==, "beach|family|xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx|ñandú");
}

typedef struct
{
  const char *body;
  guint status;
  const char *field;
} BadBody;

static void
test_create_bad_input (void)
{
  g_autofree char *token = folders_new_user (fx, "badinput", NULL);
  g_autofree char *tag33 = ct_repeat ("x", 33);
  g_autofree char *name300 = ct_repeat ("n", 300);
  g_autoptr (GString) tags21 = g_string_new ("{\"name\":\"many tags\",\"tags\":[");
  g_autofree char *long_tag = g_strdup_printf ("{\"name\":\"long tag\",\"tags\":[\"%s\"]}", tag33);
  g_autofree char *long_name = g_strdup_printf ("{\"name\":\"%s\"}", name300);
  g_autofree char *before = count_folders ();
  g_autofree char *after = NULL;

  for (guint i = 0; i < 21; i++)
    g_string_append_printf (tags21, "%s\"tag%u\"", i > 0 ? "," : "", i);
  g_string_append (tags21, "]}");
  {
    const BadBody cases[] = {
      { "{\"name\":\"empty tag\",\"tags\":[\"\"]}", 422, "tags[0]" },
      { "{\"name\":\"blank tag\",\"tags\":[\"ok\",\"   \"]}", 422, "tags[1]" },
      { long_tag, 422, "tags[0]" },
      { tags21->str, 422, "tags" },
      { "{\"name\":\"number tag\",\"tags\":[\"a\",7]}", 422, "tags[1]" },
      { "{\"name\":\"null tag\",\"tags\":[null]}", 422, "tags[0]" },
      { "{\"name\":\"object tag\",\"tags\":[{\"a\":1}]}", 422, "tags[0]" },
      { "{\"name\":\"comma tag\",\"tags\":[\"sea,sun\"]}", 422, "tags[0]" },
      { "{\"name\":\"string tags\",\"tags\":\"sea\"}", 422, "tags" },
      { "{\"name\":\"null tags\",\"tags\":null}", 422, "tags" },
      { "{\"name\":\"\"}", 422, "name" },
      { "{\"name\":\"   \"}", 422, "name" },
      { long_name, 422, "name" },
      { "{\"name\":\"tab\\tname\"}", 422, "name" },
      { "{\"name\":42}", 422, "name" },
      { "{\"name\":null}", 422, "name" },
      { "{\"visibility\":\"public\"}", 422, "name" },
      { "{\"name\":\"secret one\",\"visibility\":\"secret\"}", 422, "visibility" },
      { "{\"name\":\"upper\",\"visibility\":\"PUBLIC\"}", 422, "visibility" },
      { "{\"name\":\"colour\",\"color\":\"red\"}", 422, "color" },
      { "{\"name\":\"owned\",\"owner_id\":\"us_AAAAAAAAAAA\"}", 422, "owner_id" },
      { "{\"name\":\"with id\",\"id\":\"fo_AAAAAAAAAAA\"}", 422, "id" },
      { "{\"name\":\"x\"", 400, NULL },
      { "[{\"name\":\"x\"}]", 400, NULL },
      { "\"x\"", 400, NULL },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr (CtResponse) r = ct_http (fx->url, "POST", "/v1/folders", token, cases[i].body);
        g_test_message ("body: %.80s", cases[i].body);
        ct_assert_problem (r, cases[i].status, cases[i].field);
      }
  }
  {
    g_autoptr (CtResponse) empty = ct_http (fx->url, "POST", "/v1/folders", token, "");
    ct_assert_problem (empty, 400, NULL);
  }
  after = count_folders ();
  g_assert_cmpstr (after, ==, before);
}

static void
test_create_duplicates (void)
{
  g_autofree char *ana = folders_new_user (fx, "dupana", NULL);
  g_autofree char *bea = folders_new_user (fx, "dupbea", NULL);
  g_autofree char *first = folders_create (fx, ana, "{\"name\":\"Trips\"}");
  g_autoptr (CtResponse) same = ct_http (fx->url, "POST", "/v1/folders", ana, "{\"name\":\"Trips\"}");
  g_autoptr (CtResponse) other_case = ct_http (fx->url, "POST", "/v1/folders", ana,
                                               "{\"name\":\"tRIPS \"}");
  g_autoptr (CtResponse) other_owner = ct_http (fx->url, "POST", "/v1/folders", bea,
                                                "{\"name\":\"Trips\"}");
  g_autofree char *count = folders_sql (fx, "SELECT count(*) FROM folders WHERE lower(name) = $1",
                                        "trips");

  ct_assert_problem (same, 409, "name");
  ct_assert_problem (other_case, 409, "name");
  g_assert_cmpuint (other_owner->status, ==, 201);
  g_assert_cmpstr (count, ==, "2");
}

static void
test_get (void)
{
  g_autofree char *ana = folders_new_user (fx, "getana", NULL);
  g_autofree char *bea = folders_new_user (fx, "getbea", NULL);
  g_autofree char *secret = folders_create (fx, ana, "{\"name\":\"Secret\"}");
  g_autofree char *shared = folders_create (fx, ana, "{\"name\":\"Shared\",\"visibility\":\"public\"}");
  g_autofree char *secret_path = g_strdup_printf ("/v1/folders/%s", secret);
  g_autofree char *shared_path = g_strdup_printf ("/v1/folders/%s", shared);
  g_autofree char *photo_type = g_strdup_printf ("/v1/folders/ph_%s", secret + 3);
  g_autofree char *user_type = g_strdup_printf ("/v1/folders/us_%s", secret + 3);
  g_autofree char *forged = g_strdup_printf ("/v1/folders/%.13s%c", secret,
                                             secret[13] == 'a' ? 'b' : 'a');
  const char *bad[] = { photo_type, user_type, forged, "/v1/folders/fo_",
                        "/v1/folders/fo_zzzzzzzzzzz", "/v1/folders/42", "/v1/folders/%00x" };

  {
    g_autoptr (CtResponse) own = ct_http (fx->url, "GET", secret_path, ana, NULL);
    g_autoptr (CtResponse) other = ct_http (fx->url, "GET", secret_path, bea, NULL);
    g_autoptr (CtResponse) anon = ct_http (fx->url, "GET", secret_path, NULL, NULL);
    g_autoptr (CtResponse) public_other = ct_http (fx->url, "GET", shared_path, bea, NULL);
    g_autoptr (CtResponse) public_anon = ct_http (fx->url, "GET", shared_path, NULL, NULL);

    g_assert_cmpuint (own->status, ==, 200);
    g_assert_cmpstr (ct_response_string (own, "id"), ==, secret);
    ct_assert_problem (other, 404, NULL);
    ct_assert_problem (anon, 404, NULL);
    g_assert_cmpuint (public_other->status, ==, 200);
    g_assert_cmpuint (public_anon->status, ==, 200);
    g_assert_cmpstr (ct_response_string (public_anon, "name"), ==, "Shared");
  }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (CtResponse) r = ct_http (fx->url, "GET", bad[i], ana, NULL);
      g_test_message ("id: %s", bad[i]);
      if (r->status == 400 && strstr (bad[i], "%00") != NULL)
        continue; /* libsoup refuses a NUL in the path itself */
      ct_assert_problem (r, 404, NULL);
    }
}

static void
test_patch (void)
{
  g_autofree char *ana_id = NULL;
  g_autofree char *bea_id = NULL;
  g_autofree char *ana = folders_new_user (fx, "patchana", &ana_id);
  g_autofree char *bea = folders_new_user (fx, "patchbea", &bea_id);
  g_autofree char *id = folders_create (fx, ana, "{\"name\":\"Before\",\"tags\":[\"old\"]}");
  g_autofree char *pub = folders_create (fx, ana, "{\"name\":\"Open\",\"visibility\":\"public\"}");
  g_autofree char *taken = folders_create (fx, ana, "{\"name\":\"Taken\"}");
  g_autofree char *path = g_strdup_printf ("/v1/folders/%s", id);
  g_autofree char *pub_path = g_strdup_printf ("/v1/folders/%s", pub);
  g_autofree char *steal = g_strdup_printf ("{\"owner_id\":\"%s\"}", bea_id);
  g_autofree char *steal_with_name = g_strdup_printf ("{\"name\":\"Stolen\",\"owner_id\":\"%s\"}",
                                                      bea_id);
  g_autofree char *renumber = g_strdup_printf ("{\"id\":\"%s\"}", pub);
  g_autofree char *photo_path = g_strdup_printf ("/v1/folders/ph_%s", id + 3);
  g_autofree char *before = folders_sql (fx, "SELECT row(name, visibility, tags, owner_id, updated_at)::text"
                                             " FROM folders WHERE name = $1", "Before");
  const BadBody refused[] = {
    { steal, 422, "owner_id" },
    { steal_with_name, 422, "owner_id" },
    { renumber, 422, "id" },
    { "{\"created_at\":\"2020-01-01T00:00:00Z\"}", 422, "created_at" },
    { "{}", 422, NULL },
    { "{\"name\":\"\"}", 422, "name" },
    { "{\"name\":7}", 422, "name" },
    { "{\"visibility\":\"secret\"}", 422, "visibility" },
    { "{\"tags\":[\"a,b\"]}", 422, "tags[0]" },
    { "{\"tags\":[true]}", 422, "tags[0]" },
    { "{\"name\":\"Taken\"}", 409, "name" },
    { "{\"name\":\"TAKEN\"}", 409, "name" },
    { "not json", 400, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr (CtResponse) r = ct_http (fx->url, "PATCH", path, ana, refused[i].body);
      g_test_message ("body: %s", refused[i].body);
      ct_assert_problem (r, refused[i].status, refused[i].field);
    }
  {
    g_autoptr (CtResponse) other_private = ct_http (fx->url, "PATCH", path, bea, "{\"name\":\"Mine now\"}");
    g_autoptr (CtResponse) other_public = ct_http (fx->url, "PATCH", pub_path, bea, "{\"name\":\"Mine now\"}");
    g_autoptr (CtResponse) anon = ct_http (fx->url, "PATCH", path, NULL, "{\"name\":\"Anon\"}");
    g_autoptr (CtResponse) wrong_type = ct_http (fx->url, "PATCH", photo_path, ana, "{\"name\":\"X\"}");
    g_autofree char *after = folders_sql (fx, "SELECT row(name, visibility, tags, owner_id, updated_at)::text"
                                              " FROM folders WHERE name = $1", "Before");
    g_autofree char *open_name = folders_sql (fx, "SELECT count(*) FROM folders WHERE name = $1", "Open");

    ct_assert_problem (other_private, 404, NULL);
    ct_assert_problem (other_public, 403, NULL);
    ct_assert_problem (anon, 401, NULL);
    ct_assert_problem (wrong_type, 404, NULL);
    /* Nothing of the refused changes reached the row. */
    g_assert_cmpstr (after, ==, before);
    g_assert_cmpstr (open_name, ==, "1");
  }
  {
    g_autoptr (CtResponse) renamed = ct_http (fx->url, "PATCH", path, ana,
                                              "{\"name\":\" After \",\"tags\":[\"New\",\"new \",\"Two\"]}");
    g_autoptr (CtResponse) published = ct_http (fx->url, "PATCH", path, ana,
                                                "{\"visibility\":\"public\"}");
    g_autoptr (CtResponse) recased = ct_http (fx->url, "PATCH", path, ana, "{\"name\":\"AFTER\"}");
    g_autoptr (CtResponse) untagged = ct_http (fx->url, "PATCH", path, ana, "{\"tags\":[]}");
    g_autoptr (CtResponse) seen = ct_http (fx->url, "GET", path, bea, NULL);
    g_autofree char *owner = folders_sql (fx, "SELECT owner_id::text FROM folders WHERE name = $1", "AFTER");
    g_autofree char *ana_owner = folders_sql (fx, "SELECT owner_id::text FROM folders WHERE name = $1", "Taken");

    g_assert_cmpuint (renamed->status, ==, 200);
    g_assert_cmpstr (ct_response_string (renamed, "name"), ==, "After");
    assert_tags (renamed, (const char *const[]) { "new", "two", NULL });
    g_assert_cmpstr (ct_response_string (renamed, "visibility"), ==, "private");
    g_assert_cmpstr (ct_response_string (renamed, "updated_at"), >=,
                     ct_response_string (renamed, "created_at"));
    g_assert_cmpuint (published->status, ==, 200);
    g_assert_cmpstr (ct_response_string (published, "visibility"), ==, "public");
    assert_tags (published, (const char *const[]) { "new", "two", NULL });
    g_assert_cmpuint (recased->status, ==, 200); /* its own name in another case */
    g_assert_cmpuint (untagged->status, ==, 200);
    assert_tags (untagged, (const char *const[]) { NULL });
    g_assert_cmpuint (seen->status, ==, 200);
    g_assert_cmpstr (ct_response_string (seen, "owner_id"), ==, ana_id);
    g_assert_cmpstr (owner, ==, ana_owner);
  }
}

static void
assert_unauthorized (const char *what, const char *token)
{
  const char *routes[][2] = { { "GET", "/v1/folders" }, { "POST", "/v1/folders" },
                              { "GET", "/v1/folders/fo_AAAAAAAAAAA" },
                              { "PATCH", "/v1/folders/fo_AAAAAAAAAAA" },
                              { "DELETE", "/v1/folders/fo_AAAAAAAAAAA" },
                              { "DELETE", "/v1/folders?owner_id=us_AAAAAAAAAAA" } };

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      g_autoptr (CtResponse) r = ct_http (fx->url, routes[i][0], routes[i][1], token,
                                          g_str_equal (routes[i][0], "GET")
                                                  || g_str_equal (routes[i][0], "DELETE")
                                              ? NULL
                                              : "{\"name\":\"Sneaky\"}");
      g_test_message ("token: %s, %s %s", what, routes[i][0], routes[i][1]);
      ct_assert_problem (r, 401, NULL);
    }
}

static void
test_tokens (void)
{
  g_autofree char *id = NULL;
  g_autofree char *good = folders_new_user (fx, "tokens", &id);
  CtKeys *keys = fx->users->keys;
  g_autoptr (CarreteJwt) ours = carrete_jwt_new (keys->jwt_public, "carrete", "carrete", NULL);
  g_autoptr (CtKeys) stranger_keys = ct_keys_new ();
  g_autoptr (CarreteJwt) stranger = carrete_jwt_new (stranger_keys->jwt_public, "carrete", "carrete", NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *expired = NULL, *foreign = NULL, *not_a_user = NULL, *truncated = NULL;
  g_autofree char *before = count_folders ();
  g_autofree char *after = NULL;

  g_assert_true (carrete_jwt_load_private_key (ours, keys->jwt_private, NULL));
  g_assert_true (carrete_jwt_load_private_key (stranger, stranger_keys->jwt_private, NULL));
  expired = carrete_jwt_sign (ours, id, "user", now - 2000, 900, NULL);
  foreign = carrete_jwt_sign (stranger, id, "user", now, 900, NULL);
  not_a_user = carrete_jwt_sign (ours, "ph_AAAAAAAAAAA", "user", now, 900, NULL);
  truncated = g_strndup (good, strlen (good) - 10);

  assert_unauthorized ("expired", expired);
  assert_unauthorized ("another key", foreign);
  assert_unauthorized ("truncated", truncated);
  assert_unauthorized ("garbage", "garbage");
  {
    g_autoptr (CtResponse) r = ct_http (fx->url, "POST", "/v1/folders", not_a_user, "{\"name\":\"Sneaky\"}");
    ct_assert_problem (r, 401, NULL);
  }
  {
    const char *anonymous[][2] = { { "POST", "/v1/folders" },
                                   { "PATCH", "/v1/folders/fo_AAAAAAAAAAA" },
                                   { "DELETE", "/v1/folders/fo_AAAAAAAAAAA" },
                                   { "DELETE", "/v1/folders?owner_id=us_AAAAAAAAAAA" } };
    for (guint i = 0; i < G_N_ELEMENTS (anonymous); i++)
      {
        g_autoptr (CtResponse) r = ct_http (fx->url, anonymous[i][0], anonymous[i][1], NULL,
                                            "{\"name\":\"Sneaky\"}");
        ct_assert_problem (r, 401, NULL);
      }
  }
  {
    g_autoptr (CtResponse) ok = ct_http (fx->url, "POST", "/v1/folders", good, "{\"name\":\"Fine\"}");
    g_assert_cmpuint (ok->status, ==, 201); /* the control case works */
  }
  after = folders_sql (fx, "SELECT count(*) - 1 FROM folders", NULL);
  g_assert_cmpstr (after, ==, before);
  {
    g_autofree char *sneaky = folders_sql (fx, "SELECT count(*) FROM folders WHERE name = $1", "Sneaky");
    g_assert_cmpstr (sneaky, ==, "0");
  }
}

static void
test_operations (void)
{
  g_autoptr (CtOperations) operations = ct_operations_check (fx->url, "/v1/folders");
  g_autoptr (CtResponse) wrong_method = ct_http (fx->url, "PUT", "/v1/folders", NULL, "{}");
  GBytes *metrics = operations->metrics->body;

  g_assert_true (json_object_has_member (
      json_object_get_object_member (ct_response_object (operations->openapi), "paths"),
      "/v1/folders/{id}"));
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (metrics, NULL), g_bytes_get_size (metrics),
                                  "route=\"/v1/folders\""));
  ct_assert_problem (wrong_method, 405, NULL);
}

int
main (int argc, char **argv)
{
  static const CtTest tests[] = {
    { "/carrete/folders/create/ok", test_create_ok },
    { "/carrete/folders/create/bad-input", test_create_bad_input },
    { "/carrete/folders/create/duplicates", test_create_duplicates },
    { "/carrete/folders/get", test_get },
    { "/carrete/folders/patch", test_patch },
    { "/carrete/folders/tokens", test_tokens },
    { "/carrete/folders/operations", test_operations },
  };

  return CT_TEST_MAIN (argc, argv, folders_fixture_start, folders_fixture_free, &fx, tests);
}
