#pragma once

#include <glib.h>

#include "carrete-cli.h"
#include "carrete-config.h"
#include "carrete-server.h"

G_BEGIN_DECLS

/* What a service with a database adds to the command line: the schema
 * check before `serve` and the `migrate` command (its CarreteCli also sets
 * check_database_url).  The db library provides it
 * (carrete_service_postgres), so that a service without a database links
 * no libpq. */
typedef struct
{
  int (*check_schema) (const CarreteCli *cli, const CarreteConfig *config);
  int (*migrate) (const CarreteCli *cli);
  /* `schema-version`: prints the schema version this build migrates to
   * (scripts/restore.sh compares a backup's with it). */
  int (*schema_version) (const CarreteCli *cli);
} CarreteServiceDatabase;

/* A command beyond serve and migrate: `name` followed by exactly `n_args`
 * arguments.  Returns the exit status. */
typedef struct
{
  const char *name;
  int n_args;
  int (*run) (const CarreteCli *cli, char **args);
} CarreteServiceCommand;

/* A second command that runs like `serve`, with the same settings and
 * steps but its own route table (photos' `work`: background jobs, and
 * only its probes over HTTP).  The app learns which command runs from
 * CarreteConfig.command. */
typedef struct
{
  const char *name;
  const CarreteRoute *(*routes) (guint *n_routes);
} CarreteServiceServeLike;

/* A whole service, declared: its command line, its settings, and the four
 * steps of `serve` that differ from one service to the next. */
typedef struct
{
  CarreteCli cli;               /* name, listen address, resources, usage */
  const char *const *settings;  /* what `serve` reads */
  const char *const *required;  /* what `serve` cannot do without */
  const CarreteServiceDatabase *database; /* NULL: none, and `migrate` has nothing to do */
  const CarreteServiceCommand *commands;  /* more commands, ended by a NULL name; may be NULL */
  const CarreteServiceServeLike *serve_like; /* may be NULL */
  const CarreteRoute *(*routes) (guint *n_routes); /* the route table */
  gboolean openapi;             /* resource_prefix has openapi.json for /openapi.json and /docs */
  guint drain_seconds;          /* SIGTERM: how long requests in flight may take */
  /* Optional: process-wide set-up before any worker starts, and its undoing
   * after the last one ends (a library with global state, state the
   * workers share). */
  gboolean (*process_init) (const CarreteConfig *config, GError **error);
  void (*process_shutdown) (void);

  /* Builds one worker's service from the settings, on that worker's thread
   * and main context; the config's pool and thread counts are already this
   * worker's share.  A bad setting is a CARRETE_ERROR_CONFIG error (exit 2);
   * anything else exits 1. */
  gpointer (*app_new) (const CarreteConfig *config, GError **error);
  /* Once the schema is known to be current: opens what needs the database
   * and fills the server's token verifier, ids and headers. */
  void (*app_start) (gpointer app, const CarreteConfig *config, CarreteServerOptions *options);
  /* Optional, on the first worker only: periodic work once it listens (the
   * source ids it adds to `source_ids` are removed when it stops). */
  void (*app_running) (gpointer app, GArray *source_ids);
  /* Optional: what the "listening on" line adds, e.g. " (storage: s3)". */
  char *(*describe) (const CarreteConfig *config);
  void (*app_free) (gpointer app);
} CarreteServiceSpec;

/* The whole of a service's main(): --help and --version, `serve`,
 * `migrate` and the spec's commands, with the exit statuses of
 * carrete-cli.h.  `serve` runs CARRETE_WORKERS worker threads (default: the
 * CPUs the process may use), each with its own main context, app and
 * server on a shared port (SO_REUSEPORT), and one /metrics for them all;
 * SIGTERM or SIGINT drains every one.  Returns the exit status. */
int carrete_service_main (const CarreteServiceSpec *spec, int argc, char **argv);

G_END_DECLS
