#pragma once

#include <glib.h>

#include "carrete-db.h"

G_BEGIN_DECLS

/* Numbered SQL migrations embedded in the binary as GResources
 * (`<dir>/NNN_name.sql`).  `migrate` is a command-line step (Kubernetes
 * runs it as a Job), so it uses blocking libpq on purpose: no main loop is
 * running.  Each file runs in its own transaction together with the row
 * recording its version; an advisory lock keeps concurrent runs apart. */
gboolean carrete_migrate_run (const char *conninfo, const char *resource_dir, GError **error);

/* A blocking connection for a command-line step (migrate, backups), or
 * CARRETE_ERROR_UNAVAILABLE saying why there is none. */
PGconn *carrete_migrate_connect (const char *conninfo, const char *app_name, GError **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGconn, PQfinish)

/* The newest version among the embedded files. */
guint carrete_migrate_latest_version (const char *resource_dir);

/* At start-up: TRUE when the database is at the latest version.  Fails with
 * CARRETE_ERROR_CONFIG for an unmigrated or newer database, and with
 * CARRETE_ERROR_UNAVAILABLE when it cannot be reached. */
gboolean carrete_migrate_check (const char *conninfo, const char *resource_dir, GError **error);

/* For /readyz, run through the async pool. */
extern const CarreteStatement carrete_migrate_version_statement;

G_END_DECLS

G_BEGIN_DECLS

/* Readiness for /readyz: the database answers and is at `version`.
 * Fails with CARRETE_ERROR_UNAVAILABLE otherwise. */
void carrete_migrate_ready_async (CarreteDb *db, guint version, GAsyncReadyCallback callback,
                                  gpointer user_data);
gboolean carrete_migrate_ready_finish (CarreteDb *db, GAsyncResult *result, GError **error);

G_END_DECLS
