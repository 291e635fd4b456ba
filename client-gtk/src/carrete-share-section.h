#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* The pieces the Share dialog's two sections (carrete-share-links.c,
 * carrete-share-members.c) are built of, so that they look alike. */

/* A section's title. */
GtkWidget *carrete_share_section_heading (const char *title);
/* A GtkListBox styled as a boxed list, selecting nothing. */
GtkWidget *carrete_share_section_boxed_list (void);
/* The section's error line (hidden until an error is shown). */
GtkWidget *carrete_share_section_error_label (void);
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
