#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The app's own types; the API client's are in carrete-client-types.h. */
typedef struct _CarreteApplication CarreteApplication;
typedef struct _CarreteWindow CarreteWindow;
typedef struct _CarreteSignInPage CarreteSignInPage;
typedef struct _CarretePhotoTile CarretePhotoTile;
typedef struct _CarreteViewer CarreteViewer;
typedef struct _CarreteFolderDialog CarreteFolderDialog;
typedef struct _CarreteUploadRow CarreteUploadRow;
typedef struct _CarreteTextureCache CarreteTextureCache;
typedef struct _CarreteThumbnailLoader CarreteThumbnailLoader;
typedef struct _CarreteSession CarreteSession;
typedef struct _CarreteSidebar CarreteSidebar;
typedef struct _CarreteFilterBar CarreteFilterBar;
typedef struct _CarreteUploadsPanel CarreteUploadsPanel;

G_END_DECLS
