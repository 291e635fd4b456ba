#define G_LOG_DOMAIN "carrete-storage-fs"

/* The fs backend's multipart uploads.  An upload is a hidden directory,
 * `dir/.uploads/<id>/` (no key can reach a dot-name), holding:
 *
 *   info          "carrete-upload-1\n<key>\n<initiated>\n<content type>\n"
 *   00001 …       one file per part, written to a temporary file in the
 *                 same directory and renamed over the part, so a part is
 *                 the old bytes or the new ones, never a mix;
 *   00001.etag    "<inode>\n<size>\n<sha256>\n": the part's digest, naming
 *                 the inode it describes (as the object sidecars do); a
 *                 stale one (two writers racing) is ignored and the part
 *                 hashed again.
 *
 * Part writes never create the directory: once complete or abort removed
 * it, a late part fails with NOT_FOUND instead of bringing it back.
 * Complete concatenates the parts into a temporary file beside the object,
 * flushes it, writes the object's sidecar and renames it into place. */

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "carrete-error.h"
#include "carrete-fd.h"
#include "carrete-sha256.h"
#include "carrete-storage-fs-private.h"

#define UPLOADS_DIR ".uploads"
#define INFO_VERSION "carrete-upload-1"
#define PART_URL_MAC_CONTEXT "carrete-storage-part-url-1"
#define ID_BYTES 16
#define COPY_CHUNK (256 * 1024)

/* ---- Names ------------------------------------------------------------------------ */

/* fs ids are ours: 32 lower-case hex digits, so they are safe as a file
 * name.  Anything else cannot be an upload here. */
static gboolean
id_is_ours (const char *upload_id)
{
  return strlen (upload_id) == ID_BYTES * 2
         && strspn (upload_id, "0123456789abcdef") == ID_BYTES * 2;
}

static char *
upload_dir (FsStorage *fs, const char *upload_id)
{
  return g_build_filename (fs->dir, UPLOADS_DIR, upload_id, NULL);
}

static char *
part_path (const char *dir, guint number, const char *suffix)
{
  g_autofree char *name = g_strdup_printf ("%05u%s", number, suffix);

  return g_build_filename (dir, name, NULL);
}

static gboolean
no_upload (GError **error, const char *upload_id)
{
  g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND, "no upload %s", upload_id);
  return FALSE;
}

typedef struct
{
  char *key;
  gint64 initiated;
  char *content_type; /* NULL: none */
} UploadInfo;

static void
upload_info_clear (UploadInfo *info)
{
  g_clear_pointer (&info->key, g_free);
  g_clear_pointer (&info->content_type, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (UploadInfo, upload_info_clear)

static gboolean
read_info (const char *dir, UploadInfo *info)
{
  g_autofree char *path = g_build_filename (dir, "info", NULL);
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;
  lines = g_strsplit (contents, "\n", 5);
  if (g_strv_length (lines) < 4 || strcmp (lines[0], INFO_VERSION) != 0
      || !carrete_storage_key_is_valid (lines[1]))
    return FALSE;
  info->key = g_strdup (lines[1]);
  info->initiated = g_ascii_strtoll (lines[2], NULL, 10);
  info->content_type = *lines[3] != '\0' ? g_strdup (lines[3]) : NULL;
  return TRUE;
}

/* The directory of `upload_id`, when it is an open upload for `key`. */
static char *
open_upload (FsStorage *fs, const char *key, const char *upload_id, UploadInfo *info,
             GError **error)
{
  g_autofree char *dir = NULL;

  if (!id_is_ours (upload_id))
    {
      no_upload (error, upload_id);
      return NULL;
    }
  dir = upload_dir (fs, upload_id);
  if (!read_info (dir, info) || strcmp (info->key, key) != 0)
    {
      no_upload (error, upload_id);
      return NULL;
    }
  return g_steal_pointer (&dir);
}

/* ---- Create ---------------------------------------------------------------------- */

static void
remove_upload_dir (const char *dir)
{
  g_autoptr (GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  if (g_rmdir (dir) != 0 && errno != ENOENT)
    g_warning ("could not remove the upload %s: %s", dir, g_strerror (errno));
}

char *
_carrete_fs_mp_create (CarreteStorage *storage, const char *key, const char *content_type,
                       GError **error)
{
  FsStorage *fs = fs_of (storage);
  guint8 bytes[ID_BYTES];
  char id[ID_BYTES * 2 + 1];
  g_autofree char *dir = NULL;
  g_autofree char *info = NULL;
  g_autofree char *contents = NULL;

  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2hex (id, sizeof id, bytes, sizeof bytes);
  dir = upload_dir (fs, id);
  info = g_build_filename (dir, "info", NULL);
  contents = g_strdup_printf (INFO_VERSION "\n%s\n%" G_GINT64_FORMAT "\n%s\n", key,
                              g_get_real_time () / G_USEC_PER_SEC,
                              content_type != NULL ? content_type : "");
  if (!_carrete_fs_write_small_file (info, contents, error))
    {
      remove_upload_dir (dir); /* made for the info file: no row will ever name it */
      return NULL;
    }
  return g_strdup (id);
}

/* ---- Parts ------------------------------------------------------------------------- */

/* A temporary file in the upload's directory, which must exist. */
static int
open_part_temp (const char *dir, const char *upload_id, char **temp, GError **error)
{
  g_autofree char *tmpl = g_build_filename (dir, ".tmp-XXXXXX", NULL);
  int fd = g_mkstemp_full (tmpl, O_RDWR | O_CLOEXEC, 0640);

  if (fd < 0)
    {
      if (errno == ENOENT)
        no_upload (error, upload_id);
      else
        _carrete_fs_set_io_error (error, errno, "create a part in", dir);
      return -1;
    }
  *temp = g_steal_pointer (&tmpl);
  return fd;
}

/* Writes `contents` as `target` in a directory that must exist. */
static gboolean
write_in_upload (const char *dir, const char *upload_id, const char *target, const char *contents,
                 GError **error)
{
  g_autofree char *temp = NULL;
  int fd = open_part_temp (dir, upload_id, &temp, error);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = carrete_fd_write_all (fd, contents, strlen (contents)) == 0
       || _carrete_fs_set_io_error (error, errno, "write", temp);
  if (close (fd) != 0 && ok)
    ok = _carrete_fs_set_io_error (error, errno, "close", temp);
  if (ok && g_rename (temp, target) != 0)
    ok = errno == ENOENT ? no_upload (error, upload_id)
                         : _carrete_fs_set_io_error (error, errno, "rename onto", target);
  if (!ok)
    g_unlink (temp);
  return ok;
}

/* The staged part (flushed, in `temp`) becomes part `number`: its sidecar
 * first, then the rename. */
static char *
commit_part (const char *dir, const char *upload_id, guint number, const char *temp, int fd,
             const CopyResult *copy, GError **error)
{
  g_autofree char *target = part_path (dir, number, "");
  g_autofree char *sidecar = part_path (dir, number, ".etag");
  g_autofree char *contents = NULL;
  struct stat st;

  if (fdatasync (fd) != 0 || fstat (fd, &st) != 0)
    {
      _carrete_fs_set_io_error (error, errno, "flush", temp);
      return NULL;
    }
  contents = g_strdup_printf ("%" G_GUINT64_FORMAT "\n%" G_GUINT64_FORMAT "\n%s\n",
                              (guint64) st.st_ino, copy->size, copy->sha256);
  if (!write_in_upload (dir, upload_id, sidecar, contents, error))
    return NULL;
  if (g_rename (temp, target) != 0)
    {
      if (errno == ENOENT)
        no_upload (error, upload_id);
      else
        _carrete_fs_set_io_error (error, errno, "rename onto", target);
      return NULL;
    }
  return g_strdup_printf ("\"%s\"", copy->sha256);
}

/* Stages the bytes of part `number` with `fill` and commits them. */
typedef gboolean (*FillPart) (int out, gpointer data, CopyResult *copy, GCancellable *cancellable,
                              GError **error);

static char *
write_part (FsStorage *fs, const char *key, const char *upload_id, guint number, FillPart fill,
            gpointer data, GCancellable *cancellable, GError **error)
{
  g_auto (UploadInfo) info = { 0 };
  g_autofree char *dir = open_upload (fs, key, upload_id, &info, error);
  g_autofree char *temp = NULL;
  CopyResult copy = { 0 };
  char *etag = NULL;
  int fd;

  if (dir == NULL)
    return NULL;
  fd = open_part_temp (dir, upload_id, &temp, error);
  if (fd < 0)
    return NULL;
  if (fill (fd, data, &copy, cancellable, error))
    etag = commit_part (dir, upload_id, number, temp, fd, &copy, error);
  close (fd);
  if (etag == NULL)
    g_unlink (temp);
  return etag;
}

typedef struct
{
  const void *data;
  gsize len;
} Memory;

static gboolean
fill_from_memory (int out, gpointer data, CopyResult *copy, GCancellable *cancellable,
                  GError **error)
{
  Memory *memory = data;
  g_autoptr (CarreteSha256) hash = carrete_sha256_new ();

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (carrete_fd_write_all (out, memory->data, memory->len) != 0)
    return _carrete_fs_set_io_error (error, errno, "write", "a part");
  carrete_sha256_update (hash, memory->data, memory->len);
  carrete_sha256_finish_hex (hash, copy->sha256);
  copy->size = memory->len;
  return TRUE;
}

static gboolean
fill_from_file (int out, gpointer data, CopyResult *copy, GCancellable *cancellable, GError **error)
{
  const char *path = data;
  int in = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  gboolean ok;

  if (in < 0)
    return _carrete_fs_set_io_error (error, errno, "open", path);
  ok = _carrete_fs_copy_fd (in, out, G_MAXUINT64, cancellable, copy, error);
  close (in);
  return ok;
}

char *
_carrete_fs_mp_upload_part (CarreteStorage *storage, const char *key, const char *upload_id,
                            guint number, const void *data, gsize len, GCancellable *cancellable,
                            GError **error)
{
  Memory memory = { data != NULL ? data : "", len };

  return write_part (fs_of (storage), key, upload_id, number, fill_from_memory, &memory,
                     cancellable, error);
}

char *
carrete_storage_fs_put_part (CarreteStorage *storage, const char *key, const char *upload_id,
                             guint number, const char *path, GCancellable *cancellable,
                             GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  if (!carrete_storage_key_is_valid (key) || upload_id == NULL || number < 1
      || number > CARRETE_STORAGE_MAX_PARTS)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID, "invalid key, upload or part");
      return NULL;
    }
  return write_part (fs_of (storage), key, upload_id, number, fill_from_file, (gpointer) path,
                     cancellable, error);
}

/* ---- Listing parts ------------------------------------------------------------------ */

static gboolean
hash_path (const char *path, CopyResult *copy, GError **error)
{
  int in = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  int out = g_open ("/dev/null", O_WRONLY | O_CLOEXEC, 0);
  gboolean ok = in >= 0 && out >= 0;

  if (!ok)
    _carrete_fs_set_io_error (error, errno, "open", path);
  else
    ok = _carrete_fs_copy_fd (in, out, G_MAXUINT64, NULL, copy, error);
  if (in >= 0)
    close (in);
  if (out >= 0)
    close (out);
  return ok;
}

/* Part `number` as it is now: size and etag (from its sidecar when that
 * describes this very file, else hashed).  NULL with NOT_FOUND when it was
 * never sent. */
static CarreteUploadPart *
read_part (const char *dir, guint number, GError **error)
{
  g_autofree char *path = part_path (dir, number, "");
  g_autofree char *sidecar = part_path (dir, number, ".etag");
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;
  CarreteUploadPart *part;
  CopyResult copy = { 0 };
  struct stat st;

  if (g_stat (path, &st) != 0)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND, "part %u was not sent", number);
      return NULL;
    }
  if (g_file_get_contents (sidecar, &contents, NULL, NULL))
    lines = g_strsplit (contents, "\n", 4);
  if (lines != NULL && g_strv_length (lines) >= 3
      && g_ascii_strtoull (lines[0], NULL, 10) == (guint64) st.st_ino
      && g_ascii_strtoull (lines[1], NULL, 10) == (guint64) st.st_size
      && strlen (lines[2]) == CARRETE_SHA256_HEX_LEN)
    {
      g_strlcpy (copy.sha256, lines[2], sizeof copy.sha256);
      copy.size = (guint64) st.st_size;
    }
  else if (!hash_path (path, &copy, error))
    return NULL;
  part = g_new0 (CarreteUploadPart, 1);
  part->number = number;
  part->size = copy.size;
  part->etag = g_strdup_printf ("\"%s\"", copy.sha256);
  return part;
}

/* A part file's number, or 0 for anything else in the directory. */
static guint
part_number_of (const char *name)
{
  guint64 number = 0;

  if (strlen (name) != 5 || strspn (name, "0123456789") != 5
      || !g_ascii_string_to_unsigned (name, 10, 1, CARRETE_STORAGE_MAX_PARTS, &number, NULL))
    return 0;
  return (guint) number;
}

GPtrArray *
_carrete_fs_mp_list_parts (CarreteStorage *storage, const char *key, const char *upload_id,
                           GError **error)
{
  g_auto (UploadInfo) info = { 0 };
  g_autofree char *dir = open_upload (fs_of (storage), key, upload_id, &info, error);
  g_autoptr (GPtrArray) parts = NULL;
  g_autoptr (GDir) listing = NULL;
  g_autoptr (GError) local = NULL;
  const char *name;

  if (dir == NULL)
    return NULL;
  listing = g_dir_open (dir, 0, &local);
  if (listing == NULL)
    {
      no_upload (error, upload_id);
      return NULL;
    }
  parts = g_ptr_array_new_with_free_func ((GDestroyNotify) carrete_upload_part_free);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      guint number = part_number_of (name);
      CarreteUploadPart *part;

      if (number == 0)
        continue;
      part = read_part (dir, number, &local);
      if (part != NULL)
        g_ptr_array_add (parts, part);
      else if (!g_error_matches (local, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      g_clear_error (&local);
    }
  return g_steal_pointer (&parts);
}

/* ---- Complete and abort -------------------------------------------------------------- */

/* Every listed part is there with the listed etag. */
static gboolean
check_parts (const char *dir, const CarreteUploadPart *parts, guint n_parts, GError **error)
{
  for (guint i = 0; i < n_parts; i++)
    {
      g_autoptr (GError) local = NULL;
      g_autoptr (CarreteUploadPart) held = read_part (dir, parts[i].number, &local);

      if (held == NULL && g_error_matches (local, CARRETE_ERROR, CARRETE_ERROR_NOT_FOUND))
        {
          g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID, "part %u is missing",
                       parts[i].number);
          return FALSE;
        }
      if (held == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      if (strcmp (held->etag, parts[i].etag) != 0)
        {
          g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID, "part %u has another etag",
                       parts[i].number);
          return FALSE;
        }
    }
  return TRUE;
}

/* Appends every part to `out`, hashing the whole. */
static gboolean
concatenate (const char *dir, const CarreteUploadPart *parts, guint n_parts, int out,
             GCancellable *cancellable, CopyResult *copy, GError **error)
{
  g_autofree guint8 *buffer = g_malloc (COPY_CHUNK);
  g_autoptr (CarreteSha256) hash = carrete_sha256_new ();

  copy->size = 0;
  for (guint i = 0; i < n_parts; i++)
    {
      g_autofree char *path = part_path (dir, parts[i].number, "");
      int in = g_open (path, O_RDONLY | O_CLOEXEC, 0);
      gssize n = 0;

      if (in < 0)
        return _carrete_fs_set_io_error (error, errno, "open", path);
      while ((n = read (in, buffer, COPY_CHUNK)) != 0)
        {
          if (n < 0 && errno == EINTR)
            continue;
          if (n < 0 || g_cancellable_is_cancelled (cancellable)
              || carrete_fd_write_all (out, buffer, (gsize) n) != 0)
            break;
          carrete_sha256_update (hash, buffer, (gsize) n);
          copy->size += (guint64) n;
        }
      close (in);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (n != 0)
        return _carrete_fs_set_io_error (error, errno, "copy", path);
    }
  carrete_sha256_finish_hex (hash, copy->sha256);
  return TRUE;
}

gboolean
_carrete_fs_mp_complete (CarreteStorage *storage, const char *key, const char *upload_id,
                         const CarreteUploadPart *parts, guint n_parts, GCancellable *cancellable,
                         GError **error)
{
  FsStorage *fs = fs_of (storage);
  g_auto (UploadInfo) info = { 0 };
  g_autofree char *dir = open_upload (fs, key, upload_id, &info, error);
  g_autofree char *target = NULL;
  g_autofree char *temp = NULL;
  CopyResult copy = { 0 };
  struct stat st = { 0 };
  gboolean ok;
  int out;

  if (dir == NULL || !check_parts (dir, parts, n_parts, error))
    return FALSE;
  target = _carrete_fs_object_path (fs, key);
  out = _carrete_fs_open_temp_retrying (target, &temp, error);
  if (out < 0)
    return FALSE;
  ok = concatenate (dir, parts, n_parts, out, cancellable, &copy, error);
  /* Flushed before the rename, as every put is. */
  if (ok && (fdatasync (out) != 0 || fstat (out, &st) != 0))
    ok = _carrete_fs_set_io_error (error, errno, "flush", temp);
  if (close (out) != 0 && ok)
    ok = _carrete_fs_set_io_error (error, errno, "close", temp);
  ok = ok && _carrete_fs_write_meta (fs, key, st.st_ino, &copy, info.content_type, error)
       && _carrete_fs_rename_into_place (temp, target, error);
  if (!ok)
    {
      g_unlink (temp);
      return FALSE;
    }
  remove_upload_dir (dir);
  return TRUE;
}

gboolean
_carrete_fs_mp_abort (CarreteStorage *storage, const char *key, const char *upload_id,
                      GError **error)
{
  FsStorage *fs = fs_of (storage);
  g_auto (UploadInfo) info = { 0 };
  g_autofree char *dir = NULL;

  if (!id_is_ours (upload_id))
    return TRUE;
  dir = upload_dir (fs, upload_id);
  /* Another key's upload is not this one to remove. */
  if (read_info (dir, &info) && strcmp (info.key, key) != 0)
    return TRUE;
  remove_upload_dir (dir);
  return TRUE;
}

static gint
compare_uploads (gconstpointer a, gconstpointer b)
{
  const CarreteUploadInfo *x = *(const CarreteUploadInfo *const *)a;
  const CarreteUploadInfo *y = *(const CarreteUploadInfo *const *)b;
  int by_key = strcmp (x->key, y->key);

  return by_key != 0 ? by_key : strcmp (x->upload_id, y->upload_id);
}

GPtrArray *
_carrete_fs_mp_list_uploads (CarreteStorage *storage, const char *prefix, GError **error)
{
  FsStorage *fs = fs_of (storage);
  g_autofree char *root = g_build_filename (fs->dir, UPLOADS_DIR, NULL);
  g_autoptr (GDir) listing = g_dir_open (root, 0, NULL);
  g_autoptr (GPtrArray) uploads
      = g_ptr_array_new_with_free_func ((GDestroyNotify) carrete_upload_info_free);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *dir = NULL;
      g_auto (UploadInfo) info = { 0 };
      CarreteUploadInfo *upload;

      if (!id_is_ours (name))
        continue;
      dir = upload_dir (fs, name);
      if (!read_info (dir, &info) || !g_str_has_prefix (info.key, prefix))
        continue;
      upload = g_new0 (CarreteUploadInfo, 1);
      upload->key = g_steal_pointer (&info.key);
      upload->upload_id = g_strdup (name);
      upload->initiated = info.initiated;
      g_ptr_array_add (uploads, upload);
    }
  g_ptr_array_sort (uploads, compare_uploads);
  return g_steal_pointer (&uploads);
}

/* ---- Part URLs --------------------------------------------------------------------- */

/* Fields separated by '\n', which none may contain (the key, hex id and
 * digits are checked), so no two inputs give the same message. */
static void
part_url_mac (FsStorage *fs, const char *key, const char *upload_id, const char *number,
              const char *length, const char *expires, guint8 mac[crypto_auth_hmacsha256_BYTES])
{
  g_autofree char *message = g_strdup_printf (PART_URL_MAC_CONTEXT "\nPUT\n%s\n%s\n%s\n%s\n%s", key,
                                              upload_id, number, length, expires);

  crypto_auth_hmacsha256 (mac, (const guint8 *) message, strlen (message), fs->url_key);
}

char *
_carrete_fs_mp_presign_part (CarreteStorage *storage, const char *key, const char *upload_id,
                             guint number, guint64 length, gint64 now, guint ttl_seconds,
                             GError **error)
{
  FsStorage *fs = fs_of (storage);
  g_autofree char *expires = g_strdup_printf ("%" G_GINT64_FORMAT, now + (gint64) ttl_seconds);
  g_autofree char *number_text = g_strdup_printf ("%u", number);
  g_autofree char *length_text = g_strdup_printf ("%" G_GUINT64_FORMAT, length);
  guint8 mac[crypto_auth_hmacsha256_BYTES];
  char hex[sizeof mac * 2 + 1];

  if (!id_is_ours (upload_id))
    {
      no_upload (error, upload_id);
      return NULL;
    }
  if (now < 0 || now > G_MAXINT64 - (gint64) ttl_seconds)
    {
      g_set_error (error, CARRETE_ERROR, CARRETE_ERROR_INVALID, "time out of range");
      return NULL;
    }
  part_url_mac (fs, key, upload_id, number_text, length_text, expires, mac);
  sodium_bin2hex (hex, sizeof hex, mac, sizeof mac);
  return g_strdup_printf ("%s/v1/storage/%s?upload_id=%s&part=%s&length=%s&expires=%s"
                          "&signature=%s",
                          fs->public_url, key, upload_id, number_text, length_text, expires, hex);
}

static gboolean
parse_digits (const char *text, guint64 max, guint64 *value)
{
  return text != NULL && *text != '\0' && strlen (text) <= 19
         && strspn (text, "0123456789") == strlen (text)
         && g_ascii_string_to_unsigned (text, 10, 0, max, value, NULL);
}

gboolean
carrete_storage_fs_verify_part (CarreteStorage *storage, const char *key, GHashTable *query,
                                gint64 now, const char **upload_id, guint *number, guint64 *length,
                                GError **error)
{
  FsStorage *fs = fs_of (storage);
  const char *id = query != NULL ? g_hash_table_lookup (query, "upload_id") : NULL;
  const char *number_text = query != NULL ? g_hash_table_lookup (query, "part") : NULL;
  const char *length_text = query != NULL ? g_hash_table_lookup (query, "length") : NULL;
  const char *expires_text = query != NULL ? g_hash_table_lookup (query, "expires") : NULL;
  const char *signature = query != NULL ? g_hash_table_lookup (query, "signature") : NULL;
  guint8 given[crypto_auth_hmacsha256_BYTES];
  guint8 mac[crypto_auth_hmacsha256_BYTES];
  gsize given_len = 0;
  guint64 n = 0, len = 0;
  gint64 expires = 0;
  gboolean same;

  if (expires_text == NULL || signature == NULL)
    return _carrete_fs_forbidden (error, "no signature");
  if (!carrete_storage_key_is_valid (key) || id == NULL || !id_is_ours (id)
      || !parse_digits (number_text, CARRETE_STORAGE_MAX_PARTS, &n) || n == 0
      || !parse_digits (length_text, G_MAXINT64, &len)
      || !_carrete_fs_parse_expires (expires_text, &expires)
      || strlen (signature) != sizeof given * 2
      || sodium_hex2bin (given, sizeof given, signature, strlen (signature), NULL, &given_len, NULL)
             != 0
      || given_len != sizeof given)
    return _carrete_fs_forbidden (error, "malformed URL");
  part_url_mac (fs, key, id, number_text, length_text, expires_text, mac);
  same = sodium_memcmp (mac, given, sizeof mac) == 0;
  sodium_memzero (mac, sizeof mac);
  if (!same)
    return _carrete_fs_forbidden (error, "bad signature");
  if (now > expires)
    return _carrete_fs_forbidden (error, "expired");
  *upload_id = id;
  *number = (guint) n;
  *length = len;
  return TRUE;
}
