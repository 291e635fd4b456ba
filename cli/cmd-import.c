/* carrete import DIR [--folder NAME] [--tags a,b] [--jobs N]: the images of
 * a tree, each once.  Planned before anything is sent: the walk (the
 * library's carrete-tree-walk.c), the cache (carrete-file-cache.c: a second run
 * reads no file), the bytes (carrete-file-scan.c: images only, SHA-256) and the
 * folder's photos on the server (what it has is not sent); then
 * import-upload.c. */

#define G_LOG_DOMAIN "carrete-cli"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli-commands.h"
#include "cli-listing.h"
#include "import-run.h"
#include "carrete-file-scan.h"

#define MAX_JOBS 32

void
import_run_report (ImportRun *run, const char *verb, const char *path, const char *detail)
{
  if (run->cli->json)
    return;
  if (run->tty)
    {
      /* Only what needs reading stays above the progress line. */
      if (g_strcmp0 (verb, "failed") == 0)
        fprintf (stderr, "\r\033[Kfailed %s: %s\n", path, detail != NULL ? detail : "");
      return;
    }
  if (detail != NULL)
    printf ("%s %s: %s\n", verb, path, detail);
  else
    printf ("%s %s\n", verb, path);
  fflush (stdout);
}

void
import_run_mark_uploaded (ImportRun *run, const char *path, guint64 size, gint64 mtime_ns,
                          const char *sha256)
{
  g_autoptr (GError) error = NULL;

  if (!carrete_file_cache_put (run->cache, path, size, mtime_ns, sha256, TRUE, &error))
    cli_error (run->cli, 0, "warning: %s", error->message);
}

static void
import_item_free (ImportItem *item)
{
  g_free (item);
}

/* ---- planning ---------------------------------------------------------------------------- */

static void
scan_item (ImportRun *run, ImportItem *item)
{
  const CarreteFileCacheEntry *cached = carrete_file_cache_lookup (
      run->cache, item->file->path, item->file->size, item->file->mtime_ns);
  g_autoptr (GError) error = NULL;
  gboolean is_image = FALSE;

  if (cached != NULL)
    {
      memcpy (item->sha256, cached->sha256, sizeof item->sha256);
      item->state = cached->uploaded ? ITEM_UNCHANGED : ITEM_UPLOAD;
      return;
    }
  if (!carrete_file_scan (item->file->path, &is_image, item->sha256, &error))
    {
      item->state = ITEM_FAILED;
      g_ptr_array_add (run->failed, g_strdup (error->message));
      import_run_report (run, "failed", item->file->path, error->message);
      return;
    }
  if (!is_image)
    {
      item->state = ITEM_NOT_IMAGE;
      return;
    }
  item->state = ITEM_UPLOAD;
  if (!carrete_file_cache_put (run->cache, item->file->path, item->file->size, item->file->mtime_ns,
                               item->sha256, FALSE, &error))
    cli_error (run->cli, 0, "warning: %s", error->message);
}

/* The SHA-256 of the folder's ready photos (no folder: the photos outside
 * folders), what the server would answer 409 to. */
static GHashTable *
server_hashes (ImportRun *run, GError **error)
{
  g_autoptr (GPtrArray) photos = cli_list_all_photos (run->cli, run->folder_id, error);
  GHashTable *hashes;

  if (photos == NULL)
    return NULL;
  hashes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < photos->len; i++)
    {
      CarretePhoto *photo = g_ptr_array_index (photos, i);

      if (g_strcmp0 (carrete_photo_get_state (photo), "ready") != 0
          || carrete_photo_get_sha256 (photo) == NULL
          || g_strcmp0 (carrete_photo_get_folder_id (photo), run->folder_id) != 0)
        continue;
      g_hash_table_add (hashes, g_strdup (carrete_photo_get_sha256 (photo)));
    }
  return hashes;
}

static guint
count_state (ImportRun *run, ImportItemState state)
{
  guint n = 0;

  for (guint i = 0; i < run->items->len; i++)
    n += ((ImportItem *) g_ptr_array_index (run->items, i))->state == state;
  return n;
}

/* What the server has is marked, and of several files with the same bytes
 * only the first goes. */
static int
plan_against_server (ImportRun *run)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) on_server = NULL;
  g_autoptr (GHashTable) planned = g_hash_table_new (g_str_hash, g_str_equal);

  if (count_state (run, ITEM_UPLOAD) == 0)
    return CLI_EXIT_OK;
  on_server = server_hashes (run, &error);
  if (on_server == NULL)
    return cli_fail (run->cli, error, "listing the photos on the server");
  for (guint i = 0; i < run->items->len; i++)
    {
      ImportItem *item = g_ptr_array_index (run->items, i);

      if (item->state != ITEM_UPLOAD)
        continue;
      if (g_hash_table_contains (on_server, item->sha256))
        {
          item->state = ITEM_ON_SERVER;
          run->already++;
          import_run_mark_uploaded (run, item->file->path, item->file->size, item->file->mtime_ns,
                                    item->sha256);
          import_run_report (run, "exists", item->file->path, NULL);
        }
      else if (!g_hash_table_add (planned, item->sha256))
        item->state = ITEM_LOCAL_COPY;
    }
  return CLI_EXIT_OK;
}

/* A copy is on the server once the file it copies is. */
static void
settle_copies (ImportRun *run)
{
  g_autoptr (GHashTable) sent = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < run->items->len; i++)
    {
      ImportItem *item = g_ptr_array_index (run->items, i);
      const CarreteFileCacheEntry *entry = carrete_file_cache_lookup (
          run->cache, item->file->path, item->file->size, item->file->mtime_ns);
      if (entry != NULL && entry->uploaded)
        g_hash_table_add (sent, item->sha256);
    }
  for (guint i = 0; i < run->items->len; i++)
    {
      ImportItem *item = g_ptr_array_index (run->items, i);

      if (item->state != ITEM_LOCAL_COPY)
        continue;
      if (g_hash_table_contains (sent, item->sha256))
        {
          run->already++;
          import_run_mark_uploaded (run, item->file->path, item->file->size, item->file->mtime_ns,
                                    item->sha256);
          import_run_report (run, "exists", item->file->path, "the same bytes as another file");
        }
    }
}

/* ---- the folder -------------------------------------------------------------------------- */

static int
ensure_folder (CarreteCommand *cli, const char *name, char **tags, CarreteFolder **folder)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) folders = cli_list_all_folders (cli, &error);
  g_autoptr (GAsyncResult) result = NULL;
  CarreteFolder *found;

  if (folders == NULL)
    return cli_fail (cli, error, "listing the folders");
  found = cli_find_folder (folders, name);
  if (found != NULL)
    {
      *folder = g_object_ref (found);
      return CLI_EXIT_OK;
    }
  carrete_client_create_folder_async (cli->client, name, NULL, (const char *const *) tags,
                                      cli->cancellable, cli_on_result, &result);
  CLI_AWAIT (result);
  *folder = carrete_client_create_folder_finish (cli->client, result, &error);
  if (*folder == NULL)
    return cli_fail (cli, error, "creating the folder");
  if (!cli->json)
    printf ("created folder %s\n", name);
  return CLI_EXIT_OK;
}

/* ---- the summary ------------------------------------------------------------------------- */

static int
summarize (ImportRun *run, guint unchanged)
{
  gboolean ok = run->failed->len == 0 && !run->cli->interrupted && run->cancelled == 0;
  JsonBuilder *b = cli_summary_begin (run->cli);

  if (b != NULL)
    {
      carrete_json_add_int (b, "uploaded", run->uploaded);
      carrete_json_add_int (b, "already_there", run->already + unchanged);
      carrete_json_add_int (b, "not_images", run->not_images);
    }
  else
    printf ("%u uploaded, %u already there, %u not images, %u failed%s\n", run->uploaded,
            run->already + unchanged, run->not_images, run->failed->len,
            run->cli->interrupted ? " (interrupted: run again to finish)" : "");
  cli_summary_end (run->cli, b, run->failed);
  return ok ? CLI_EXIT_OK : CLI_EXIT_FAILED;
}

/* ---- the command ------------------------------------------------------------------------- */

static int
check_arguments (CarreteCommand *cli, int argc, char **argv, int jobs, const char *folder,
                 const char *tags)
{
  if (argc < 2)
    return cli_error (cli, CLI_EXIT_USAGE, "missing DIR (see carrete import --help)");
  if (argc > 2)
    return cli_error (cli, CLI_EXIT_USAGE, "unexpected argument “%s”", argv[2]);
  if (jobs < 1 || jobs > MAX_JOBS)
    return cli_error (cli, CLI_EXIT_USAGE, "--jobs must be a whole number from 1 to %d", MAX_JOBS);
  if (tags != NULL && folder == NULL)
    return cli_error (cli, CLI_EXIT_USAGE, "--tags needs --folder (tags belong to folders)");
  if (!g_file_test (argv[1], G_FILE_TEST_EXISTS))
    return cli_error (cli, CLI_EXIT_USAGE, "%s: no such directory", argv[1]);
  if (!g_file_test (argv[1], G_FILE_TEST_IS_DIR))
    return cli_error (cli, CLI_EXIT_USAGE, "%s is not a directory", argv[1]);
  return CLI_EXIT_OK;
}

static char *
destination_key (CarreteCommand *cli, const char *folder_id)
{
  CarreteUser *user = carrete_client_get_user (cli->client);

  return g_strdup_printf (
      "%s\n%s\n%s", carrete_client_get_service_url (cli->client, CARRETE_SERVICE_PHOTOS),
      user != NULL ? carrete_user_get_id (user) : "", folder_id != NULL ? folder_id : "");
}

static int
plan (ImportRun *run, CarreteTreeWalk *walk, guint *unchanged)
{
  for (guint i = 0; i < walk->problems->len; i++)
    {
      const CarreteTreeProblem *problem = g_ptr_array_index (walk->problems, i);

      g_ptr_array_add (run->failed, g_strdup_printf ("%s: %s", problem->path,
                                                     g_strerror (problem->error_number)));
      import_run_report (run, "failed", problem->path, g_strerror (problem->error_number));
    }
  for (guint i = 0; i < walk->files->len && !run->cli->interrupted; i++)
    {
      ImportItem *item = g_new0 (ImportItem, 1);

      item->file = g_ptr_array_index (walk->files, i);
      g_ptr_array_add (run->items, item);
      scan_item (run, item);
      if (run->tty && i % 50 == 0)
        fprintf (stderr, "\r\033[Kreading %u/%u", i, walk->files->len);
      /* Keeps Ctrl-C (a main-context source) heard while reading. */
      g_main_context_iteration (NULL, FALSE);
    }
  if (run->tty)
    fprintf (stderr, "\r\033[K");
  run->not_images = count_state (run, ITEM_NOT_IMAGE);
  *unchanged = count_state (run, ITEM_UNCHANGED);
  if (run->cli->interrupted)
    return CLI_EXIT_OK;
  return plan_against_server (run);
}

int
cli_cmd_import (CarreteCommand *cli, int argc, char **argv)
{
  g_autofree char *folder_name = NULL, *tags_text = NULL;
  int jobs = 4, status;
  const GOptionEntry entries[] = {
    { "folder", 'f', 0, G_OPTION_ARG_STRING, &folder_name,
      "Into this folder (a name or an id; made when missing)", "NAME" },
    { "tags", 't', 0, G_OPTION_ARG_STRING, &tags_text,
      "Tags of the folder when it is made, comma-separated", "a,b" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Uploads at a time (1 to 32, default 4)", "N" },
    { NULL },
  };
  g_auto (GStrv) tags = NULL;
  g_autoptr (CarreteFolder) folder = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CarreteTreeWalk) walk = NULL;
  g_autoptr (CarreteFileCache) cache = NULL;
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) import_item_free);
  g_autoptr (GPtrArray) failed = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *root = NULL, *key = NULL;
  ImportRun run = { cli };
  guint unchanged = 0;

  if (!cli_parse (cli, "DIR",
                  "Upload the images of the tree DIR, each once: what the server "
                  "has is skipped, and a second run reads and sends nothing.\nCtrl-C stops; run "
                  "it again to finish.",
                  entries, &argc, &argv))
    return CLI_EXIT_USAGE;
  if ((status = check_arguments (cli, argc, argv, jobs, folder_name, tags_text)) != CLI_EXIT_OK)
    return status;
  if (tags_text != NULL)
    tags = g_strsplit (tags_text, ",", -1);
  root = g_canonicalize_filename (argv[1], NULL);
  cli_catch_signals (cli);
  if ((status = cli_connect (cli)) != CLI_EXIT_OK)
    return status;
  if (folder_name != NULL && (status = ensure_folder (cli, folder_name, tags, &folder)))
    return status;
  run.folder_id = folder != NULL ? carrete_folder_get_id (folder) : NULL;
  run.items = items;
  run.failed = failed;
  run.tty = !cli->json && isatty (STDERR_FILENO);
  key = destination_key (cli, run.folder_id);
  if ((cache = carrete_file_cache_open (NULL, key, &error)) == NULL)
    return cli_error (cli, CLI_EXIT_FAILED, "the cache: %s", error->message);
  run.cache = cache;
  if ((walk = carrete_tree_walk (root, NULL, &error)) == NULL)
    return cli_error (cli, CLI_EXIT_USAGE, "%s", error->message);
  if ((status = plan (&run, walk, &unchanged)) != CLI_EXIT_OK)
    return status;
  if (!cli->interrupted && count_state (&run, ITEM_UPLOAD) > 0)
    import_run_upload (&run, (guint) jobs);
  settle_copies (&run);
  if (!carrete_file_cache_close (cache, &error))
    cli_error (cli, 0, "warning: the cache: %s", error->message);
  return summarize (&run, unchanged);
}
