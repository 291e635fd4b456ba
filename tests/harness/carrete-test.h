#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libpq-fe.h>
#include <libsoup/soup.h>

#include "carrete-test-util.h"

G_BEGIN_DECLS

/* Test harness: real servers on free ports in temporary directories.
 * Every child process gets a parent-death signal, so an aborted test leaves
 * nothing running. */

guint16 ct_free_port (void);
/* A launcher whose children get SIGTERM when the test process dies. */
GSubprocessLauncher *ct_launcher_new (GSubprocessFlags flags);
/* A fresh temporary directory, removed by ct_remove_tree. */
char *ct_make_tmpdir (const char *template_name);
void ct_remove_tree (const char *path);
/* Runs argv and asserts it exits 0; returns its stdout. */
char *ct_run (const char *const *argv);

/* ---- PostgreSQL --------------------------------------------------------- */

typedef struct _CtPostgres CtPostgres;

CtPostgres *ct_postgres_start (void);
void ct_postgres_stop (CtPostgres *pg);      /* fast shutdown, keeps the data */
void ct_postgres_restart (CtPostgres *pg);   /* after ct_postgres_stop */
void ct_postgres_free (CtPostgres *pg);      /* stops and removes everything */
/* The server's host vanishing without a word (a pod's address gone, a
 * cable cut): every packet to or from its port on loopback is dropped
 * (iptables, tagged with the port), so connections neither answer nor
 * close.  FALSE when this machine cannot (not root, no working iptables):
 * the caller skips.  ct_postgres_reappear() (and ct_postgres_free()) take
 * the rules away again. */
gboolean ct_postgres_vanish (CtPostgres *pg);
void ct_postgres_reappear (CtPostgres *pg);
/* Creates a database owned by a new role and returns its URL. */
char *ct_postgres_create_database (CtPostgres *pg, const char *name);
/* Runs one SQL statement as superuser in `database`; returns the first
 * column of the first row (or NULL). */
char *ct_postgres_query (CtPostgres *pg, const char *database, const char *sql);
/* The same with one parameter, $1. */
char *ct_postgres_query_param (CtPostgres *pg, const char *database, const char *sql,
                               const char *param);

/* A session of its own as superuser in `database` (PQfinish it), for a
 * test that holds a lock or a transaction across requests. */
PGconn *ct_postgres_connect (CtPostgres *pg, const char *database);
/* Runs `sql` on that session and asserts that it succeeded. */
void ct_postgres_exec (PGconn *conn, const char *sql);
/* Waits up to `timeout_ms` until exactly `count` statements of the
 * sessions named `application_name` in `database` wait for a lock; FALSE
 * if that never happens.  When `query_part` is not NULL, only statements
 * whose text holds it count: a service's background work (a sweeper) may
 * wait on the same lock. */
gboolean ct_postgres_lock_waiters_become (CtPostgres *pg, const char *database,
                                          const char *application_name, const char *query_part,
                                          guint count, guint timeout_ms);

/* Locks `table` of `database`, sends GET `path` (with `bearer`, may be
 * NULL) to the service at `base_url` (named `application_name` in
 * pg_stat_activity), and asserts that its statement (only one whose text
 * holds `query_part`, when not NULL) comes to wait on the lock and that
 * hanging up ends it while the lock is still held: a cancel.  Then lets go
 * of the lock. */
void ct_assert_hang_up_cancels (CtPostgres *pg, const char *database, const char *table,
                                const char *application_name, const char *query_part,
                                const char *base_url, const char *path, const char *bearer);

/* ---- Keys ----------------------------------------------------------------- */

typedef struct
{
  char *dir;
  char *jwt_private;
  char *jwt_public;
  char *id_key;
} CtKeys;

CtKeys *ct_keys_new (void);
void ct_keys_free (CtKeys *keys);

/* ---- Services -------------------------------------------------------------- */

typedef struct _CtService CtService;

/* Runs `binary` with `subcommand` and exactly the given environment
 * (NULL-terminated KEY=VALUE list) plus CARRETE_LISTEN on a free port
 * (unless `env` sets CARRETE_LISTEN=127.0.0.1:PORT), and waits for /healthz. */
CtService *ct_service_start (const char *binary, const char *const *env);
/* The same on a chosen port (from ct_free_port), for services that must
 * know each other's address before either starts. */
CtService *ct_service_start_at (const char *binary, const char *const *env, guint16 port);
/* The same with another command than `serve` (one that also answers
 * /healthz, such as `carrete-photos work`). */
CtService *ct_service_start_command (const char *binary, const char *command,
                                     const char *const *env, guint16 port);
const char *ct_service_url (CtService *service);
GPid ct_service_pid (CtService *service);
/* SIGTERM, then asserts a clean exit (status 0: no crash, no leak report). */
void ct_service_stop (CtService *service);
/* SIGKILL, as a crash or an OOM kill would: no drain, no exit checks
 * (ct_service_free then only cleans up). */
void ct_service_kill (CtService *service);
void ct_service_free (CtService *service);
/* The service's captured stdout+stderr. */
char *ct_service_output (CtService *service);

/* Runs a one-shot command of a binary (e.g. "migrate") and returns its exit
 * status; *output gets stdout+stderr. */
int ct_command (const char *binary, const char *const *args, const char *const *env,
                char **output);

/* ---- Test programs ------------------------------------------------------------ */

/* One test of a program: its path and its function. */
typedef struct
{
  const char *path;
  GTestFunc func;
} CtTest;

/* The whole main() of a test program whose tests share one fixture:
 * initialises GLib's tests, sets *fixture to what `start` returns, adds and
 * runs the `n_tests` tests in order, then frees the fixture with `stop`.
 * Returns the status of g_test_run(). */
int ct_test_main (int *argc, char ***argv, gpointer (*start) (void), GDestroyNotify stop,
                  gpointer *fixture, const CtTest *tests, gsize n_tests);
/* The same with the casts written once: `fixture` is the address of the
 * program's fixture pointer, `tests` an array of CtTest. */
#define CT_TEST_MAIN(argc, argv, start, stop, fixture, tests)                                      \
  ct_test_main (&(argc), &(argv), (gpointer (*) (void)) (start), (GDestroyNotify) (stop),           \
                (gpointer *) (fixture), (tests), G_N_ELEMENTS (tests))

/* Path of a built binary, from CARRETE_BUILD_DIR. */
char *ct_build_path (const char *relative);

/* ---- Users ------------------------------------------------------------------- */

/* A registered user of carrete-users, logged in. */
typedef struct
{
  char *name;
  char *id;    /* us_… */
  char *token; /* access token */
} CtUser;

void ct_user_free (CtUser *user);

/* ---- HTTP ------------------------------------------------------------------- */

typedef struct
{
  guint status;
  SoupMessageHeaders *headers;
  GBytes *body;
  JsonNode *json; /* parsed when the body is JSON */
} CtResponse;

CtResponse *ct_http (const char *base_url, const char *method, const char *path,
                     const char *bearer, const char *json_body);
/* Full control: extra headers as "Name: value" strings, raw body bytes. */
CtResponse *ct_http_raw (const char *base_url, const char *method, const char *path,
                         const char *const *headers, const char *content_type, GBytes *body);
/* A GET whose redirect is the answer (not followed). */
CtResponse *ct_http_unfollowed (const char *base_url, const char *path);
void ct_response_free (CtResponse *response);
/* GET /v1/photos/{id} of carrete-photos at `base_url` until the photo's
 * thumbnails are no longer pending (its thumbnails job has run; a minute
 * at most); returns that last answer (200). */
CtResponse *ct_await_thumbnails (const char *base_url, const char *token, const char *id);
const char *ct_response_header (CtResponse *response, const char *name);
JsonObject *ct_response_object (CtResponse *response);
const char *ct_response_string (CtResponse *response, const char *member);

/* A raw connection to the host and port of `base_url`, for requests that
 * ct_http cannot send (chunked, cut short, never read); *host_header gets
 * "host:port". */
GSocketConnection *ct_connect (const char *base_url, char **host_header);
/* Sends `method path` with a bearer token (NULL for none) and no body over
 * a new connection, and returns the connection without reading the answer. */
GSocketConnection *ct_http_send_only (const char *base_url, const char *method, const char *path,
                                      const char *bearer);

/* The same POST of `path` sent `n` times at once, one thread and session
 * each, with `bearer` (may be NULL) and `body` of `content_type`. */
typedef struct _CtParallel CtParallel;

CtParallel *ct_parallel_post (const char *base_url, const char *path, const char *bearer,
                              const char *content_type, GBytes *body, guint n);
/* Waits until every request body has left its client. */
void ct_parallel_wait_sent (CtParallel *parallel);
/* Joins the threads (first call) and returns the status of request i (0
 * when it got no answer). */
guint ct_parallel_status (CtParallel *parallel, guint i);
void ct_parallel_free (CtParallel *parallel);

/* Sends the headers of a POST declaring `declared` bytes of `content_type`
 * and only `first` of its body (NULL: its first KiB, zeros), then waits
 * up to 3 s for the answer, sending nothing more.  Returns the answer
 * (status 0 when none came): a request refused before its body gets its
 * answer without the rest. */
CtResponse *ct_answer_before_body (const char *base_url, const char *path, const char *bearer,
                                   const char *content_type, gsize declared, GBytes *first);
/* Sends `request` (raw bytes: request line, headers, body, anything after
 * it) over a new connection and reads the first answer's head and body
 * (status 0 when none came within 3 s); *closed says whether the server
 * then closed the connection (within 3 s) instead of reading on. */
CtResponse *ct_raw_exchange (const char *base_url, const char *request, gsize len,
                             gboolean *closed);
/* The same with `first` NULL, and only the answer's status. */
guint ct_status_before_body (const char *base_url, const char *path, const char *bearer,
                             const char *content_type, gsize declared);

/* A multipart/form-data body: the text fields `before` (name, value, …,
 * NULL; may be NULL), the part named `file` (`filename`, `file_type` and
 * the bytes of `file`), then the fields `after`, in that order.
 * *content_type gets the Content-Type to send it with. */
GBytes *ct_form_body (const char *const *before, const char *filename, const char *file_type,
                      GBytes *file, const char *const *after, char **content_type);

/* Asserts an RFC 9457 answer with `status`; when `field` is not NULL, one
 * of errors[].field equals it. */
void ct_assert_problem (CtResponse *response, guint status, const char *field);
/* Asserts that both are RFC 9457 answers with `status`, of the same type
 * and detail: two ways of asking that must be refused alike. */
void ct_assert_same_problem (CtResponse *response, CtResponse *other, guint status);

/* The answers of the operations routes every service has, asked in this
 * order: /healthz, /readyz, /openapi.json, /docs, /metrics. */
typedef struct
{
  CtResponse *healthz;
  CtResponse *readyz;
  CtResponse *openapi;
  CtResponse *docs;
  CtResponse *metrics;
} CtOperations;

/* Asks them, and asserts what holds for every service: each answers 200,
 * /readyz says "ready", /openapi.json is an OpenAPI 3.1 document with paths
 * (among them `api_path`, unless NULL), /docs is an HTML page. */
CtOperations *ct_operations_check (const char *base_url, const char *api_path);
void ct_operations_free (CtOperations *operations);

/* An 8x8 PNG whose bytes no other call returns: a tEXt chunk carries
 * `label`, a counter and a random number, because carrete-photos refuses
 * the same bytes twice in one folder. */
GBytes *ct_unique_png (const char *label);
/* A valid 1x1 PNG of about `size` bytes (a large tEXt chunk of filler and
 * a random tag: unique bytes), for uploads that must be large. */
GBytes *ct_png_of_size (gsize size);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CtResponse, ct_response_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CtKeys, ct_keys_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CtUser, ct_user_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CtOperations, ct_operations_free)

G_END_DECLS
