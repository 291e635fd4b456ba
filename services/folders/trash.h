#pragma once

#include "carrete-server.h"
#include "service.h"

G_BEGIN_DECLS

/* The caller's trashed folders, for carrete-photos, which serves /v1/trash
 * (its photos and these folders in one list) and forwards restore and
 * delete-for-good of a fo_ id here:
 *
 *   GET    /v1/folders/trash?limit=&before=&before_id=   {"items": [...]}
 *   GET    /v1/folders/trash/{id}                        200 or 404
 *   POST   /v1/folders/trash/{id}/restore                200 folder; 409 name taken
 *   DELETE /v1/folders/trash/{id}                        204 or 404
 *   DELETE /v1/folders/trash                             204 (idempotent)
 *
 * A page holds the folders strictly after (before, before_id) in the order
 * (trashed_at, id) descending; without before_id, every folder trashed at
 * `before` or earlier (before_id counts only with before). */
void folders_handle_trash_list (CarreteRequest *req);
void folders_handle_trash_get (CarreteRequest *req);
void folders_handle_trash_restore (CarreteRequest *req);
void folders_handle_trash_delete (CarreteRequest *req);
void folders_handle_trash_empty (CarreteRequest *req);

/* Removes the folders past their purge_at; run periodically. */
void folders_trash_purge (FoldersService *svc);

G_END_DECLS
