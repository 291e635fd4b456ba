#pragma once

#include <adwaita.h>

#include "carrete-client-types.h"
#include "carrete-types.h"

G_BEGIN_DECLS

/* The main window: the sign-in page until there is a session, then the
 * gallery (folders sidebar, filter bar, thumbnail grid, uploads panel) and
 * the photo viewer.  Files dropped on it are uploaded. */
#define CARRETE_TYPE_WINDOW (carrete_window_get_type ())
G_DECLARE_FINAL_TYPE (CarreteWindow, carrete_window, CARRETE, WINDOW, AdwApplicationWindow)

CarreteWindow *carrete_window_new (GtkApplication *application);

/* Signs in from the session stored in the keyring, or shows the sign-in
 * page when there is none (or it is refused). */
void carrete_window_restore_session (CarreteWindow *self);

/* What a drop on the window and the Upload dialog both call: folders are
 * walked, files that cannot be photos are reported, the rest are queued
 * into the current folder (when it is one of the user's).  Before there is
 * a session (files given on the command line while it is being restored)
 * they wait for it. */
void carrete_window_upload_files (CarreteWindow *self, GPtrArray *files);

G_END_DECLS
