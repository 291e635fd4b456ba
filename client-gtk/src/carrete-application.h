#pragma once

#include <adwaita.h>

#include "carrete-types.h"

G_BEGIN_DECLS

#define CARRETE_APPLICATION_ID "org.carrete.Desktop"

#define CARRETE_TYPE_APPLICATION (carrete_application_get_type ())
G_DECLARE_FINAL_TYPE (CarreteApplication, carrete_application, CARRETE, APPLICATION, AdwApplication)

CarreteApplication *carrete_application_new (void);

/* Registers the app's GResource and gettext domain and initialises
 * libadwaita; once per process (the app and the UI tests call it). */
void carrete_desktop_init (void);

G_END_DECLS
