#pragma once

#include "carrete-cli.h"
#include "carrete-db.h"
#include "carrete-service.h"

G_BEGIN_DECLS

/* The command-line steps of a service with a database (carrete-cli.h has
 * the rest, which needs no libpq).  Its CarreteCli sets
 * .check_database_url = carrete_db_check_conninfo. */

/* 0 when `serve` may start: the schema is current, or the database cannot
 * be reached (readiness reports it); else the exit status. */
int carrete_cli_check_schema (const CarreteCli *cli, const CarreteConfig *config);

/* The `migrate` command: applies the migrations; returns the exit status. */
int carrete_cli_migrate (const CarreteCli *cli);

/* The `schema-version` command: prints the newest migration's version. */
int carrete_cli_schema_version (const CarreteCli *cli);

/* The service's database pool (named carrete-NAME in pg_stat_activity),
 * with the schema version this build expects in `schema_version`. */
CarreteDb *carrete_cli_open_db (const CarreteCli *cli, const CarreteConfig *config,
                                guint *schema_version);

/* Both, for a CarreteServiceSpec's `database`. */
extern const CarreteServiceDatabase carrete_service_postgres;

G_END_DECLS
