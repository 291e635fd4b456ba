#pragma once

#include "carrete-accounts.h"
#include "carrete-cursor.h"
#include "carrete-db.h"
#include "carrete-jwt.h"
#include "carrete-ids.h"
#include "carrete-storage.h"
#include "carrete-workers.h"
#include "decoder.h"
#include "folders-client.h"
#include "store.h"
#include "url-cache.h"

G_BEGIN_DECLS

typedef struct _PhotosJobs PhotosJobs;

/* Everything a request handler of carrete-photos can reach. */
typedef struct
{
  CarreteDb *db;
  CarreteJwt *jwt; /* verifies bearer tokens */
  PhotosStore *store;
  CarreteIds *ids;
  CarreteCursorKey *cursors;
  CarreteStorage *storage;
  PhotosUrlCache *urls;      /* presigned GET URLs, stable per window */
  CarreteWorkers *workers;   /* storage I/O and image work */
  PhotosDecoder *decoder;    /* the process's pool of decoder children (not owned) */
  FoldersClient *folders;
  CarreteAccounts *accounts; /* NULL without CARRETE_USERS_URL: no check */
  PhotosJobs *jobs;          /* the process's job runner, on the worker that runs it; else NULL */
  char *spool_dir;           /* uploads in progress, thumbnails being made */
  guint64 max_upload_bytes;
  guint64 max_pixels;
  guint url_ttl;             /* presigned URLs */
  guint upload_ttl;          /* resumable uploads: aborted when not complete by then */
  gint64 default_quota_bytes; /* an account's quota unless an administrator set one; 0 = none */
  guint schema_version;
  gboolean stopping; /* SIGTERM: no new sweep starts */
} PhotosApp;

#define PHOTOS_RESOURCE_PREFIX "/dev/carrete/photos"

G_END_DECLS
