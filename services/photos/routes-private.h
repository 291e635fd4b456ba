#pragma once

/* What routes.c and routes-upload.c share; not part of routes.h. */

#include "app.h"
#include "carrete-server.h"
#include "model.h"
#include "sniff.h"

G_BEGIN_DECLS

static inline PhotosApp *
app_of (CarreteRequest *req)
{
  return carrete_request_get_app (req);
}

/* A folder id given by the client: "" or absent → 0 (no folder); one that
 * is not a folder id at all → 404 (answered here), and FALSE. */
G_GNUC_INTERNAL
gboolean decode_folder (CarreteRequest *req, const char *text, gint64 *folder_id);
gboolean decode_folder_member (CarreteRequest *req, JsonObject *body, gint64 *folder_id);

/* Takes `text`, JSON written with a CarreteJsonWriter, and answers it
 * uncacheable (it carries presigned URLs). */
G_GNUC_INTERNAL
void respond_json_text (CarreteRequest *req, guint status, GString *text);

/* Presigned addresses for a ready (or trashed) photo: all three, or only
 * the thumbnail; the thumbnails' only once they are ready. */
G_GNUC_INTERNAL
void presign_urls (PhotosApp *app, const PhotosPhoto *photo, gboolean all, PhotosUrls *urls);

/* Answers `photo`, with its presigned URLs. */
G_GNUC_INTERNAL
void respond_photo (CarreteRequest *req, guint status, const PhotosPhoto *photo);

/* Answers a failed upload; a 409 for a duplicate names the existing photo
 * (`existing_id`). */
G_GNUC_INTERNAL
void respond_failure (CarreteRequest *req, const GError *error, const PhotosPhoto *duplicate);

/* routes-upload.c: POST /v1/photos (a streamed body, read by
 * `upload_stream`), POST /v1/photos/uploads, POST /v1/photos/{id}/complete. */
G_GNUC_INTERNAL
extern const CarreteBodyStream upload_stream;
G_GNUC_INTERNAL
void handle_upload (CarreteRequest *req);
G_GNUC_INTERNAL
void handle_create_upload (CarreteRequest *req);
G_GNUC_INTERNAL
void handle_complete (CarreteRequest *req);

/* routes-resumable.c: POST /v1/photos/uploads with `resumable` (after the
 * checks of the direct upload), then /v1/photos/uploads/{upload_id}… */
G_GNUC_INTERNAL
void start_resumable_upload (CarreteRequest *req, const char *name, gint64 folder_id,
                             PhotosType type, guint64 size);
G_GNUC_INTERNAL
void handle_resumable_status (CarreteRequest *req);
G_GNUC_INTERNAL
void handle_resumable_parts (CarreteRequest *req);
G_GNUC_INTERNAL
void handle_resumable_complete (CarreteRequest *req);
G_GNUC_INTERNAL
void handle_resumable_abort (CarreteRequest *req);

/* routes-quota.c: GET /v1/photos/usage, PUT /v1/photos/quotas/{user_id}. */
G_GNUC_INTERNAL
void handle_usage (CarreteRequest *req);
G_GNUC_INTERNAL
void handle_set_quota (CarreteRequest *req);

G_END_DECLS
