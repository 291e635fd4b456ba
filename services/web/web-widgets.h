#pragma once

#include "web-api.h"

G_BEGIN_DECLS

/* Pieces of markup more than one page shows. */

/* <ul id="photo-grid"> of `photos` (CarretePhoto, may be NULL), each
 * tile linking to `tile_base` + its id ("/photos/"), or the #empty-state
 * (with an upload button to `upload_href` unless NULL). */
void web_widgets_photo_grid (WebCtx *ctx, GString *out, GPtrArray *photos, const char *tile_base,
                             const char *upload_href);
/* <option>s for a folder <select> of `folders` (CarreteFolder, may be
 * NULL): "" (no folder) first when asked. */
void web_widgets_folder_options (WebCtx *ctx, GString *out, GPtrArray *folders,
                                 const char *selected, gboolean with_none);
/* <div role="alert"> / <div role="status"> with a plain-text message. */
void web_widgets_alert (GString *out, const char *message);
void web_widgets_status (GString *out, const char *message);
/* The folder's name for `id` in `folders`, or NULL. */
const char *web_widgets_folder_name (GPtrArray *folders, const char *id);

G_END_DECLS
