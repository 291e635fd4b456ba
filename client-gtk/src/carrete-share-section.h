#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* What the Share dialog's two sections (carrete-share-links.c,
 * carrete-share-members.c) do alike: their error line and their list. */

/* Shows `text` in the error line, NULL hides it. */
void carrete_share_section_show_error (GtkLabel *label, const char *text);
/* The error shown, or NULL. */
const char *carrete_share_section_get_error (GtkLabel *label);

/* Makes the row of one item of the list. */
typedef GtkWidget *(*CarreteShareRowFunc) (gpointer section, gpointer item);
/* Replaces `list`'s rows with one per item of `items` (or, when there is
 * none, a dimmed row saying `empty_text`). */
void carrete_share_section_fill_list (GtkListBox *list, GListModel *items,
                                      CarreteShareRowFunc make_row, gpointer section,
                                      const char *empty_text);
/* The row of `list` whose object data `key` is `value`, or NULL. */
GtkWidget *carrete_share_section_find_row (GtkListBox *list, const char *key, const char *value);

G_END_DECLS
