#define G_LOG_DOMAIN "carrete-password"

#include "carrete-password.h"

#include <sodium.h>
#include <string.h>

#include "carrete-error.h"
#include "carrete-keys.h"
#include "carrete-op.h"

CarreteHashParams
carrete_password_default_params (void)
{
  return (CarreteHashParams){ crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE };
}

char *
carrete_password_hash (const char *password, const CarreteHashParams *params, GError **error)
{
  char out[crypto_pwhash_STRBYTES];

  if (crypto_pwhash_str (out, password, strlen (password), params->opslimit, params->memlimit) != 0)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                   "Out of memory while hashing the password; try again.");
      return NULL;
    }
  return g_strdup (out);
}

/* A hash of a random password with the current parameters, made once, by
 * the first check of an unknown user: that check costs one argon2id run,
 * as a verification does.  (It used to be made at start-up, on every
 * worker, with a verification each: about a second of a loaded 2-core
 * machine's CPU taken exactly while a restarted service opened its first
 * database connection.)  *made_now: whether this call made it. */
static const char *
dummy_hash (const CarreteHashParams *params, gboolean *made_now)
{
  static char *hash = NULL;

  *made_now = FALSE;
  if (g_once_init_enter (&hash))
    {
      guint8 secret[32];
      char text[65];
      char *made;

      randombytes_buf (secret, sizeof secret);
      sodium_bin2hex (text, sizeof text, secret, sizeof secret);
      made = carrete_password_hash (text, params, NULL);
      *made_now = TRUE;
      g_once_init_leave (&hash, made != NULL ? made : g_strdup ("$argon2id$invalid"));
    }
  return hash;
}

gboolean
carrete_password_verify (const char *hash, const char *password, const CarreteHashParams *params)
{
  if (hash == NULL)
    {
      gboolean made_now = FALSE;
      const char *dummy = dummy_hash (params, &made_now);

      /* The outcome is irrelevant: only the time spent matters, and making
       * the dummy took as long as checking against it. */
      if (!made_now)
        {
          int ignored G_GNUC_UNUSED = crypto_pwhash_str_verify (dummy, password, strlen (password));
        }
      return FALSE;
    }
  return crypto_pwhash_str_verify (hash, password, strlen (password)) == 0;
}

gboolean
carrete_password_needs_rehash (const char *hash, const CarreteHashParams *params)
{
  return crypto_pwhash_str_needs_rehash (hash, params->opslimit, params->memlimit) != 0;
}

typedef struct
{
  char *password;
  char *hash;
  CarreteHashParams params;
} HashJob;

static void
hash_job_free (gpointer data)
{
  HashJob *job = data;

  carrete_secret_free (job->password);
  g_free (job->hash);
  g_free (job);
}

static GTask *
hash_job_task (const char *hash, const char *password, const CarreteHashParams *params,
               GAsyncReadyCallback callback, gpointer user_data, gpointer tag)
{
  HashJob *job = g_new0 (HashJob, 1);

  job->password = g_strdup (password);
  job->hash = g_strdup (hash);
  job->params = *params;
  /* No cancellable: the worker computes the hash to the end either way. */
  return carrete_op_new (job, hash_job_free, tag, NULL, callback, user_data);
}

static void
run_hash (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  HashJob *job = data;
  GError *error = NULL;
  char *hash = carrete_password_hash (job->password, &job->params, &error);

  if (hash == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, hash, g_free);
}

void
carrete_password_hash_async (CarreteWorkers *workers, const char *password,
                             const CarreteHashParams *params, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  g_autoptr (GTask) task
      = hash_job_task (NULL, password, params, callback, user_data, carrete_password_hash_async);

  carrete_workers_run_task (workers, task, run_hash);
}

char *
carrete_password_hash_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Encodes (matched, needs_rehash) as the task's integer result. */
enum
{
  VERIFY_MATCHED = 1,
  VERIFY_NEEDS_REHASH = 2,
};

static void
run_verify (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  HashJob *job = data;
  gssize outcome = 0;

  if (carrete_password_verify (job->hash, job->password, &job->params))
    {
      outcome |= VERIFY_MATCHED;
      if (carrete_password_needs_rehash (job->hash, &job->params))
        outcome |= VERIFY_NEEDS_REHASH;
    }
  g_task_return_int (task, outcome);
}

void
carrete_password_verify_async (CarreteWorkers *workers, const char *hash, const char *password,
                               const CarreteHashParams *params, GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_autoptr (GTask) task
      = hash_job_task (hash, password, params, callback, user_data, carrete_password_verify_async);

  carrete_workers_run_task (workers, task, run_verify);
}

gboolean
carrete_password_verify_finish (GAsyncResult *result, gboolean *needs_rehash, GError **error)
{
  gssize outcome = g_task_propagate_int (G_TASK (result), error);

  if (outcome < 0)
    return FALSE;
  if (needs_rehash != NULL)
    *needs_rehash = (outcome & VERIFY_NEEDS_REHASH) != 0;
  return (outcome & VERIFY_MATCHED) != 0;
}
