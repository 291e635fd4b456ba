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

G_END_DECLS
