#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Forward typedefs of the shared API library (models, queries, pages), so
 * that headers include one another as little as possible.  Each type is
 * declared in its own header. */
typedef struct _CarreteUser CarreteUser;
typedef struct _CarreteFolder CarreteFolder;
typedef struct _CarretePhoto CarretePhoto;
typedef struct _CarretePhotoQuery CarretePhotoQuery;
typedef struct _CarretePhotoPage CarretePhotoPage;
typedef struct _CarreteFolderQuery CarreteFolderQuery;
typedef struct _CarreteFolderPage CarreteFolderPage;

G_END_DECLS
