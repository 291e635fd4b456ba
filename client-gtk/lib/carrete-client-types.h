#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Forward typedefs so that headers include one another as little as
 * possible.  Each type is declared in its own header. */
typedef struct _CarreteClient CarreteClient;
typedef struct _CarreteUser CarreteUser;
typedef struct _CarreteFolder CarreteFolder;
typedef struct _CarretePhoto CarretePhoto;
typedef struct _CarretePhotoList CarretePhotoList;
typedef struct _CarreteUpload CarreteUpload;
typedef struct _CarreteUploadQueue CarreteUploadQueue;
typedef struct _CarreteThumbnailCache CarreteThumbnailCache;
typedef struct _CarretePhotoQuery CarretePhotoQuery;
typedef struct _CarretePhotoPage CarretePhotoPage;
typedef struct _CarreteFolderQuery CarreteFolderQuery;
typedef struct _CarreteFolderPage CarreteFolderPage;

/* The three services behind one server address. */
typedef enum
{
  CARRETE_SERVICE_USERS,
  CARRETE_SERVICE_PHOTOS,
  CARRETE_SERVICE_FOLDERS,
} CarreteService;

G_END_DECLS
