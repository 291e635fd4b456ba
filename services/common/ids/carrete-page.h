#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* One page of a keyset listing, as the answer of the listing's GTask: the
 * rows, and the cursor of the next page.  A listing asks its store for one
 * row more than the page holds; the presence of that row is what says
 * there is a next page. */

/* The cursor that continues after `last`, the last row of a full page;
 * `data` is what was given to carrete_page_return. */
typedef char *(*CarretePageCursorFunc) (gconstpointer last, gpointer data);

/* Answers `task` with `rows` (taken; asked with `limit` + 1), cut to
 * `limit`, and the cursor `cursor_of` makes when there is a next page. */
void carrete_page_return (GTask *task, GPtrArray *rows, guint limit,
                          CarretePageCursorFunc cursor_of, gpointer data);

/* The rows answered by carrete_page_return, and in `next_cursor` the
 * cursor of the next page (NULL on the last); NULL with `error` when the
 * listing failed. */
GPtrArray *carrete_page_propagate (GAsyncResult *result, char **next_cursor, GError **error);

G_END_DECLS
