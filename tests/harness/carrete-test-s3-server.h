#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A real MinIO server (built by scripts/minio.sh with a pinned
 * `go install`) on a free loopback port with its data in a temporary
 * directory and fresh random credentials. */
typedef struct _CtMinio CtMinio;

CtMinio *ct_minio_start (void);
const char *ct_minio_endpoint (CtMinio *minio); /* http://127.0.0.1:PORT */
const char *ct_minio_access_key (CtMinio *minio);
const char *ct_minio_secret_key (CtMinio *minio);
void ct_minio_stop (CtMinio *minio);
void ct_minio_restart (CtMinio *minio);
void ct_minio_free (CtMinio *minio);

G_END_DECLS
