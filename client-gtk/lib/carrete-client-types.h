#pragma once

#include "carrete-api-types.h"

G_BEGIN_DECLS

/* Forward typedefs of the desktop's part, so that headers include one
 * another as little as possible; the models' are in core/carrete-api-types.h.
 * Each type is declared in its own header. */
typedef struct _CarreteClient CarreteClient;
typedef struct _CarretePhotoList CarretePhotoList;
typedef struct _CarreteUpload CarreteUpload;
typedef struct _CarreteUploadQueue CarreteUploadQueue;
typedef struct _CarreteThumbnailCache CarreteThumbnailCache;

/* The three services behind one server address. */
typedef enum
{
  CARRETE_SERVICE_USERS,
  CARRETE_SERVICE_PHOTOS,
  CARRETE_SERVICE_FOLDERS,
} CarreteService;

G_END_DECLS
