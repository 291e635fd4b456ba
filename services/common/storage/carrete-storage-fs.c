#define G_LOG_DOMAIN "carrete-storage-fs"

/* The fs backend: one file per object under `dir`, key segments as
 * directories.
 *
 * - Writes are atomic: the bytes go to a temporary file in the object's own
 *   directory (".tmp-XXXXXX": keys never start a segment with '.'), are
 *   flushed, and then renamed over the object, so a reader sees the old
 *   object or the new one, never half of one.
 * - Metadata (content type, SHA-256 etag) lives in a parallel tree,
 *   `dir/.meta/<key>`, which no key can reach.  It records the inode number
 *   of the object it describes; rename keeps inode numbers, so a sidecar
 *   left from an earlier put (a crash or a race between the two renames) is
 *   recognised and ignored instead of describing the wrong bytes (stat
 *   then reports no content type and a size-and-time etag).
 * - URLs are `<public_url>/v1/storage/<key>?expires=…[&content_type=…]&signature=…`
 *   with an HMAC-SHA256 over method, key, expiry and content type. */

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "carrete-error.h"
#include "carrete-sha256.h"
#include "carrete-storage-fs-private.h"
#include "carrete-fd.h"

#define META_DIR ".meta"
#define META_VERSION "carrete-meta-1"
#define URL_MAC_CONTEXT "carrete-storage-url-1"
#define COPY_CHUNK (64 * 1024)
#define MAX_PUT_ATTEMPTS 3

gboolean
_carrete_fs_set_io_error (GError **error, int errsv, const char *what, const char *path)
{
  /* A full disk (or quota) passes: a 503 to come back later, not a bug. */
  gboolean full = errsv == ENOSPC || errsv == EDQUOT;

  g_set_error (error, CARRETE_ERROR, full ? CARRETE_ERROR_UNAVAILABLE : CARRETE_ERROR_FAILED,
               "storage: cannot %s %s: %s", what, path, g_strerror (errsv));
  return FALSE;
}

char *
_carrete_fs_object_path (FsStorage *fs, const char *key)
{
  return g_build_filename (fs->dir, key, NULL);
}

static char *
meta_path (FsStorage *fs, const char *key)
{
  return g_build_filename (fs->meta_dir, key, NULL);
}

/* ---- Writing ---------------------------------------------------------------- */

/* Copies `in` to `out`, hashing as it goes.  More than `max_bytes` →
 * CARRETE_ERROR_TOO_LARGE. */
gboolean
_carrete_fs_copy_fd (int in, int out, guint64 max_bytes, GCancellable *cancellable,
                     CopyResult *result, GError **error)
{
  g_autofree guint8 *buffer = g_malloc (COPY_CHUNK);
  g_autoptr (CarreteSha256) state = carrete_sha256_new ();

  result->size = 0;
  for (;;)
    {
      gssize n = read (in, buffer, COPY_CHUNK);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return _carrete_fs_set_io_error (error, errno, "read", "the source");
      if (n == 0)
        break;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      result->size += (guint64) n;
      if (result->size > max_bytes)
        {
          g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_TOO_LARGE,
                       "object larger than %" G_GUINT64_FORMAT " bytes", max_bytes);
          return FALSE;
        }
      carrete_sha256_update (state, buffer, (gsize) n);
      if (carrete_fd_write_all (out, buffer, (gsize) n) != 0)
        return _carrete_fs_set_io_error (error, errno, "write", "the destination");
    }
  carrete_sha256_finish_hex (state, result->sha256);
  return TRUE;
}

/* A temporary file beside `target`.  ENOENT means a concurrent delete pruned
 * the directory between our mkdir and the create: the caller retries. */
static int
open_temp_beside (const char *target, char **temp_path, int *errsv)
{
  g_autofree char *parent = g_path_get_dirname (target);
  g_autofree char *tmpl = g_build_filename (parent, ".tmp-XXXXXX", NULL);
  int fd;

  if (g_mkdir_with_parents (parent, 0750) != 0)
    {
      *errsv = errno;
      return -1;
    }
  fd = g_mkstemp_full (tmpl, O_RDWR | O_CLOEXEC, 0640);
  *errsv = errno;
  if (fd >= 0)
    *temp_path = g_steal_pointer (&tmpl);
  return fd;
}

int
_carrete_fs_open_temp_retrying (const char *target, char **temp_path, GError **error)
{
  int errsv = 0;

  for (int attempt = 0; attempt < MAX_PUT_ATTEMPTS; attempt++)
    {
      int fd = open_temp_beside (target, temp_path, &errsv);

      if (fd >= 0)
        return fd;
      if (errsv != ENOENT)
        break;
    }
  if (errsv == ENOTDIR || errsv == EEXIST)
    g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFLICT,
                 "storage: an object is in the way of %s", target);
  else
    _carrete_fs_set_io_error (error, errsv, "create a file beside", target);
  return -1;
}

gboolean
_carrete_fs_rename_into_place (const char *temp, const char *target, GError **error)
{
  if (g_rename (temp, target) == 0)
    return TRUE;
  if (errno == EISDIR || errno == ENOTEMPTY || errno == EEXIST)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFLICT,
                   "storage: %s is a prefix of other objects", target);
      return FALSE;
    }
  return _carrete_fs_set_io_error (error, errno, "rename onto", target);
}

/* Writes `contents` to `target` atomically. */
gboolean
_carrete_fs_write_small_file (const char *target, const char *contents, GError **error)
{
  g_autofree char *temp = NULL;
  int fd = _carrete_fs_open_temp_retrying (target, &temp, error);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = carrete_fd_write_all (fd, contents, strlen (contents)) == 0;
  if (!ok)
    _carrete_fs_set_io_error (error, errno, "write", temp);
  if (close (fd) != 0 && ok)
    ok = _carrete_fs_set_io_error (error, errno, "close", temp);
  if (ok)
    ok = _carrete_fs_rename_into_place (temp, target, error);
  if (!ok)
    g_unlink (temp);
  return ok;
}

gboolean
_carrete_fs_write_meta (FsStorage *fs, const char *key, ino_t inode, const CopyResult *copy,
                        const char *content_type, GError **error)
{
  g_autofree char *path = meta_path (fs, key);
  g_autofree char *contents =
    g_strdup_printf (META_VERSION "\n%" G_GUINT64_FORMAT "\n%" G_GUINT64_FORMAT "\n%s\n%s\n",
                     (guint64) inode, copy->size, copy->sha256,
                     content_type != NULL ? content_type : "");

  return _carrete_fs_write_small_file (path, contents, error);
}

/* Copies the source into a flushed temporary file beside the object. */
static gboolean
stage_object (const char *source, const char *target, GCancellable *cancellable, char **temp,
              struct stat *staged, CopyResult *copy, GError **error)
{
  int in = g_open (source, O_RDONLY | O_CLOEXEC, 0);
  int out;
  gboolean ok;

  if (in < 0)
    return _carrete_fs_set_io_error (error, errno, "open", source);
  out = _carrete_fs_open_temp_retrying (target, temp, error);
  if (out < 0)
    {
      close (in);
      return FALSE;
    }
  ok = _carrete_fs_copy_fd (in, out, G_MAXUINT64, cancellable, copy, error);
  /* Flushed before the rename, so that after a crash the name never points
   * at a file whose blocks were not written. */
  if (ok && fdatasync (out) != 0)
    ok = _carrete_fs_set_io_error (error, errno, "flush", *temp);
  if (ok && fstat (out, staged) != 0)
    ok = _carrete_fs_set_io_error (error, errno, "stat", *temp);
  close (in);
  if (close (out) != 0 && ok)
    ok = _carrete_fs_set_io_error (error, errno, "close", *temp);
  return ok;
}

static gboolean
fs_put_file (CarreteStorage *storage, const char *key, const char *path, const char *content_type,
             const char *sha256_hex, GCancellable *cancellable, GError **error)
{
  FsStorage *fs = fs_of (storage);
  g_autofree char *target = _carrete_fs_object_path (fs, key);
  g_autofree char *temp = NULL;
  struct stat staged;
  CopyResult copy;

  /* The sidecar first, naming the staged file's inode (the rename keeps
   * it): a put that fails before the last step leaves the old object and
   * its sidecar as they were. */
  if (!stage_object (path, target, cancellable, &temp, &staged, &copy, error)
      || !_carrete_fs_write_meta (fs, key, staged.st_ino, &copy, content_type, error)
      || !_carrete_fs_rename_into_place (temp, target, error))
    {
      if (temp != NULL)
        g_unlink (temp);
      return FALSE;
    }
  return TRUE;
}

/* ---- Reading ---------------------------------------------------------------- */

static gboolean
not_found (GError **error, const char *key)
{
  g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND, "no object %s", key);
  return FALSE;
}

/* Opens the object for reading; a directory (a prefix of other keys) is not
 * an object. */
static int
open_object (FsStorage *fs, const char *key, struct stat *st, GError **error)
{
  g_autofree char *path = _carrete_fs_object_path (fs, key);
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);

  if (fd < 0)
    {
      if (errno == ENOENT || errno == ENOTDIR)
        not_found (error, key);
      else
        _carrete_fs_set_io_error (error, errno, "open", path);
      return -1;
    }
  if (fstat (fd, st) != 0 || !S_ISREG (st->st_mode))
    {
      close (fd);
      not_found (error, key);
      return -1;
    }
  return fd;
}

static gboolean
fs_get_to_file (CarreteStorage *storage, const char *key, const char *path, guint64 max_bytes,
                GCancellable *cancellable, GError **error)
{
  FsStorage *fs = fs_of (storage);
  struct stat st;
  CopyResult copy;
  int in = open_object (fs, key, &st, error);
  int out;
  gboolean ok;

  if (in >= 0 && (guint64) st.st_size > max_bytes)
    {
      close (in);
      in = -1;
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_TOO_LARGE,
                   "object larger than %" G_GUINT64_FORMAT " bytes", max_bytes);
    }
  if (in < 0)
    {
      carrete_storage_remove_partial (path);
      return FALSE;
    }
  out = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out < 0)
    {
      close (in);
      return _carrete_fs_set_io_error (error, errno, "create", path);
    }
  ok = _carrete_fs_copy_fd (in, out, max_bytes, cancellable, &copy, error);
  close (in);
  if (close (out) != 0 && ok)
    ok = _carrete_fs_set_io_error (error, errno, "close", path);
  if (!ok)
    carrete_storage_remove_partial (path);
  return ok;
}

static gboolean
fs_digest (CarreteStorage *storage, const char *key, guint64 max_bytes, CarreteDigest *digest,
           GCancellable *cancellable, GError **error)
{
  g_autofree guint8 *buffer = g_malloc (COPY_CHUNK);
  struct stat st;
  int in = open_object (fs_of (storage), key, &st, error);
  gboolean ok = in >= 0;

  while (ok)
    {
      gssize n = read (in, buffer, COPY_CHUNK);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        ok = _carrete_fs_set_io_error (error, errno, "read", key);
      else if (n == 0)
        break;
      else if (digest->size + (guint64) n > max_bytes)
        {
          g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_TOO_LARGE,
                       "object larger than %" G_GUINT64_FORMAT " bytes", max_bytes);
          ok = FALSE;
        }
      else if (!g_cancellable_set_error_if_cancelled (cancellable, error))
        carrete_digest_update (digest, buffer, (gsize) n);
      else
        ok = FALSE;
    }
  if (in >= 0)
    close (in);
  return ok;
}

/* Fills the type and etag from the sidecar when it describes this very
 * file (same inode and size). */
static gboolean
read_meta (FsStorage *fs, const char *key, const struct stat *st, CarreteObjectInfo *info)
{
  g_autofree char *path = meta_path (fs, key);
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;
  lines = g_strsplit (contents, "\n", 6);
  if (g_strv_length (lines) < 5 || strcmp (lines[0], META_VERSION) != 0
      || g_ascii_strtoull (lines[1], NULL, 10) != (guint64) st->st_ino
      || g_ascii_strtoull (lines[2], NULL, 10) != (guint64) st->st_size)
    return FALSE;
  info->etag = g_strdup_printf ("\"%s\"", lines[3]);
  info->content_type = *lines[4] != '\0' ? g_strdup (lines[4]) : NULL;
  return TRUE;
}

static gboolean
fs_stat (CarreteStorage *storage, const char *key, CarreteObjectInfo *info, GError **error)
{
  FsStorage *fs = fs_of (storage);
  struct stat st;
  int fd = open_object (fs, key, &st, error);

  if (fd < 0)
    return FALSE;
  close (fd);
  info->size = (guint64) st.st_size;
  if (!read_meta (fs, key, &st, info))
    info->etag = g_strdup_printf ("\"%" G_GINT64_MODIFIER "x-%" G_GINT64_MODIFIER "x-%lx\"",
                                  (gint64) st.st_size, (gint64) st.st_mtim.tv_sec,
                                  (unsigned long) st.st_mtim.tv_nsec);
  return TRUE;
}

/* A put of the source's file: staged beside the target from an open
 * descriptor, so a put that renames a new source in meanwhile does not
 * tear the copy. */
static gboolean
fs_copy (CarreteStorage *storage, const char *from, const char *to, GCancellable *cancellable,
         GError **error)
{
  FsStorage *fs = fs_of (storage);
  g_auto (CarreteObjectInfo) info = { 0 };
  g_autofree char *source = _carrete_fs_object_path (fs, from);

  if (!fs_stat (storage, from, &info, error))
    return FALSE;
  return fs_put_file (storage, to, source, info.content_type, NULL, cancellable, error);
}

/* ---- Deleting ---------------------------------------------------------------- */

/* Removes the now empty directories between `path` and `root`; stops at the
 * first that is not empty (or that a concurrent put just filled). */
void
_carrete_fs_prune_empty_parents (const char *root, const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  while (strlen (dir) > strlen (root) && g_str_has_prefix (dir, root))
    {
      char *parent;

      if (g_rmdir (dir) != 0)
        return;
      parent = g_path_get_dirname (dir);
      g_free (dir);
      dir = parent;
    }
}

static gboolean
unlink_if_present (const char *path, GError **error)
{
  /* EISDIR: the key names a directory of other objects, so no object. */
  if (g_unlink (path) == 0 || errno == ENOENT || errno == ENOTDIR || errno == EISDIR)
    return TRUE;
  return _carrete_fs_set_io_error (error, errno, "remove", path);
}

static gboolean
fs_delete (CarreteStorage *storage, const char *key, GError **error)
{
  FsStorage *fs = fs_of (storage);
  g_autofree char *object = _carrete_fs_object_path (fs, key);
  g_autofree char *meta = meta_path (fs, key);

  if (!unlink_if_present (object, error) || !unlink_if_present (meta, error))
    return FALSE;
  _carrete_fs_prune_empty_parents (fs->dir, object);
  _carrete_fs_prune_empty_parents (fs->meta_dir, meta);
  return TRUE;
}

/* ---- Listing ------------------------------------------------------------------ */

static gboolean
list_walk (const char *root_dir, const char *relative, const char *prefix, GPtrArray *keys,
           GError **error)
{
  g_autofree char *path = g_build_filename (root_dir, relative, NULL);
  g_autoptr (GError) local = NULL;
  g_autoptr (GDir) dir = g_dir_open (path, 0, &local);
  const char *name;

  if (dir == NULL)
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT)
          || g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOTDIR))
        return TRUE;
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FAILED, "storage: %s", local->message);
      return FALSE;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *key = *relative != '\0' ? g_strconcat (relative, "/", name, NULL)
                                               : g_strdup (name);
      g_autofree char *full = g_build_filename (root_dir, key, NULL);

      /* Temporary files and the metadata tree. */
      if (name[0] == '.')
        continue;
      if (g_file_test (full, G_FILE_TEST_IS_DIR))
        {
          if (!list_walk (root_dir, key, prefix, keys, error))
            return FALSE;
        }
      else if (g_str_has_prefix (key, prefix) && carrete_storage_key_is_valid (key))
        g_ptr_array_add (keys, g_steal_pointer (&key));
    }
  return TRUE;
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static GPtrArray *
fs_list (CarreteStorage *storage, const char *prefix, GError **error)
{
  FsStorage *fs = fs_of (storage);
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  const char *slash = strrchr (prefix, '/');
  /* Only the directory the prefix names needs walking. */
  g_autofree char *start = slash != NULL ? g_strndup (prefix, (gsize) (slash - prefix))
                                         : g_strdup ("");

  if (!list_walk (fs->dir, start, prefix, keys, error))
    return NULL;
  g_ptr_array_sort (keys, compare_strings);
  return g_steal_pointer (&keys);
}

/* ---- URLs -------------------------------------------------------------------- */

/* Fields separated by '\n', which none of them may contain (keys, types and
 * expiry digits are checked), so no two inputs give the same message. */
static void
url_mac (FsStorage *fs, const char *method, const char *key, const char *expires,
         const char *content_type, guint8 mac[crypto_auth_hmacsha256_BYTES])
{
  g_autofree char *message =
    g_strdup_printf (URL_MAC_CONTEXT "\n%s\n%s\n%s\n%s", method, key, expires,
                     content_type != NULL ? content_type : "");

  crypto_auth_hmacsha256 (mac, (const guint8 *) message, strlen (message), fs->url_key);
}

static char *
fs_presign (CarreteStorage *storage, const char *method, const char *key, gint64 now,
            guint ttl_seconds, const char *content_type, GError **error)
{
  FsStorage *fs = fs_of (storage);
  g_autofree char *expires = g_strdup_printf ("%" G_GINT64_FORMAT, now + (gint64) ttl_seconds);
  g_autofree char *type_param = NULL;
  guint8 mac[crypto_auth_hmacsha256_BYTES];
  char hex[sizeof mac * 2 + 1];

  if (now < 0 || now > G_MAXINT64 - (gint64) ttl_seconds)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID, "time out of range");
      return NULL;
    }
  url_mac (fs, method, key, expires, content_type, mac);
  sodium_bin2hex (hex, sizeof hex, mac, sizeof mac);
  if (content_type != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (content_type, NULL, FALSE);
      type_param = g_strdup_printf ("&content_type=%s", escaped);
    }
  /* Key characters are all URL-safe: the key goes in as it is. */
  return g_strdup_printf ("%s/v1/storage/%s?expires=%s%s&signature=%s", fs->public_url, key,
                          expires, type_param != NULL ? type_param : "", hex);
}

gboolean
_carrete_fs_forbidden (GError **error, const char *why)
{
  g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_FORBIDDEN, "storage URL refused: %s", why);
  return FALSE;
}

gboolean
_carrete_fs_parse_expires (const char *text, gint64 *expires)
{
  gsize len = text != NULL ? strlen (text) : 0;

  if (len == 0 || len > 18)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  *expires = (gint64) g_ascii_strtoull (text, NULL, 10);
  return TRUE;
}

static gboolean
mac_matches (FsStorage *fs, const char *method, const char *key, const char *expires,
             const char *content_type, const guint8 *given)
{
  guint8 mac[crypto_auth_hmacsha256_BYTES];
  gboolean same;

  url_mac (fs, method, key, expires, content_type, mac);
  same = sodium_memcmp (mac, given, sizeof mac) == 0;
  sodium_memzero (mac, sizeof mac);
  return same;
}

gboolean
carrete_storage_fs_verify (CarreteStorage *storage, const char *method, const char *key,
                           GHashTable *query, gint64 now, GError **error)
{
  FsStorage *fs = fs_of (storage);
  const char *expires_text = query != NULL ? g_hash_table_lookup (query, "expires") : NULL;
  const char *signature = query != NULL ? g_hash_table_lookup (query, "signature") : NULL;
  const char *content_type = query != NULL ? g_hash_table_lookup (query, "content_type") : NULL;
  /* HEAD reveals no more than GET, so a GET URL serves both. */
  const char *signed_method = g_strcmp0 (method, "HEAD") == 0 ? "GET" : method;
  const char *other_method = g_strcmp0 (signed_method, "GET") == 0 ? "PUT" : "GET";
  guint8 given[crypto_auth_hmacsha256_BYTES];
  gsize given_len = 0;
  gint64 expires = 0;

  if (expires_text == NULL || signature == NULL)
    return _carrete_fs_forbidden (error, "no signature");
  if (g_strcmp0 (signed_method, "GET") != 0 && g_strcmp0 (signed_method, "PUT") != 0)
    return _carrete_fs_forbidden (error, "method not allowed");
  if (!carrete_storage_key_is_valid (key) || !_carrete_fs_parse_expires (expires_text, &expires)
      || (content_type != NULL && !carrete_storage_content_type_is_valid (content_type))
      || strlen (signature) != sizeof given * 2
      || sodium_hex2bin (given, sizeof given, signature, strlen (signature), NULL, &given_len, NULL)
             != 0
      || given_len != sizeof given)
    return _carrete_fs_forbidden (error, "malformed URL");
  if (!mac_matches (fs, signed_method, key, expires_text, content_type, given))
    {
      if (mac_matches (fs, other_method, key, expires_text, content_type, given))
        return _carrete_fs_forbidden (error, g_strcmp0 (other_method, "GET") == 0
                                                 ? "the URL is for GET"
                                                 : "the URL is for PUT");
      return _carrete_fs_forbidden (error, "bad signature");
    }
  if (now > expires)
    return _carrete_fs_forbidden (error, "expired");
  return TRUE;
}

char *
carrete_storage_fs_path (CarreteStorage *storage, const char *key)
{
  g_return_val_if_fail (carrete_storage_key_is_valid (key), NULL);
  return _carrete_fs_object_path (fs_of (storage), key);
}

/* ---- Life cycle ------------------------------------------------------------------ */

static gboolean
fs_ensure_ready (CarreteStorage *storage, GError **error)
{
  FsStorage *fs = fs_of (storage);

  if (g_mkdir_with_parents (fs->meta_dir, 0750) != 0)
    return _carrete_fs_set_io_error (error, errno, "create", fs->meta_dir);
  if (g_access (fs->dir, W_OK | X_OK) != 0)
    return _carrete_fs_set_io_error (error, errno, "write to", fs->dir);
  return TRUE;
}

static void
fs_free (CarreteStorage *storage)
{
  FsStorage *fs = fs_of (storage);

  sodium_memzero (fs->url_key, sizeof fs->url_key);
  g_free (fs->dir);
  g_free (fs->meta_dir);
  g_free (fs->public_url);
  g_free (fs);
}

static const CarreteStorageBackend fs_backend = {
  .free = fs_free,
  .ensure_ready = fs_ensure_ready,
  .put_file = fs_put_file,
  .get_to_file = fs_get_to_file,
  .stat = fs_stat,
  .digest = fs_digest,
  .copy = fs_copy,
  .delete = fs_delete,
  .list = fs_list,
  .presign = fs_presign,
  .writer_open = _carrete_fs_writer_open,
  .writer_append = _carrete_fs_writer_append,
  .writer_commit = _carrete_fs_writer_commit,
  .writer_close = _carrete_fs_writer_close,
  .mp_create = _carrete_fs_mp_create,
  .mp_upload_part = _carrete_fs_mp_upload_part,
  .mp_presign_part = _carrete_fs_mp_presign_part,
  .mp_list_parts = _carrete_fs_mp_list_parts,
  .mp_complete = _carrete_fs_mp_complete,
  .mp_abort = _carrete_fs_mp_abort,
  .mp_list_uploads = _carrete_fs_mp_list_uploads,
};

static gboolean
config_error (GError **error, const char *what)
{
  g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_CONFIG, "fs storage: %s", what);
  return FALSE;
}

static gboolean
public_url_is_valid (const char *url)
{
  g_autoptr (GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;

  return uri != NULL && g_uri_get_host (uri) != NULL && g_uri_get_query (uri) == NULL
         && (g_strcmp0 (g_uri_get_scheme (uri), "http") == 0
             || g_strcmp0 (g_uri_get_scheme (uri), "https") == 0);
}

static gboolean
options_valid (const CarreteStorageOptions *options, GError **error)
{
  if (options->dir == NULL || *options->dir == '\0')
    return config_error (error, "CARRETE_STORAGE_DIR is not set");
  if (!public_url_is_valid (options->public_url))
    return config_error (error, "CARRETE_PUBLIC_URL must be an http(s) URL");
  if (options->url_key == NULL)
    return config_error (error, "no URL signing key");
  return TRUE;
}

CarreteStorage *
carrete_storage_fs_new (const CarreteStorageOptions *options, GError **error)
{
  FsStorage *fs;
  gsize len;

  if (!options_valid (options, error))
    return NULL;
  fs = g_new0 (FsStorage, 1);
  fs->parent.kind = CARRETE_STORAGE_FS;
  fs->parent.backend = &fs_backend;
  fs->dir = g_canonicalize_filename (options->dir, NULL);
  fs->meta_dir = g_build_filename (fs->dir, META_DIR, NULL);
  fs->public_url = g_strdup (options->public_url);
  len = strlen (fs->public_url);
  while (len > 0 && fs->public_url[len - 1] == '/')
    fs->public_url[--len] = '\0';
  memcpy (fs->url_key, options->url_key, sizeof fs->url_key);
  return &fs->parent;
}
