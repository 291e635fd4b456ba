#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A real S3 server on a free loopback port with its data in a temporary
 * directory and fresh random root credentials.  Each kind is a pinned
 * `go install` build in .cache/bin (scripts/lib.sh), found through its
 * CARRETE_*_BIN variable or under CARRETE_SOURCE_DIR:
 *
 *   minio      MinIO (CARRETE_MINIO_BIN), what the services are tested on
 *   versitygw  versitygw's posix backend (CARRETE_VERSITYGW_BIN), a second
 *              S3 implementation for the storage contract suite */
typedef enum
{
  CT_S3_MINIO,
  CT_S3_VERSITYGW,
} CtS3Kind;

typedef struct _CtS3Server CtS3Server;

CtS3Server *ct_s3_server_start (CtS3Kind kind);
CtS3Kind ct_s3_server_kind (CtS3Server *server);
const char *ct_s3_server_name (CtS3Server *server);     /* "minio", "versitygw" */
const char *ct_s3_server_endpoint (CtS3Server *server); /* http://127.0.0.1:PORT */
const char *ct_s3_server_access_key (CtS3Server *server);
const char *ct_s3_server_secret_key (CtS3Server *server);
/* Stopped and started again on the same port and data. */
void ct_s3_server_stop (CtS3Server *server);
void ct_s3_server_restart (CtS3Server *server);
void ct_s3_server_free (CtS3Server *server);

G_END_DECLS
