#pragma once

#include "backup.h"
#include "carrete-sha256.h"

G_BEGIN_DECLS

/* What backup.c (the copy) and restore.c (the check and the put) share. */

/* One object as the manifest lists it. */
typedef struct
{
  gint64 photo_id; /* the photo the object belongs to */
  char *key;
  char *sha256;
  guint64 size;
  char *content_type;
} BackupObject;

void backup_object_free (gpointer object);

/* Where a backup directory keeps object `key`. */
char *backup_object_path (const char *dir, const char *key);

/* The SHA-256 and size of the file at `path`. */
gboolean backup_hash_path (const char *path, char hex[CARRETE_SHA256_HEX_LEN + 1], guint64 *size,
                           GError **error);

G_END_DECLS
