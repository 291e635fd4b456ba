#define G_LOG_DOMAIN "carrete-file-cache"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "carrete-file-cache.h"

/* A line: "U|H <TAB> size <TAB> mtime_ns <TAB> sha256 <TAB> path" with the
 * path escaped by g_strescape (tabs, newlines and bytes over 0x7f as
 * escapes), so that any file name fits on one line. */

struct _CarreteFileCache
{
  char *path;
  GHashTable *entries; /* path → CarreteFileCacheEntry */
  FILE *log;           /* appended to */
};

static gboolean
is_sha256 (const char *text)
{
  if (strlen (text) != 64)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isxdigit (*p) || g_ascii_isupper (*p))
      return FALSE;
  return TRUE;
}

gboolean
carrete_file_cache_parse_line (const char *line, char **path, CarreteFileCacheEntry *entry)
{
  g_auto (GStrv) fields = g_strsplit (line, "\t", 5);
  char *end = NULL;

  if (g_strv_length (fields) != 5 || (strcmp (fields[0], "U") != 0 && strcmp (fields[0], "H") != 0))
    return FALSE;
  memset (entry, 0, sizeof *entry);
  entry->uploaded = fields[0][0] == 'U';
  errno = 0;
  entry->size = g_ascii_strtoull (fields[1], &end, 10);
  if (errno != 0 || end == fields[1] || *end != '\0')
    return FALSE;
  entry->mtime_ns = g_ascii_strtoll (fields[2], &end, 10);
  if (errno != 0 || end == fields[2] || *end != '\0')
    return FALSE;
  if (!is_sha256 (fields[3]) || fields[4][0] == '\0')
    return FALSE;
  memcpy (entry->sha256, fields[3], 65);
  *path = g_strcompress (fields[4]);
  return TRUE;
}

char *
carrete_file_cache_format_line (const char *path, const CarreteFileCacheEntry *entry)
{
  g_autofree char *escaped = g_strescape (path, NULL);

  return g_strdup_printf ("%c\t%" G_GUINT64_FORMAT "\t%" G_GINT64_FORMAT "\t%s\t%s\n",
                          entry->uploaded ? 'U' : 'H', entry->size, entry->mtime_ns, entry->sha256,
                          escaped);
}

static void
load (CarreteFileCache *cache)
{
  g_autofree char *data = NULL;
  g_auto (GStrv) lines = NULL;

  if (!g_file_get_contents (cache->path, &data, NULL, NULL))
    return;
  lines = g_strsplit (data, "\n", -1);
  for (gsize i = 0; lines[i] != NULL; i++)
    {
      char *path = NULL;
      CarreteFileCacheEntry entry;

      if (carrete_file_cache_parse_line (lines[i], &path, &entry))
        g_hash_table_replace (cache->entries, path, g_memdup2 (&entry, sizeof entry));
    }
}

static FILE *
open_log (const char *path, GError **error)
{
  FILE *log = fopen (path, "a");

  if (log == NULL)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "cannot write %s: %s",
                   path, g_strerror (saved));
    }
  return log;
}

CarreteFileCache *
carrete_file_cache_open (const char *dir, const char *destination, GError **error)
{
  g_autoptr (CarreteFileCache) cache = g_new0 (CarreteFileCache, 1);
  g_autofree char *base = NULL;
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, destination, -1);
  g_autofree char *name = g_strdup_printf ("%.32s.tsv", digest);

  base = dir != NULL ? g_strdup (dir)
                     : g_build_filename (g_get_user_cache_dir (), "carrete", "import", NULL);
  if (g_mkdir_with_parents (base, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "cannot create %s: %s",
                   base, g_strerror (saved));
      return NULL;
    }
  cache->path = g_build_filename (base, name, NULL);
  cache->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  load (cache);
  cache->log = open_log (cache->path, error);
  if (cache->log == NULL)
    return NULL;
  return g_steal_pointer (&cache);
}

const CarreteFileCacheEntry *
carrete_file_cache_lookup (CarreteFileCache *cache, const char *path, guint64 size, gint64 mtime_ns)
{
  const CarreteFileCacheEntry *entry = g_hash_table_lookup (cache->entries, path);

  if (entry == NULL || entry->size != size || entry->mtime_ns != mtime_ns)
    return NULL;
  return entry;
}

const CarreteFileCacheEntry *
carrete_file_cache_get (CarreteFileCache *cache, const char *path)
{
  return g_hash_table_lookup (cache->entries, path);
}

gboolean
carrete_file_cache_put (CarreteFileCache *cache, const char *path, guint64 size, gint64 mtime_ns,
                        const char *sha256, gboolean uploaded, GError **error)
{
  CarreteFileCacheEntry entry = { size, mtime_ns, { 0 }, uploaded };
  g_autofree char *line = NULL;

  g_return_val_if_fail (is_sha256 (sha256), FALSE);
  memcpy (entry.sha256, sha256, 65);
  g_hash_table_replace (cache->entries, g_strdup (path), g_memdup2 (&entry, sizeof entry));
  line = carrete_file_cache_format_line (path, &entry);
  /* Flushed line by line: what a killed run knew is not lost. */
  if (fputs (line, cache->log) < 0 || fflush (cache->log) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "cannot write %s: %s",
                   cache->path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

gboolean
carrete_file_cache_close (CarreteFileCache *cache, GError **error)
{
  g_autoptr (GString) data = g_string_new (NULL);
  GHashTableIter iter;
  gpointer path, entry;

  g_clear_pointer (&cache->log, fclose);
  g_hash_table_iter_init (&iter, cache->entries);
  while (g_hash_table_iter_next (&iter, &path, &entry))
    {
      g_autofree char *line = carrete_file_cache_format_line (path, entry);
      g_string_append (data, line);
    }
  return g_file_set_contents_full (cache->path, data->str, (gssize) data->len,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

void
carrete_file_cache_free (CarreteFileCache *cache)
{
  if (cache == NULL)
    return;
  g_clear_pointer (&cache->log, fclose);
  g_clear_pointer (&cache->entries, g_hash_table_unref);
  g_free (cache->path);
  g_free (cache);
}
