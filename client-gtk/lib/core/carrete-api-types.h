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
typedef struct _CarreteFolderQuery CarreteFolderQuery;
typedef struct _CarreteShare CarreteShare;
typedef struct _CarreteMember CarreteMember;
/* A page of photos and a page of folders are both a CarreteListPage
 * (carrete-list-page.h). */
typedef struct _CarreteListPage CarreteListPage;
typedef struct _CarreteListPage CarretePhotoPage;
typedef struct _CarreteListPage CarreteFolderPage;
typedef struct _CarreteListPage CarreteTrashPage;
typedef struct _CarreteListPage CarreteSharePage;
typedef struct _CarreteListPage CarreteMemberPage;

G_END_DECLS
