#define G_LOG_DOMAIN "carrete-photos-decoder"
#define _GNU_SOURCE /* sigabbrev_np */

#include "decoder.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "carrete-error.h"

/* The child writes its one-line answer here (stdout carries its log). */
#define ANSWER_FD 3
#define ANSWER_MAX 1024
/* Enough for libvips, its loaders and the three files. */
#define CHILD_MAX_FILES 64

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
  decoder->memory_bytes = memory_bytes;
  decoder->cpu_seconds = cpu_seconds;
  decoder->wall_seconds = wall_seconds;
  return decoder;
}

void
photos_decoder_free (PhotosDecoder *decoder)
{
  if (decoder == NULL)
    return;
  g_free (decoder->program);
  g_free (decoder);
}

/* ---- the parent's side ---------------------------------------------------------- */

typedef struct
{
  struct rlimit memory;
  struct rlimit cpu;
} ChildLimits;

/* Runs in the child between fork and exec: async-signal-safe calls only. */
static void
limit_child (gpointer data)
{
  const ChildLimits *limits = data;
  const struct rlimit no_core = { 0, 0 };
  const struct rlimit files = { CHILD_MAX_FILES, CHILD_MAX_FILES };

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  setrlimit (RLIMIT_CORE, &no_core);
  setrlimit (RLIMIT_NOFILE, &files);
  setrlimit (RLIMIT_CPU, &limits->cpu);
  /* AddressSanitizer reserves terabytes of shadow memory up front: under it
   * an address-space limit would stop every child at start-up. */
#ifndef __SANITIZE_ADDRESS__
  setrlimit (RLIMIT_AS, &limits->memory);
#endif
}

static GSubprocess *
spawn_child (const PhotosDecoder *decoder, const ChildLimits *limits, int answer_fd,
             const char *const *argv, GError **error)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);

  g_subprocess_launcher_take_fd (launcher, answer_fd, ANSWER_FD);
  g_subprocess_launcher_set_child_setup (launcher, limit_child, (gpointer) limits, NULL);
  return g_subprocess_launcher_spawnv (launcher, argv, error);
}

/* Reads the child's answer until it closes fd 3 or `deadline` (monotonic
 * µs) passes; FALSE on the deadline. */
static gboolean
read_answer (int fd, gint64 deadline, GString *answer)
{
  char buffer[256];

  for (;;)
    {
      gint64 left_ms = (deadline - g_get_monotonic_time ()) / 1000;
      struct pollfd pfd = { .fd = fd, .events = POLLIN };
      int ready;
      ssize_t n;

      if (left_ms <= 0)
        return FALSE;
      ready = poll (&pfd, 1, (int) MIN (left_ms, G_MAXINT));
      if (ready < 0 && errno == EINTR)
        continue;
      if (ready == 0)
        return FALSE;
      n = read (fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return TRUE;
      if (answer->len < ANSWER_MAX)
        g_string_append_len (answer, buffer, MIN ((gsize) n, ANSWER_MAX - answer->len));
    }
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

/* Why a child that gave no answer ended. */
static gboolean
explain_end (GSubprocess *child, const PhotosDecoder *decoder, GError **error)
{
  g_autofree char *reason = NULL;

  if (g_subprocess_get_if_signaled (child))
    {
      int sig = g_subprocess_get_term_sig (child);
      if (sig == SIGXCPU || sig == SIGKILL)
        reason = g_strdup_printf ("the decoder used more than %u s of CPU time",
                                  decoder->cpu_seconds);
      else
        reason = g_strdup_printf ("the decoder crashed (signal %d, SIG%s)", sig,
                                  sigabbrev_np (sig) != NULL ? sigabbrev_np (sig) : "?");
    }
  else
    reason = g_strdup_printf ("the decoder stopped without an answer (exit status %d)",
                              g_subprocess_get_exit_status (child));
  return decoder_failed (error, reason);
}

gboolean
photos_decoder_process (const PhotosDecoder *decoder, const char *path, PhotosType type,
                        guint64 max_pixels, PhotosImageInfo *info, const char *small_path,
                        const char *large_path, GError **error)
{
  g_autofree char *pixels = g_strdup_printf ("%" G_GUINT64_FORMAT, max_pixels);
  const char *argv[] = { decoder->program, PHOTOS_DECODER_COMMAND, photos_type_mime (type),
                         pixels, path, small_path, large_path, NULL };
  ChildLimits limits = {
    .memory = { decoder->memory_bytes, decoder->memory_bytes },
    /* The soft limit sends SIGXCPU; the hard one a second later, SIGKILL. */
    .cpu = { decoder->cpu_seconds, decoder->cpu_seconds + 1 },
  };
  g_autoptr (GSubprocess) child = NULL;
  g_autoptr (GString) answer = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + decoder->wall_seconds * G_USEC_PER_SEC;
  int fds[2];
  gboolean finished;

  info->type = type;
  if (!g_unix_open_pipe (fds, FD_CLOEXEC, error))
    return FALSE;
  /* The launcher owns the write end from here, and closes it after the spawn. */
  child = spawn_child (decoder, &limits, fds[1], argv, error);
  if (child == NULL)
    {
      close (fds[0]);
      return FALSE;
    }
  finished = read_answer (fds[0], deadline, answer);
  close (fds[0]);
  if (!finished)
    g_subprocess_force_exit (child);
  /* Killed, or its answer complete: the wait is short either way. */
  g_subprocess_wait (child, NULL, NULL);
  if (!finished)
    {
      g_autofree char *reason = g_strdup_printf ("the decoder did not finish within %u s",
                                                 decoder->wall_seconds);
      return decoder_failed (error, reason);
    }
  if (g_subprocess_get_if_exited (child) && g_subprocess_get_exit_status (child) == 0)
    return parse_answer (answer->str, info, error);
  return explain_end (child, decoder, error);
}

/* ---- the child's side ------------------------------------------------------------- */

#ifdef CARRETE_TEST_HOOKS
/* Test builds only: CARRETE_DECODER_FAULT makes the decoder fail the way a
 * real decoder bug would, so the tests can prove the service survives it. */
static void
inject_fault (void)
{
  const char *fault = g_getenv ("CARRETE_DECODER_FAULT");
  volatile guint64 spin = 0;

  if (fault == NULL)
    return;
  if (g_str_equal (fault, "crash"))
    abort ();
  if (g_str_equal (fault, "hang"))
    for (;;)
      pause ();
  if (g_str_equal (fault, "spin"))
    for (;;)
      spin++;
}
#endif

static int
answer (const char *line)
{
  FILE *out = fdopen (ANSWER_FD, "w");

  if (out == NULL)
    return 1;
  fputs (line, out);
  return fclose (out) == 0 ? 0 : 1;
}

int
photos_decoder_child_main (char **args)
{
  PhotosType type = photos_type_from_mime (args[0]);
  guint64 max_pixels = 0;
  PhotosImageInfo info = { 0 };
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;
  gboolean ok;

  if (type == PHOTOS_TYPE_UNKNOWN
      || !g_ascii_string_to_unsigned (args[1], 10, 1, G_MAXUINT64, &max_pixels, NULL))
    {
      g_printerr ("carrete-photos: decode: expected TYPE MAX_PIXELS INPUT SMALL LARGE\n");
      return 2;
    }
#ifdef CARRETE_TEST_HOOKS
  inject_fault ();
#endif
  if (!photos_imaging_init (NULL, 1, &error))
    ok = FALSE;
  else
    ok = photos_imaging_process (args[2], type, max_pixels, &info, args[3], args[4], &error);
  photos_imaging_shutdown ();
  if (ok)
    line = g_strdup_printf ("ok %u %u %" G_GINT64_FORMAT "\n", info.width, info.height,
                            info.taken_at);
  else
    {
      /* One line: the message must not end the answer early. */
      g_autofree char *message = g_strdelimit (g_strdup (error->message), "\n", ' ');
      line = g_strdup_printf ("error %d %s\n", error->domain == CARRETE_ERROR ? error->code
                                                                              : CARRETE_ERROR_FAILED,
                              message);
    }
  return answer (line);
}
