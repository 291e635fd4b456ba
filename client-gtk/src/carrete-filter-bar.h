#pragma once

#include <gtk/gtk.h>

#include "carrete-client-types.h"
#include "carrete-types.h"

G_BEGIN_DECLS

/* The gallery's filter bar (a search bar): name, tags (typed, then shown as
 * chips that remove themselves when clicked) and a date range.  It builds
 * the query of its fields; the folder and the sort are the window's.
 * Signals: ::query-changed (CarretePhotoQuery, only valid for the emission)
 * when a field changed and the fields make a query (a half-typed date makes
 * none: that field is marked and nothing is emitted).
 * Property "search-mode-enabled": the bar is shown. */
#define CARRETE_TYPE_FILTER_BAR (carrete_filter_bar_get_type ())
G_DECLARE_FINAL_TYPE (CarreteFilterBar, carrete_filter_bar, CARRETE, FILTER_BAR, GtkWidget)

/* The query of the fields (name, tags, from, to), or NULL while a date is
 * half-typed (its field is marked). */
CarretePhotoQuery *carrete_filter_bar_build_query (CarreteFilterBar *self);
/* TRUE when no field filters anything (typed text counts, valid or not). */
gboolean carrete_filter_bar_is_empty (CarreteFilterBar *self);

/* Shows the bar and fills the fields as typed (NULL leaves a field). */
void carrete_filter_bar_set_fields (CarreteFilterBar *self, const char *name, const char *from,
                                    const char *to);
/* Adds a tag chip, as typing a tag and pressing Enter does. */
void carrete_filter_bar_add_tag (CarreteFilterBar *self, const char *tag);
/* Empties every field. */
void carrete_filter_bar_clear (CarreteFilterBar *self);
/* Removes the tag chips only (what signing out has always done). */
void carrete_filter_bar_clear_tags (CarreteFilterBar *self);
/* Shows the bar with the keyboard focus in the name field (Ctrl+F). */
void carrete_filter_bar_focus (CarreteFilterBar *self);
/* Typing in `widget` starts a search by name. */
void carrete_filter_bar_set_key_capture_widget (CarreteFilterBar *self, GtkWidget *widget);

G_END_DECLS
