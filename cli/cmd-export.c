/* carrete export FOLDER DIR: the originals of a folder, byte for byte (the
 * photo's presigned `url`), under their names (a clash gets " (2)", a file
 * already there with the same bytes is kept), each file's modification
 * time the photo's taken_at, else its uploaded_at. */

#define G_LOG_DOMAIN "carrete-cli"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "cli-commands.h"
#include "cli-listing.h"

typedef struct
{
  guint written;
  guint kept;
  GPtrArray *failed; /* "name: why" */
} ExportCounts;

/* A name safe in one directory: no separator, not "." or "..", not empty. */
static char *
safe_name (const char *name, const char *id)
{
  g_autofree char *clean = g_strdup (name != NULL ? name : "");

  g_strdelimit (clean, "/", '_');
  if (*clean == '\0' || strcmp (clean, ".") == 0 || strcmp (clean, "..") == 0)
    return g_strdup (id);
  return g_steal_pointer (&clean);
}

static gboolean
same_bytes (const char *path, GBytes *bytes)
{
  g_autofree char *data = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &data, &length, NULL))
    return FALSE;
  return length == g_bytes_get_size (bytes)
         && memcmp (data, g_bytes_get_data (bytes, NULL), length) == 0;
}

/* "a.png", then "a (2).png", "a (3).png"…: the first free name, or the one
 * already holding these bytes (*exists TRUE). */
static char *
target_path (const char *dir, const char *name, GBytes *bytes, GHashTable *taken, gboolean *exists)
{
  const char *dot = strrchr (name, '.');
  g_autofree char *stem
      = dot != NULL && dot != name ? g_strndup (name, dot - name) : g_strdup (name);
  const char *ext = dot != NULL && dot != name ? dot : "";

  *exists = FALSE;
  for (guint n = 1;; n++)
    {
      g_autofree char *candidate
          = n == 1 ? g_strdup (name) : g_strdup_printf ("%s (%u)%s", stem, n, ext);
      g_autofree char *path = g_build_filename (dir, candidate, NULL);

      if (g_hash_table_contains (taken, candidate))
        continue;
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        {
          if (!same_bytes (path, bytes))
            continue;
          *exists = TRUE;
        }
      g_hash_table_add (taken, g_steal_pointer (&candidate));
      return g_steal_pointer (&path);
    }
}

static gboolean
set_mtime (const char *path, CarretePhoto *photo, GError **error)
{
  GDateTime *when = carrete_photo_get_taken_at (photo);
  struct timespec times[2];

  if (when == NULL)
    when = carrete_photo_get_uploaded_at (photo);
  if (when == NULL)
    return TRUE;
  times[0].tv_sec = times[1].tv_sec = g_date_time_to_unix (when);
  times[0].tv_nsec = times[1].tv_nsec = g_date_time_get_microsecond (when) * 1000;
  if (utimensat (AT_FDCWD, path, times, 0) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: %s", path,
                   g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* The photo with its presigned URLs, then its bytes. */
static GBytes *
download (CarreteCommand *cli, const char *id, CarretePhoto **full, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GAsyncResult) fetched = NULL;

  carrete_client_get_photo_async (cli->client, id, cli->cancellable, cli_on_result, &result);
  CLI_AWAIT (result);
  *full = carrete_client_get_photo_finish (cli->client, result, error);
  if (*full == NULL)
    return NULL;
  if (carrete_photo_get_url (*full) == NULL)
    {
      g_set_error (error, CARRETE_CLIENT_ERROR, CARRETE_CLIENT_ERROR_NOT_FOUND,
                   "the server gave no address for the original");
      return NULL;
    }
  carrete_client_fetch_bytes_async (cli->client, carrete_photo_get_url (*full), cli->cancellable,
                                    cli_on_result, &fetched);
  CLI_AWAIT (fetched);
  return carrete_client_fetch_bytes_finish (cli->client, fetched, error);
}

static void
export_photo (CarreteCommand *cli, CarretePhoto *photo, const char *dir, GHashTable *taken,
              ExportCounts *counts)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CarretePhoto) full = NULL;
  g_autoptr (GBytes) bytes = download (cli, carrete_photo_get_id (photo), &full, &error);
  g_autofree char *name = safe_name (carrete_photo_get_name (photo), carrete_photo_get_id (photo));
  g_autofree char *path = NULL;
  gboolean exists = FALSE;

  if (bytes != NULL)
    {
      path = target_path (dir, name, bytes, taken, &exists);
      /* Written whole then renamed: an interrupted export leaves no half
       * file under a photo's name. */
      if (!exists
          && !g_file_set_contents_full (path, g_bytes_get_data (bytes, NULL),
                                        (gssize) g_bytes_get_size (bytes),
                                        G_FILE_SET_CONTENTS_CONSISTENT, 0644, &error))
        g_clear_object (&full);
      else if (!set_mtime (path, full, &error))
        g_clear_object (&full);
    }
  if (error != NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_ptr_array_add (counts->failed, g_strdup_printf ("%s: %s", name, error->message));
      return;
    }
  if (exists)
    counts->kept++;
  else
    counts->written++;
  if (!cli->json)
    printf ("%s %s\n", exists ? "kept" : "wrote", path);
}

static int
summarize (CarreteCommand *cli, ExportCounts *counts)
{
  JsonBuilder *b = cli_summary_begin (cli);

  if (b != NULL)
    {
      carrete_json_add_int (b, "written", counts->written);
      carrete_json_add_int (b, "kept", counts->kept);
    }
  else
    printf ("%u written, %u already there, %u failed%s\n", counts->written, counts->kept,
            counts->failed->len, cli->interrupted ? " (interrupted)" : "");
  cli_summary_end (cli, b, counts->failed);
  return counts->failed->len == 0 && !cli->interrupted ? CLI_EXIT_OK : CLI_EXIT_FAILED;
}

int
cli_cmd_export (CarreteCommand *cli, int argc, char **argv)
{
  g_autoptr (CarreteFolder) folder = NULL;
  g_autoptr (GPtrArray) photos = NULL;
  g_autoptr (GPtrArray) failed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GError) error = NULL;
  ExportCounts counts = { 0, 0, failed };
  int status;

  if (!cli_parse (cli, "FOLDER DIR",
                  "Download the originals of FOLDER (a name or an id) into "
                  "DIR (made when missing), with their names and dates.",
                  NULL, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (argc < 3)
    return cli_error (cli, CLI_EXIT_USAGE, "missing %s (see carrete export --help)",
                      argc < 2 ? "FOLDER and DIR" : "DIR");
  if (argc > 3)
    return cli_error (cli, CLI_EXIT_USAGE, "unexpected argument “%s”", argv[3]);
  if (g_file_test (argv[2], G_FILE_TEST_EXISTS) && !g_file_test (argv[2], G_FILE_TEST_IS_DIR))
    return cli_error (cli, CLI_EXIT_USAGE, "%s is not a directory", argv[2]);
  cli_catch_signals (cli);
  if ((status = cli_connect (cli)) != CLI_EXIT_OK)
    return status;
  if ((status = cli_resolve_folder (cli, argv[1], &folder)) != CLI_EXIT_OK)
    return status;
  if (g_mkdir_with_parents (argv[2], 0755) != 0)
    return cli_error (cli, CLI_EXIT_FAILED, "cannot create %s: %s", argv[2], g_strerror (errno));
  photos = cli_list_all_photos (cli, carrete_folder_get_id (folder), &error);
  if (photos == NULL)
    return cli_fail (cli, error, "listing the photos");
  for (guint i = 0; i < photos->len && !cli->interrupted; i++)
    {
      CarretePhoto *photo = g_ptr_array_index (photos, i);

      if (g_strcmp0 (carrete_photo_get_state (photo), "ready") == 0)
        export_photo (cli, photo, argv[2], taken, &counts);
    }
  return summarize (cli, &counts);
}
