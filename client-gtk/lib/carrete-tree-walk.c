#define G_LOG_DOMAIN "carrete-tree-walk"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "carrete-tree-walk.h"

typedef struct
{
  CarreteTreeWalk *walk;
  GHashTable *seen; /* "dev:ino" of directories and files reached */
  GCancellable *cancellable;
} Walker;

static void
tree_file_free (CarreteTreeFile *file)
{
  g_free (file->path);
  g_free (file);
}

static void
tree_problem_free (CarreteTreeProblem *problem)
{
  g_free (problem->path);
  g_free (problem);
}

void
carrete_tree_walk_free (CarreteTreeWalk *walk)
{
  if (walk == NULL)
    return;
  g_clear_pointer (&walk->files, g_ptr_array_unref);
  g_clear_pointer (&walk->problems, g_ptr_array_unref);
  g_clear_pointer (&walk->broken, g_ptr_array_unref);
  g_free (walk);
}

/* TRUE the first time this device and inode are met. */
static gboolean
first_visit (Walker *walker, const struct stat *st)
{
  char *key = g_strdup_printf ("%ju:%ju", (uintmax_t) st->st_dev, (uintmax_t) st->st_ino);

  return g_hash_table_add (walker->seen, key);
}

static void
problem (Walker *walker, const char *path, int error_number, gboolean is_dir)
{
  CarreteTreeProblem *problem = g_new0 (CarreteTreeProblem, 1);

  problem->path = g_strdup (path);
  problem->error_number = error_number;
  problem->is_dir = is_dir;
  g_ptr_array_add (walker->walk->problems, problem);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The names in `dir` but . and .., sorted; NULL (errno set) when unreadable. */
static GPtrArray *
read_names (const char *dir)
{
  DIR *stream = opendir (dir);
  GPtrArray *names;
  struct dirent *entry;

  if (stream == NULL)
    return NULL;
  names = g_ptr_array_new_with_free_func (g_free);
  errno = 0;
  while ((entry = readdir (stream)) != NULL)
    if (strcmp (entry->d_name, ".") != 0 && strcmp (entry->d_name, "..") != 0)
      g_ptr_array_add (names, g_strdup (entry->d_name));
  closedir (stream);
  g_ptr_array_sort (names, compare_names);
  return names;
}

static void walk_dir (Walker *walker, const char *dir);

static void
visit (Walker *walker, const char *path)
{
  struct stat st;
  CarreteTreeFile *file;

  if (stat (path, &st) != 0)
    {
      struct stat link;
      if (errno == ENOENT && lstat (path, &link) == 0 && S_ISLNK (link.st_mode))
        g_ptr_array_add (walker->walk->broken, g_strdup (path));
      else if (errno == ELOOP)
        walker->walk->loops++;
      else if (errno != ENOENT) /* a file that vanished meanwhile is no problem */
        problem (walker, path, errno, FALSE);
      return;
    }
  if (!first_visit (walker, &st))
    {
      if (S_ISDIR (st.st_mode))
        walker->walk->loops++;
      return;
    }
  if (S_ISDIR (st.st_mode))
    {
      walk_dir (walker, path);
      return;
    }
  if (!S_ISREG (st.st_mode))
    return;
  file = g_new0 (CarreteTreeFile, 1);
  file->path = g_strdup (path);
  file->size = (guint64) st.st_size;
  file->mtime_ns = (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st.st_mtim.tv_nsec;
  g_ptr_array_add (walker->walk->files, file);
}

static void
walk_dir (Walker *walker, const char *dir)
{
  g_autoptr (GPtrArray) names = read_names (dir);

  if (g_cancellable_is_cancelled (walker->cancellable))
    return;
  if (names == NULL)
    {
      problem (walker, dir, errno, TRUE);
      return;
    }
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *path = NULL;

      /* Hidden files and folders (.DS_Store, .thumbnails, a NAS's
       * .@__thumb) are not photos anyone meant to import, as in the
       * desktop's dropped folders. */
      if (name[0] == '.')
        continue;
      path = g_build_filename (dir, name, NULL);
      visit (walker, path);
    }
}

CarreteTreeWalk *
carrete_tree_walk (const char *root, GCancellable *cancellable, GError **error)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (CarreteTreeWalk) walk = g_new0 (CarreteTreeWalk, 1);
  Walker walker = { walk, seen, cancellable };
  struct stat st;

  if (stat (root, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: %s", root,
                   g_strerror (saved));
      return NULL;
    }
  if (!S_ISDIR (st.st_mode))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOTDIR, "%s is not a directory", root);
      return NULL;
    }
  walk->files = g_ptr_array_new_with_free_func ((GDestroyNotify) tree_file_free);
  walk->problems = g_ptr_array_new_with_free_func ((GDestroyNotify) tree_problem_free);
  walk->broken = g_ptr_array_new_with_free_func (g_free);
  first_visit (&walker, &st);
  walk_dir (&walker, root);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  return g_steal_pointer (&walk);
}
