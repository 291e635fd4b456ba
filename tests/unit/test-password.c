#define G_LOG_DOMAIN "carrete-test-password"

#include <sodium.h>
#include <string.h>

#include "carrete-error.h"
#include "carrete-password.h"

/* Cheap parameters wherever the outcome does not depend on the cost. */
static const CarreteHashParams small_params
    = { crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN };

static char *
hash_small (const char *password)
{
  g_autoptr (GError) error = NULL;
  char *hash = carrete_password_hash (password, &small_params, &error);

  g_assert_no_error (error);
  g_assert_nonnull (hash);
  return hash;
}

static void
test_hash_verify (void)
{
  g_autofree char *hash = hash_small ("correct horse battery staple");
  g_autofree char *again = hash_small ("correct horse battery staple");

  g_assert_true (g_str_has_prefix (hash, "$argon2id$"));
  g_assert_null (strstr (hash, "correct horse"));
  /* Salted: the same password never gives the same string. */
  g_assert_cmpstr (hash, !=, again);

  g_assert_true (carrete_password_verify (hash, "correct horse battery staple", &small_params));
  g_assert_true (carrete_password_verify (again, "correct horse battery staple", &small_params));
  g_assert_false (carrete_password_verify (hash, "correct horse battery stapl", &small_params));
  g_assert_false (carrete_password_verify (hash, "correct horse battery staple ", &small_params));
  g_assert_false (carrete_password_verify (hash, "Correct horse battery staple", &small_params));
  g_assert_false (carrete_password_verify (hash, "", &small_params));
}

static void
test_unicode (void)
{
  g_autofree char *hash = hash_small ("contraseña-ñandú-📷");

  g_assert_true (carrete_password_verify (hash, "contraseña-ñandú-📷", &small_params));
  /* The same text in decomposed form is other bytes: no silent folding. */
  g_assert_false (carrete_password_verify (hash,
                                           "contrasen\xcc\x83"
                                           "a-ñandú-📷",
                                           &small_params));
}

static void
test_default_params (void)
{
  CarreteHashParams defaults = carrete_password_default_params ();
  g_autoptr (GError) error = NULL;
  g_autofree char *hash = carrete_password_hash ("s3cure-passw0rd", &defaults, &error);
  g_autofree char *weak = hash_small ("s3cure-passw0rd");

  g_assert_no_error (error);
  g_assert_cmpuint (defaults.opslimit, ==, crypto_pwhash_OPSLIMIT_INTERACTIVE);
  g_assert_cmpuint (defaults.memlimit, ==, crypto_pwhash_MEMLIMIT_INTERACTIVE);
  g_assert_true (g_str_has_prefix (hash, "$argon2id$"));
  g_assert_true (carrete_password_verify (hash, "s3cure-passw0rd", &defaults));
  g_assert_false (carrete_password_verify (hash, "s3cure-passw0rd!", &defaults));

  g_assert_false (carrete_password_needs_rehash (hash, &defaults));
  g_assert_true (carrete_password_needs_rehash (weak, &defaults));
  g_assert_false (carrete_password_needs_rehash (weak, &small_params));
  g_assert_true (carrete_password_needs_rehash (hash, &small_params));
  /* A hash from some other scheme must be replaced. */
  g_assert_true (carrete_password_needs_rehash ("$2y$10$abcdefghijklmnopqrstuv", &defaults));
}

static void
test_verify_null_hash (void)
{
  /* An unknown user: fails, whatever the password (the first call makes
   * the dummy hash, the second checks against it). */
  g_assert_false (carrete_password_verify (NULL, "anything at all", &small_params));
  g_assert_false (carrete_password_verify (NULL, "", &small_params));
}

static void
test_verify_garbage_hash (void)
{
  g_assert_false (carrete_password_verify ("", "password", &small_params));
  g_assert_false (carrete_password_verify ("$argon2id$", "password", &small_params));
  g_assert_false (carrete_password_verify ("plaintext", "plaintext", &small_params));
}

/* ---- async through the worker pool ---------------------------------------- */

typedef struct
{
  GMainContext *context;
  GThread *main_thread;
  GAsyncResult *result;
  guint calls;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->context = g_main_context_new ();
  g_main_context_push_thread_default (f->context);
  f->main_thread = g_thread_self ();
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->result);
  g_main_context_pop_thread_default (f->context);
  /* Nothing left behind on the context. */
  g_assert_false (g_main_context_pending (f->context));
  g_main_context_unref (f->context);
}

static void
on_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Fixture *f = user_data;

  /* Completion is on the caller's main context, never on a worker. */
  g_assert_true (g_thread_self () == f->main_thread);
  g_assert_true (g_main_context_is_owner (f->context));
  g_assert_null (f->result);
  f->result = g_object_ref (result);
  f->calls++;
}

static GAsyncResult *
wait_result (Fixture *f)
{
  while (f->result == NULL)
    g_main_context_iteration (f->context, TRUE);
  g_assert_cmpuint (f->calls, ==, 1);
  f->calls = 0;
  return f->result;
}

static gboolean
verify_async (Fixture *f, CarreteWorkers *workers, const char *hash, const char *password,
              const CarreteHashParams *params, gboolean *needs_rehash)
{
  g_autoptr (GError) error = NULL;
  gboolean matched;

  g_clear_object (&f->result);
  carrete_password_verify_async (workers, hash, password, params, on_done, f);
  matched = carrete_password_verify_finish (wait_result (f), needs_rehash, &error);
  g_assert_no_error (error);
  return matched;
}

static void
test_async (Fixture *f, gconstpointer data)
{
  g_autoptr (CarreteWorkers) workers = carrete_workers_new (1, 4);
  CarreteHashParams defaults = carrete_password_default_params ();
  g_autoptr (GError) error = NULL;
  g_autofree char *hash = NULL;
  gboolean needs_rehash = TRUE;

  carrete_password_hash_async (workers, "hunter2hunter2", &small_params, on_done, f);
  /* Not called synchronously. */
  g_assert_cmpuint (f->calls, ==, 0);
  hash = carrete_password_hash_finish (wait_result (f), &error);
  g_assert_no_error (error);
  g_assert_nonnull (hash);
  g_assert_true (g_str_has_prefix (hash, "$argon2id$"));
  g_assert_true (carrete_password_verify (hash, "hunter2hunter2", &small_params));

  g_assert_true (verify_async (f, workers, hash, "hunter2hunter2", &small_params, &needs_rehash));
  g_assert_false (needs_rehash);

  /* The stored hash is weaker than the current parameters. */
  needs_rehash = FALSE;
  g_assert_true (verify_async (f, workers, hash, "hunter2hunter2", &defaults, &needs_rehash));
  g_assert_true (needs_rehash);

  /* A wrong password never asks for a rehash. */
  needs_rehash = TRUE;
  g_assert_false (verify_async (f, workers, hash, "hunter3hunter3", &defaults, &needs_rehash));
  g_assert_false (needs_rehash);

  /* Unknown user. */
  g_assert_false (verify_async (f, workers, NULL, "hunter2hunter2", &small_params, NULL));
}

static void
test_async_many (Fixture *f, gconstpointer data)
{
  g_autoptr (CarreteWorkers) workers = carrete_workers_new (2, 16);
  g_autoptr (GPtrArray) hashes = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *password = g_strdup_printf ("password-%u", i);
      g_autoptr (GError) error = NULL;

      g_clear_object (&f->result);
      carrete_password_hash_async (workers, password, &small_params, on_done, f);
      g_ptr_array_add (hashes, carrete_password_hash_finish (wait_result (f), &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < hashes->len; i++)
    {
      g_autofree char *password = g_strdup_printf ("password-%u", i);
      g_autofree char *other = g_strdup_printf ("password-%u", (i + 1) % hashes->len);

      g_assert_true (verify_async (f, workers, hashes->pdata[i], password, &small_params, NULL));
      g_assert_false (verify_async (f, workers, hashes->pdata[i], other, &small_params, NULL));
    }
}

static void
test_queue_full (Fixture *f, gconstpointer data)
{
  g_autoptr (CarreteWorkers) workers = carrete_workers_new (1, 0);
  g_autofree char *hash = hash_small ("hunter2hunter2");

  {
    g_autoptr (GError) error = NULL;
    g_autofree char *none = NULL;

    carrete_password_hash_async (workers, "hunter2hunter2", &small_params, on_done, f);
    none = carrete_password_hash_finish (wait_result (f), &error);
    g_assert_null (none);
    g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE);
    g_assert_cmpuint (carrete_error_http_status (error), ==, 503);
  }
  {
    g_autoptr (GError) error = NULL;
    gboolean needs_rehash = TRUE;

    g_clear_object (&f->result);
    carrete_password_verify_async (workers, hash, "hunter2hunter2", &small_params, on_done, f);
    g_assert_false (carrete_password_verify_finish (wait_result (f), &needs_rehash, &error));
    g_assert_error (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE);
  }
  g_assert_cmpuint (carrete_workers_get_queued (workers), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (sodium_init () < 0)
    g_error ("libsodium failed to initialise");

  g_test_add_func ("/carrete/password/hash-verify", test_hash_verify);
  g_test_add_func ("/carrete/password/unicode", test_unicode);
  g_test_add_func ("/carrete/password/default-params", test_default_params);
  g_test_add_func ("/carrete/password/verify-null-hash", test_verify_null_hash);
  g_test_add_func ("/carrete/password/verify-garbage-hash", test_verify_garbage_hash);
  g_test_add ("/carrete/password/async", Fixture, NULL, fixture_set_up, test_async,
              fixture_tear_down);
  g_test_add ("/carrete/password/async-many", Fixture, NULL, fixture_set_up, test_async_many,
              fixture_tear_down);
  g_test_add ("/carrete/password/queue-full", Fixture, NULL, fixture_set_up, test_queue_full,
              fixture_tear_down);

  return g_test_run ();
}
