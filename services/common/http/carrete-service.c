#define G_LOG_DOMAIN "carrete-service"

#include "carrete-service.h"

#include <signal.h>

#include <glib-unix.h>

#include "carrete-cpus.h"
#include "carrete-error.h"
#include "carrete-source.h"

/* How far a worker has come; the main thread waits on these. */
typedef enum
{
  WORKER_STARTING,
  WORKER_BUILT,     /* app_new succeeded; waiting for the go */
  WORKER_LISTENING, /* serving */
  WORKER_FAILED,    /* error set */
  WORKER_ENDED,
} WorkerState;

typedef enum
{
  GO_WAIT,
  GO_START,
  GO_ABORT,
} Go;

typedef struct _Group Group;

typedef struct
{
  Group *group;
  guint index;
  GSocket *socket;
  GThread *thread;
  CarreteServer *server; /* set before WORKER_LISTENING */
  WorkerState state;
  GError *error;
} Worker;

/* Every worker of one `serve`, and what they share. */
struct _Group
{
  const CarreteServiceSpec *spec;
  const CarreteRoute *(*routes) (guint *n_routes); /* the command's */
  CarreteConfig share; /* the settings with each worker's share of pools and threads */
  CarreteMetrics *metrics;
  GMutex lock;
  GCond changed;
  Go go;
  Worker *workers;
  guint n;
};

static void
set_state (Worker *worker, WorkerState state, GError *error)
{
  Group *group = worker->group;

  g_mutex_lock (&group->lock);
  worker->state = state;
  if (error != NULL)
    worker->error = error;
  g_cond_broadcast (&group->changed);
  g_mutex_unlock (&group->lock);
}

static Go
wait_for_go (Group *group)
{
  Go go;

  g_mutex_lock (&group->lock);
  while (group->go == GO_WAIT)
    g_cond_wait (&group->changed, &group->lock);
  go = group->go;
  g_mutex_unlock (&group->lock);
  return go;
}

static void
set_go (Group *group, Go go)
{
  g_mutex_lock (&group->lock);
  group->go = go;
  g_cond_broadcast (&group->changed);
  g_mutex_unlock (&group->lock);
}

/* Waits until every worker has reached `state` or failed (each gets there:
 * none is left behind to be stopped later); returns the first failure's
 * error (owned by the worker), or NULL. */
static const GError *
wait_for_all (Group *group, WorkerState state)
{
  const GError *failure;
  gboolean waiting = TRUE;

  g_mutex_lock (&group->lock);
  while (waiting)
    {
      waiting = FALSE;
      for (guint i = 0; i < group->n; i++)
        if (group->workers[i].state < state)
          waiting = TRUE;
      if (waiting)
        g_cond_wait (&group->changed, &group->lock);
    }
  failure = NULL;
  for (guint i = 0; i < group->n && failure == NULL; i++)
    if (group->workers[i].state == WORKER_FAILED)
      failure = group->workers[i].error;
  g_mutex_unlock (&group->lock);
  return failure;
}

static void
serve_worker (Worker *worker, gpointer app)
{
  Group *group = worker->group;
  const CarreteServiceSpec *spec = group->spec;
  CarreteServerOptions options = {
    .service_name = spec->cli.name,
    .app = app,
    .read_timeout_seconds = (guint) group->share.read_timeout,
    .trust_forwarded_for = group->share.trust_forwarded_for,
    .metrics = group->metrics,
  };
  g_autoptr (GArray) sources = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree char *openapi = NULL;
  GError *error = NULL;

  options.routes = group->routes (&options.n_routes);
  if (spec->openapi)
    options.openapi_resource = openapi = g_strconcat (spec->cli.resource_prefix, "/openapi.json",
                                                      NULL);
  spec->app_start (app, &group->share, &options);
  worker->server = carrete_server_new (&options);
  if (!carrete_server_listen (worker->server, worker->socket, &error))
    {
      set_state (worker, WORKER_FAILED, error);
      return;
    }
  if (worker->index == 0 && spec->app_running != NULL)
    spec->app_running (app, sources);
  set_state (worker, WORKER_LISTENING, NULL);
  carrete_server_run (worker->server);
  for (guint i = 0; i < sources->len; i++)
    carrete_source_remove (g_array_index (sources, guint, i));
}

static gpointer
worker_main (gpointer data)
{
  Worker *worker = data;
  Group *group = worker->group;
  GMainContext *context = g_main_context_new ();
  GError *error = NULL;
  gpointer app;

  g_main_context_push_thread_default (context);
  app = group->spec->app_new (&group->share, &error);
  set_state (worker, app != NULL ? WORKER_BUILT : WORKER_FAILED, error);
  if (app != NULL && wait_for_go (group) == GO_START)
    serve_worker (worker, app);
  g_clear_pointer (&worker->server, carrete_server_free);
  if (app != NULL)
    group->spec->app_free (app);
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  if (worker->state != WORKER_FAILED)
    set_state (worker, WORKER_ENDED, NULL);
  return NULL;
}

/* A worker's share of a per-process count: rounded up, at least 1. */
static guint64
share_of (guint64 total, guint n)
{
  return MAX ((total + n - 1) / n, 1);
}

static guint
worker_count (const CarreteServiceSpec *spec, const CarreteConfig *config)
{
  return config->workers != 0 ? (guint)config->workers : carrete_cpus_available ();
}

typedef struct
{
  Group *group;
  GMainLoop *loop;
} Stopper;

static gboolean
on_stop_signal (gpointer user_data)
{
  Stopper *stopper = user_data;

  for (guint i = 0; i < stopper->group->n; i++)
    carrete_server_stop (stopper->group->workers[i].server, stopper->group->spec->drain_seconds);
  g_main_loop_quit (stopper->loop);
  return G_SOURCE_CONTINUE;
}

static void
join_workers (Group *group)
{
  for (guint i = 0; i < group->n; i++)
    g_clear_pointer (&group->workers[i].thread, g_thread_join);
}

/* Runs until SIGTERM or SIGINT, then waits for the workers to drain.  The
 * handlers stay until they have: another signal meanwhile must not kill
 * the process mid-drain. */
static void
wait_for_stop_signal (Group *group)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Stopper stopper = { group, loop };
  guint term_id = g_unix_signal_add (SIGTERM, on_stop_signal, &stopper);
  guint int_id = g_unix_signal_add (SIGINT, on_stop_signal, &stopper);

  g_main_loop_run (loop);
  join_workers (group);
  g_source_remove (term_id);
  g_source_remove (int_id);
  /* GLib restores the default action with the last source gone: a second
   * SIGTERM (a supervisor that asks twice) would kill the process between
   * its drain and its exit, and with it the exit status 0.  It is on its
   * way out already. */
  signal (SIGTERM, SIG_IGN);
  signal (SIGINT, SIG_IGN);
}

static void
announce (Group *group)
{
  const CarreteServiceSpec *spec = group->spec;
  g_autofree char *url = carrete_server_get_url (group->workers[0].server);
  g_autofree char *extra = spec->describe != NULL ? spec->describe (&group->share) : NULL;

  g_message ("carrete-%s %s listening on %s with %u worker%s%s", spec->cli.name,
             CARRETE_VERSION, url, group->n, group->n == 1 ? "" : "s", extra != NULL ? extra : "");
}

/* Starts the workers, checks the schema while they build their apps (its
 * connection costs as much as their start-up under a sanitizer: done side
 * by side, a restarted service is ready sooner), lets them listen, and
 * serves until a stop signal. */
static int
run_group (Group *group, GPtrArray *sockets, const CarreteConfig *config)
{
  const CarreteServiceSpec *spec = group->spec;
  const GError *failure;
  int status = 0;

  for (guint i = 0; i < group->n; i++)
    {
      Worker *w = &group->workers[i];

      w->group = group;
      w->index = i;
      w->socket = g_ptr_array_index (sockets, i);
      w->thread = g_thread_new ("carrete-worker", worker_main, w);
    }
  if (spec->database != NULL)
    status = spec->database->check_schema (&spec->cli, config);
  failure = wait_for_all (group, WORKER_BUILT);
  if (failure != NULL && status == 0)
    status = carrete_cli_fail_error (&spec->cli, failure);
  if (status != 0)
    {
      set_go (group, GO_ABORT);
      return status;
    }
  set_go (group, GO_START);
  if ((failure = wait_for_all (group, WORKER_LISTENING)) != NULL)
    {
      status = carrete_cli_fail_error (&spec->cli, failure);
      for (guint i = 0; i < group->n; i++)
        if (group->workers[i].state == WORKER_LISTENING)
          carrete_server_stop (group->workers[i].server, 0);
      return status;
    }
  announce (group);
  wait_for_stop_signal (group);
  return 0;
}

static int
serve (const CarreteServiceSpec *spec, const char *command,
       const CarreteRoute *(*routes) (guint *n_routes))
{
  CarreteConfig config = { .command = command };
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) sockets = NULL;
  Group group = { .spec = spec, .routes = routes };
  gboolean process_started = FALSE;
  int status;

  if (!carrete_cli_load_config (&spec->cli, &config, spec->settings, spec->required, &error)
      || (spec->process_init != NULL
          && !(process_started = spec->process_init (&config, &error))))
    {
      status = carrete_cli_fail_error (&spec->cli, error);
      goto out;
    }
  group.n = worker_count (spec, &config);
  sockets = carrete_server_open_sockets (config.listen_host, config.listen_port, group.n, &error);
  if (sockets == NULL)
    {
      status = carrete_cli_fail_error (&spec->cli, error);
      goto out;
    }
  group.share = config;
  group.share.db_pool_size = share_of (config.db_pool_size, group.n);
  group.share.hash_threads = share_of (config.hash_threads, group.n);
  group.share.worker_threads = share_of (config.worker_threads, group.n);
  group.metrics = carrete_metrics_new (spec->cli.name);
  group.workers = g_new0 (Worker, group.n);
  g_mutex_init (&group.lock);
  g_cond_init (&group.changed);
  status = run_group (&group, sockets, &config);
  join_workers (&group);
  for (guint i = 0; i < group.n; i++)
    g_clear_error (&group.workers[i].error);
  if (status == 0)
    g_message ("carrete-%s stopped", spec->cli.name);
  g_cond_clear (&group.changed);
  g_mutex_clear (&group.lock);
  g_free (group.workers);
  carrete_metrics_free (group.metrics);
out:
  if (process_started && spec->process_shutdown != NULL)
    spec->process_shutdown ();
  carrete_config_clear (&config);
  return status;
}

int
carrete_service_main (const CarreteServiceSpec *spec, int argc, char **argv)
{
  int status;

  g_assert ((spec->database != NULL) == (spec->cli.check_database_url != NULL));
  if ((status = carrete_cli_main_prologue (&spec->cli, argc, argv)) >= 0)
    return status;
  if (g_str_equal (argv[1], "serve") && argc == 2)
    return serve (spec, "serve", spec->routes);
  if (spec->serve_like != NULL && g_str_equal (argv[1], spec->serve_like->name) && argc == 2)
    return serve (spec, spec->serve_like->name, spec->serve_like->routes);
  if (g_str_equal (argv[1], "migrate") && argc == 2)
    return spec->database != NULL ? spec->database->migrate (&spec->cli) : 0;
  if (g_str_equal (argv[1], "schema-version") && argc == 2 && spec->database != NULL)
    return spec->database->schema_version (&spec->cli);
  for (const CarreteServiceCommand *c = spec->commands; c != NULL && c->name != NULL; c++)
    if (g_str_equal (argv[1], c->name) && argc == 2 + c->n_args)
      return c->run (&spec->cli, argv + 2);
  return carrete_cli_unknown_command (&spec->cli, argv[1]);
}
