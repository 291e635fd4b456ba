#define G_LOG_DOMAIN "carrete-photos-decoder"
#define _GNU_SOURCE /* sigabbrev_np */

/* The service's side of the decoder: a pool of `carrete-photos decode`
 * children (see decoder.h). */

#include "decoder.h"
#include "decoder-private.h"

#include <errno.h>
#include <gio/gio.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "carrete-error.h"

/* Enough for libvips, its loaders and the three files. */
#define CHILD_MAX_FILES 64
/* How long a child told to end may take (libvips shuts down). */
#define CHILD_EXIT_SECONDS 5

typedef struct
{
  GSubprocess *process;
  int socket;        /* the service's end of the child's fd 3 */
  guint jobs;        /* images decoded so far */
  gint64 idle_since; /* monotonic µs */
} Child;

struct _PhotosDecoder
{
  char *program;        /* the carrete-photos binary */
  struct rlimit memory; /* RLIMIT_AS of every child */
  guint cpu_seconds;    /* per image */
  guint wall_seconds;   /* per image */
  char **child_env;     /* the service's, without its settings */
  GMutex lock;
  GQueue idle;      /* Child, most recently used first */
};

/* The child reads hostile files: it gets none of the service's settings
 * (storage keys, the database URL), only the rest of the environment
 * (locale, sanitizer and GLib debugging options). */
static char **
child_environment (void)
{
  g_auto (GStrv) all = g_get_environ ();
  GStrvBuilder *kept = g_strv_builder_new ();
  char **env;

  for (guint i = 0; all[i] != NULL; i++)
    if (!g_str_has_prefix (all[i], "CARRETE_") || g_str_has_prefix (all[i], "CARRETE_DECODER_"))
      g_strv_builder_add (kept, all[i]);
  env = g_strv_builder_end (kept);
  g_strv_builder_unref (kept);
  return env;
}

PhotosDecoder *
photos_decoder_new (guint64 memory_bytes, guint cpu_seconds, guint wall_seconds, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autofree char *program = g_file_read_link ("/proc/self/exe", &local);
  PhotosDecoder *decoder;

  if (program == NULL)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED,
                   "cannot find this program to run the image decoder: %s", local->message);
      return NULL;
    }
  decoder = g_new0 (PhotosDecoder, 1);
  decoder->program = g_steal_pointer (&program);
  decoder->child_env = child_environment ();
  decoder->memory = (struct rlimit){ memory_bytes, memory_bytes };
  decoder->cpu_seconds = cpu_seconds;
  decoder->wall_seconds = wall_seconds;
  g_mutex_init (&decoder->lock);
  g_queue_init (&decoder->idle);
  return decoder;
}

/* Closing its socket tells a child to exit; GLib reaps it. */
static void
child_end (Child *child, gboolean kill)
{
  if (kill)
    g_subprocess_force_exit (child->process);
  close (child->socket);
  g_object_unref (child->process);
  g_free (child);
}

static void wait_for_end (Child *child, gint64 deadline);

void
photos_decoder_free (PhotosDecoder *decoder)
{
  Child *child;

  if (decoder == NULL)
    return;
  /* The service leaves no child behind: each is told to end, and waited
   * for (a few seconds at most, then killed). */
  while ((child = g_queue_pop_head (&decoder->idle)) != NULL)
    {
      shutdown (child->socket, SHUT_WR);
      wait_for_end (child, g_get_monotonic_time () + CHILD_EXIT_SECONDS * G_USEC_PER_SEC);
      child_end (child, FALSE);
    }
  g_mutex_clear (&decoder->lock);
  g_strfreev (decoder->child_env);
  g_free (decoder->program);
  g_free (decoder);
}

/* ---- starting a child --------------------------------------------------------------- */

/* Runs in the child between fork and exec: async-signal-safe calls only. */
static void
limit_child (gpointer data)
{
  const PhotosDecoder *decoder = data;
  const struct rlimit no_core = { 0, 0 };
  const struct rlimit files = { CHILD_MAX_FILES, CHILD_MAX_FILES };

  setrlimit (RLIMIT_CORE, &no_core);
  setrlimit (RLIMIT_NOFILE, &files);
  /* AddressSanitizer reserves terabytes of shadow memory up front: under it
   * an address-space limit would stop every child at start-up. */
#ifndef __SANITIZE_ADDRESS__
  setrlimit (RLIMIT_AS, &decoder->memory);
#else
  (void) decoder;
#endif
}

static Child *
child_start (PhotosDecoder *decoder, GError **error)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autofree char *cpu = g_strdup_printf ("%u", decoder->cpu_seconds);
  const char *argv[] = { decoder->program, PHOTOS_DECODER_COMMAND, cpu, NULL };
  g_autoptr (GError) local = NULL;
  int pair[2];
  Child *child;

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                   "cannot start the image decoder: %s", g_strerror (errno));
      return NULL;
    }
  /* The launcher owns the child's end from here, and closes it once spawned. */
  g_subprocess_launcher_take_fd (launcher, pair[1], PHOTOS_DECODER_FD);
  g_subprocess_launcher_set_environ (launcher, decoder->child_env);
  g_subprocess_launcher_set_child_setup (launcher, limit_child, decoder, NULL);
  child = g_new0 (Child, 1);
  child->socket = pair[0];
  child->process = g_subprocess_launcher_spawnv (launcher, argv, &local);
  if (child->process == NULL)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_UNAVAILABLE,
                   "cannot start the image decoder: %s", local->message);
      close (child->socket);
      g_free (child);
      return NULL;
    }
  return child;
}

/* An idle child says nothing; one whose socket is readable or hung up has
 * died since (killed from outside, say). */
static gboolean
child_is_alive (Child *child)
{
  struct pollfd pfd = { .fd = child->socket, .events = POLLIN };

  return poll (&pfd, 1, 0) == 0;
}

static Child *
take_child (PhotosDecoder *decoder, GError **error)
{
  Child *child;

  for (;;)
    {
      g_mutex_lock (&decoder->lock);
      child = g_queue_pop_head (&decoder->idle);
      g_mutex_unlock (&decoder->lock);
      if (child == NULL)
        return child_start (decoder, error);
      if (child_is_alive (child))
        return child;
      child_end (child, TRUE);
    }
}

static void
give_back (PhotosDecoder *decoder, Child *child)
{
  if (++child->jobs >= PHOTOS_DECODER_JOBS_PER_CHILD)
    {
      child_end (child, FALSE);
      return;
    }
  child->idle_since = g_get_monotonic_time ();
  g_mutex_lock (&decoder->lock);
  g_queue_push_head (&decoder->idle, child);
  g_mutex_unlock (&decoder->lock);
}

void
photos_decoder_trim (PhotosDecoder *decoder, guint idle_seconds)
{
  gint64 oldest = g_get_monotonic_time () - (gint64) idle_seconds * G_USEC_PER_SEC;
  GQueue ended = G_QUEUE_INIT;
  Child *child;

  g_mutex_lock (&decoder->lock);
  /* Most recently used first: the stale ones are at the tail. */
  while ((child = g_queue_peek_tail (&decoder->idle)) != NULL && child->idle_since < oldest)
    g_queue_push_tail (&ended, g_queue_pop_tail (&decoder->idle));
  g_mutex_unlock (&decoder->lock);
  while ((child = g_queue_pop_head (&ended)) != NULL)
    child_end (child, FALSE);
}

/* ---- one image -------------------------------------------------------------------- */

static gboolean
send_request (Child *child, const char *request)
{
  gsize left = strlen (request);

  while (left > 0)
    {
      /* MSG_NOSIGNAL: a dead child is an error here, not a SIGPIPE. */
      ssize_t n = send (child->socket, request, left, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      request += n;
      left -= (gsize) n;
    }
  return TRUE;
}

typedef enum
{
  ANSWERED,
  ENDED, /* the child closed its end without a whole answer */
  TIMED_OUT,
} Outcome;

/* Reads one answer line until `deadline` (monotonic µs). */
static Outcome
read_answer (Child *child, gint64 deadline, GString *answer)
{
  char buffer[512];

  while (strchr (answer->str, '\n') == NULL)
    {
      gint64 left_ms = (deadline - g_get_monotonic_time () + 999) / 1000;
      struct pollfd pfd = { .fd = child->socket, .events = POLLIN };
      int ready;
      ssize_t n;

      if (left_ms <= 0)
        return TIMED_OUT;
      ready = poll (&pfd, 1, (int) MIN (left_ms, G_MAXINT));
      if (ready < 0 && errno == EINTR)
        continue;
      if (ready == 0)
        return TIMED_OUT;
      n = recv (child->socket, buffer, sizeof buffer, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0 || answer->len + (gsize) n > PHOTOS_DECODER_LINE_MAX)
        return ENDED;
      g_string_append_len (answer, buffer, n);
    }
  return ANSWERED;
}

static gboolean
decoder_failed (GError **error, const char *reason)
{
  g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_UNSUPPORTED,
               "The image could not be decoded: %s.", reason);
  return FALSE;
}

/* "ok WIDTH HEIGHT TAKEN_AT" or "error CODE MESSAGE". */
static gboolean
parse_answer (const char *answer, PhotosImageInfo *info, GError **error)
{
  guint width, height;
  gint64 taken_at;
  int code, consumed = 0;

  if (sscanf (answer, "ok %u %u %" G_GINT64_FORMAT "\n%n", &width, &height, &taken_at, &consumed)
          == 3
      && consumed > 0)
    {
      info->width = width;
      info->height = height;
      info->taken_at = taken_at;
      return TRUE;
    }
  if (sscanf (answer, "error %d %n", &code, &consumed) == 1 && consumed > 0
      && code >= CARRETE_ERROR_INVALID && code <= CARRETE_ERROR_GONE)
    {
      g_autofree char *message = g_strchomp (g_strdup (answer + consumed));
      g_set_error_literal (error, CARRETE_ERROR, code, message);
      return FALSE;
    }
  return decoder_failed (error, "the decoder's answer makes no sense");
}

/* Waits for a child that closed its end to be gone, at most until
 * `deadline`; then it is killed. */
static void
wait_for_end (Child *child, gint64 deadline)
{
  /* GLib reaps the child on its own thread; the identifier goes NULL then. */
  while (g_subprocess_get_identifier (child->process) != NULL && g_get_monotonic_time () < deadline)
    g_usleep (2000);
  g_subprocess_force_exit (child->process);
  g_subprocess_wait (child->process, NULL, NULL);
}

/* Why a child that gave no answer ended. */
static gboolean
explain_end (PhotosDecoder *decoder, Child *child, gint64 deadline, GError **error)
{
  g_autofree char *reason = NULL;

  wait_for_end (child, deadline);
  if (g_subprocess_get_if_signaled (child->process))
    {
      int sig = g_subprocess_get_term_sig (child->process);
      const char *name = sigabbrev_np (sig);

      if (sig == SIGXCPU)
        reason
            = g_strdup_printf ("the decoder used more than %u s of CPU time", decoder->cpu_seconds);
      else
        reason = g_strdup_printf ("the decoder crashed (signal %d, SIG%s)", sig,
                                  name != NULL ? name : "?");
    }
  else
    reason = g_strdup_printf ("the decoder stopped without an answer (exit status %d)",
                              g_subprocess_get_exit_status (child->process));
  return decoder_failed (error, reason);
}

static char *
request_for (const char *path, PhotosType type, guint64 max_pixels, const char *small_path,
             const char *large_path)
{
  const char *const paths[] = { path, small_path, large_path };

  /* Tabs and newlines frame the request; the spool's paths never hold one. */
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    if (strpbrk (paths[i], "\t\n") != NULL)
      return NULL;
  return g_strdup_printf ("%s\t%" G_GUINT64_FORMAT "\t%s\t%s\t%s\n", photos_type_mime (type),
                          max_pixels, path, small_path, large_path);
}

gboolean
photos_decoder_process (PhotosDecoder *decoder, const char *path, PhotosType type,
                        guint64 max_pixels, PhotosImageInfo *info, const char *small_path,
                        const char *large_path, GError **error)
{
  g_autofree char *request = request_for (path, type, max_pixels, small_path, large_path);
  g_autoptr (GString) answer = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + (gint64) decoder->wall_seconds * G_USEC_PER_SEC;
  Child *child;
  gboolean ok;

  info->type = type;
  if (request == NULL)
    {
      g_set_error_literal (error, CARRETE_ERROR, CARRETE_ERROR_FAILED,
                           "a spool path holds a tab or a newline");
      return FALSE;
    }
  child = take_child (decoder, error);
  if (child == NULL)
    return FALSE;
  if (!send_request (child, request))
    {
      /* It died between its last image and this one: a fresh one. */
      child_end (child, TRUE);
      if ((child = child_start (decoder, error)) == NULL)
        return FALSE;
      if (!send_request (child, request))
        {
          ok = explain_end (decoder, child, deadline, error);
          child_end (child, TRUE);
          return ok;
        }
    }
  switch (read_answer (child, deadline, answer))
    {
    case ANSWERED:
      ok = parse_answer (answer->str, info, error);
      give_back (decoder, child);
      return ok;
    case TIMED_OUT:
      child_end (child, TRUE);
      {
        g_autofree char *reason
            = g_strdup_printf ("the decoder did not finish within %u s", decoder->wall_seconds);
        return decoder_failed (error, reason);
      }
    case ENDED:
    default:
      ok = explain_end (decoder, child, deadline, error);
      child_end (child, TRUE);
      return ok;
    }
}
