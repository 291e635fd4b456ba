#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A real S3 server on a free loopback port with its data in a temporary
 * directory and fresh random root credentials.  Each kind is a pinned
 * build in .cache/bin (scripts/lib.sh), found through its CARRETE_*_BIN
 * variable or under CARRETE_SOURCE_DIR:
 *
 *   minio      MinIO (CARRETE_MINIO_BIN, go install), what the services are
 *              tested on
 *   versitygw  versitygw's posix backend (CARRETE_VERSITYGW_BIN, go
 *              install), a second S3 implementation for the storage
 *              contract suite
 *   garage     Garage as a single node (CARRETE_GARAGE_BIN, cargo install),
 *              the third, and the maintained one the chart bundles
 *
 * Every kind serves path-style requests on ct_s3_server_endpoint and
 * virtual-hosted ones on ct_s3_server_virtual_endpoint: the host
 * "s3.localhost" with the bucket in front ("b.s3.localhost"), which GLib's
 * resolver and libcurl both send to the loopback address. */
typedef enum
{
  CT_S3_MINIO,
  CT_S3_VERSITYGW,
  CT_S3_GARAGE,
} CtS3Kind;

#define CT_S3_N_KINDS (CT_S3_GARAGE + 1)

typedef struct _CtS3Server CtS3Server;

/* NULL when `kind` can be started; otherwise why not.  Only Garage may be
 * missing (it needs a Rust toolchain the machine may not have: its tests
 * skip with this); a missing Go-built server fails the test instead. */
char *ct_s3_server_unavailable (CtS3Kind kind);
CtS3Server *ct_s3_server_start (CtS3Kind kind);
CtS3Kind ct_s3_server_kind (CtS3Server *server);
const char *ct_s3_server_name (CtS3Server *server);     /* "minio", "versitygw", "garage" */
const char *ct_s3_server_endpoint (CtS3Server *server); /* http://127.0.0.1:PORT */
/* http://s3.localhost:PORT, for virtual-hosted addressing */
const char *ct_s3_server_virtual_endpoint (CtS3Server *server);
const char *ct_s3_server_access_key (CtS3Server *server);
const char *ct_s3_server_secret_key (CtS3Server *server);
/* Stopped and started again on the same port and data. */
void ct_s3_server_stop (CtS3Server *server);
void ct_s3_server_restart (CtS3Server *server);
void ct_s3_server_free (CtS3Server *server);

G_END_DECLS
