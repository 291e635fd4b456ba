#pragma once

#include "carrete-db.h"

G_BEGIN_DECLS

/* Uses of share links, counted in memory and written in batches, so that
 * a link holder's request does not wait behind an UPDATE of the link's
 * row.  One per worker (its main context and database pool): a use is
 * noted at once, and within about a second one statement adds every
 * pending count to its link (use_count) and moves last_used_at up to the
 * latest use.  A failed write is logged and its counts kept for the next,
 * up to FOLDERS_SHARE_USES_MAX_LINKS links (uses of more are dropped with
 * a warning). */
typedef struct _FoldersShareUses FoldersShareUses;

#define FOLDERS_SHARE_USES_MAX_LINKS 10000

/* Made on the worker's thread: its timer runs on the thread-default main
 * context. */
FoldersShareUses *folders_share_uses_new (CarreteDb *db);
/* Frees it; counts still pending are lost (with a warning): stop with
 * folders_share_uses_stop and drain until folders_share_uses_busy is FALSE
 * first. */
void folders_share_uses_free (FoldersShareUses *uses);

/* One more use of link `share_id`, now. */
void folders_share_uses_note (FoldersShareUses *uses, gint64 share_id);

/* A clean stop begins: what is pending is written now, and later uses as
 * soon as they come. */
void folders_share_uses_stop (FoldersShareUses *uses);
/* TRUE while counts are pending or being written. */
gboolean folders_share_uses_busy (FoldersShareUses *uses);

G_END_DECLS
