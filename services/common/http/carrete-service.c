#define G_LOG_DOMAIN "carrete-service"

#include "carrete-service.h"

#include "carrete-error.h"

static int
serve_with (const CarreteServiceSpec *spec, gpointer app, const CarreteConfig *config)
{
  CarreteServerOptions options = {
    .service_name = spec->cli.name,
    .app = app,
    .read_timeout_seconds = (guint) config->read_timeout,
    .trust_forwarded_for = config->trust_forwarded_for,
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) sources = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree char *url = NULL;
  g_autofree char *extra = NULL;
  CarreteServer *server;

  spec->app_start (app, config, &options);
  server = carrete_server_new (&options);
  if (!carrete_server_listen (server, config->listen_host, config->listen_port, &error))
    {
      carrete_server_free (server);
      return carrete_cli_fail_error (&spec->cli, error);
    }
  url = carrete_server_get_url (server);
  extra = spec->app_describe != NULL ? spec->app_describe (app, config) : NULL;
  g_message ("carrete-%s %s listening on %s%s", spec->cli.name, CARRETE_VERSION, url,
             extra != NULL ? extra : "");
  if (spec->app_running != NULL)
    spec->app_running (app, sources);
  carrete_server_run (server, spec->drain_seconds);
  for (guint i = 0; i < sources->len; i++)
    g_source_remove (g_array_index (sources, guint, i));
  carrete_server_free (server);
  g_message ("carrete-%s stopped", spec->cli.name);
  return 0;
}

static int
serve (const CarreteServiceSpec *spec)
{
  CarreteConfig config = { 0 };
  g_autoptr (GError) error = NULL;
  gpointer app = NULL;
  int status;

  if (!carrete_cli_load_config (&spec->cli, &config, spec->settings, spec->required, &error)
      || (app = spec->app_new (&config, &error)) == NULL)
    status = carrete_cli_fail_error (&spec->cli, error);
  else if (spec->database == NULL
           || (status = spec->database->check_schema (&spec->cli, &config)) == 0)
    status = serve_with (spec, app, &config);
  if (app != NULL)
    spec->app_free (app);
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
    return serve (spec);
  if (g_str_equal (argv[1], "migrate") && argc == 2)
    return spec->database != NULL ? spec->database->migrate (&spec->cli) : 0;
  for (const CarreteServiceCommand *c = spec->commands; c != NULL && c->name != NULL; c++)
    if (g_str_equal (argv[1], c->name) && argc == 2 + c->n_args)
      return c->run (&spec->cli, argv + 2);
  return carrete_cli_unknown_command (&spec->cli, argv[1]);
}
