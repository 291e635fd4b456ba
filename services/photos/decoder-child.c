#define G_LOG_DOMAIN "carrete-photos-decoder"

/* The child side of the decoder: `carrete-photos decode CPU_SECONDS`. */

#include "decoder.h"
#include "decoder-private.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "carrete-error.h"

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
  /* A slow but sound decoder: the image is decoded after 3 s. */
  if (g_str_equal (fault, "slow"))
    g_usleep (3 * G_USEC_PER_SEC);
}
#endif

/* RLIMIT_CPU counts the whole life of the process: the limit for this
 * image is what was used so far plus its allowance.  Past it the kernel
 * sends SIGXCPU, which ends the process. */
static void
limit_cpu_for_next_image (guint cpu_seconds)
{
  struct rusage usage;
  struct rlimit limit;

  getrusage (RUSAGE_SELF, &usage);
  getrlimit (RLIMIT_CPU, &limit);
  limit.rlim_cur = (rlim_t) (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + 1 + cpu_seconds);
  setrlimit (RLIMIT_CPU, &limit);
}

static gboolean
decode (char *request, PhotosImageInfo *info, GError **error)
{
  g_auto (GStrv) fields = g_strsplit (g_strchomp (request), "\t", 0);
  PhotosType type;
  guint64 max_pixels = 0;

  if (g_strv_length (fields) != 5
      || (type = photos_type_from_mime (fields[0])) == PHOTOS_TYPE_UNKNOWN
      || !g_ascii_string_to_unsigned (fields[1], 10, 1, G_MAXUINT64, &max_pixels, NULL))
    {
      g_set_error_literal (error, CARRETE_ERROR, CARRETE_ERROR_FAILED,
                           "the decoder was sent a request it cannot read");
      return FALSE;
    }
#ifdef CARRETE_TEST_HOOKS
  inject_fault ();
#endif
  return photos_imaging_process (fields[2], type, max_pixels, info, fields[3], fields[4], error);
}

static char *
answer_for (gboolean ok, const PhotosImageInfo *info, const GError *error)
{
  g_autofree char *message = NULL;

  if (ok)
    return g_strdup_printf ("ok %u %u %" G_GINT64_FORMAT "\n", info->width, info->height,
                            info->taken_at);
  /* One line: a newline in the message must not end the answer early. */
  message = g_strdelimit (g_strdup (error->message), "\n", ' ');
  return g_strdup_printf ("error %d %s\n",
                          error->domain == CARRETE_ERROR ? error->code : CARRETE_ERROR_FAILED,
                          message);
}

static gboolean
write_all (const char *text)
{
  gsize left = strlen (text);

  while (left > 0)
    {
      ssize_t n = write (PHOTOS_DECODER_FD, text, left);
      if (n <= 0)
        return FALSE;
      text += n;
      left -= (gsize) n;
    }
  return TRUE;
}

int
photos_decoder_child_main (char **args)
{
  guint64 cpu_seconds = 0;
  g_autoptr (GError) error = NULL;
  g_autofree char *request = NULL;
  gsize capacity = 0;
  FILE *in;

  if (!g_ascii_string_to_unsigned (args[0], 10, 1, 3600, &cpu_seconds, NULL)
      || (in = fdopen (PHOTOS_DECODER_FD, "r")) == NULL)
    {
      g_printerr ("carrete-photos: decode: run by carrete-photos serve, not by hand\n");
      return 2;
    }
  if (!photos_imaging_init (NULL, 1, &error))
    {
      g_printerr ("carrete-photos: decode: %s\n", error->message);
      fclose (in);
      return 1;
    }
  /* One request, one answer, until the service closes its end. */
  while (getline (&request, &capacity, in) > 0)
    {
      PhotosImageInfo info = { 0 };
      g_autoptr (GError) failure = NULL;
      g_autofree char *answer = NULL;
      gboolean ok;

      limit_cpu_for_next_image ((guint) cpu_seconds);
      ok = decode (request, &info, &failure);
      answer = answer_for (ok, &info, failure);
      if (!write_all (answer))
        break;
    }
  fclose (in);
  photos_imaging_shutdown ();
  return 0;
}
