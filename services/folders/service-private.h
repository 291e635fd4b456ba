#pragma once

#include "service.h"

G_BEGIN_DECLS

/* Shared by the operations of service.c and members.c. */

/* Answers `task` with NOT_FOUND "No such folder.". */
void folders_return_not_found (GTask *task);
/* TRUE when `caller_id` owns `folder` (read for them, with their role);
 * otherwise answers `task`: FORBIDDEN when they may see it, NOT_FOUND
 * when not. */
gboolean folders_check_owner (GTask *task, const FoldersFolder *folder, gint64 caller_id);

/* What an operation does next with its task (which it takes). */
typedef void (*FoldersThen) (GTask *task);
/* Reads `folder_id` for `caller_id` and, when they own it, runs `then`
 * (which takes `task`); otherwise answers `task` (as folders_check_owner,
 * or the store's error) and drops it. */
void folders_check_owner_then (FoldersService *svc, GTask *task, gint64 folder_id, gint64 caller_id,
                               FoldersThen then);

G_END_DECLS
