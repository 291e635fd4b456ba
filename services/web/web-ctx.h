#pragma once

#include <json-glib/json-glib.h>

#include "app.h"
#include "carrete-request.h"

G_BEGIN_DECLS

/* One page request: its cookies, session, language and CSRF token, and
 * the way it is answered.  Reference counted because the service calls it
 * waits for may finish in any order; it answers exactly once. */
typedef struct
{
  gint ref_count;
  CarreteRequest *req;
  WebApp *app;
  GHashTable *cookies;
  char *access;   /* access token (a JWT), or NULL */
  char *refresh;  /* refresh token, or NULL */
  char *username; /* for the header, from the sign-in */
  char *user_id;  /* the access token's sub, read without verification:
                     only for choosing what to show, never for access */
  gint64 access_exp;
  char *csrf_seed;
  char *csrf_token;
  const char *lang;
  GPtrArray *set_cookies;
  gboolean refresh_tried;
  GPtrArray *refresh_waiting; /* calls waiting for the one refresh (web-api.c) */
  gboolean answered;
  /* A share link's pages (pages-link.c): every API call of this request
   * goes as the link's holder, with these and without the visitor's
   * session. */
  char *link_token;
  char *link_password;
} WebCtx;

WebCtx *web_ctx_new (CarreteRequest *req);
WebCtx *web_ctx_ref (WebCtx *ctx);
void web_ctx_unref (WebCtx *ctx);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WebCtx, web_ctx_unref)

/* The translation of `msgid` for this request. */
const char *web_ctx_t (WebCtx *ctx, const char *msgid);
/* The translation with `placeholder` (e.g. "{limit}") replaced by
 * `value`: translated text is never used as a printf format. */
char *web_ctx_t_replace (WebCtx *ctx, const char *msgid, const char *placeholder, const char *value);
#define T(ctx, msgid) web_ctx_t ((ctx), (msgid))
#define N_(msgid) (msgid)

gboolean web_ctx_has_session (WebCtx *ctx);
/* Whether the visitor is signed in as `user_id` (a photo's or folder's
 * owner): the page then shows the owner's forms. */
gboolean web_ctx_is_user (WebCtx *ctx, const char *user_id);
/* The request's path and query, for ?next= (never holds a token). */
char *web_ctx_here (WebCtx *ctx);

/* Stores a token pair answered by the users service into cookies. */
void web_ctx_set_session (WebCtx *ctx, JsonObject *pair, const char *username);
void web_ctx_clear_session (WebCtx *ctx);
void web_ctx_set_access (WebCtx *ctx, const char *token);
/* Queues a cookie (web_cookie_format) for the answer. */
void web_ctx_set_cookie (WebCtx *ctx, const char *name, const char *value, gint64 max_age);
/* The same, sent back only under `path`. */
void web_ctx_set_cookie_at (WebCtx *ctx, const char *name, const char *value, const char *path,
                            gint64 max_age);

/* The posted form, checked for its CSRF token: NULL after answering 400
 * (unreadable) or 403 (missing or wrong token). */
GHashTable *web_ctx_take_form (WebCtx *ctx);
gboolean web_ctx_csrf_ok (WebCtx *ctx, const char *token);
/* web_ctx_take_form() for a change to the photo or folder the path's {id}
 * names (*id): NULL too after sending a visitor without a session to
 * /login, or answering 404 for an id that cannot be one. */
GHashTable *web_ctx_take_change_form (WebCtx *ctx, const char **id);

void web_ctx_respond_html (WebCtx *ctx, guint status, const char *title, const char *main_html);
/* A page with only an h1 and a sentence in role=alert. */
void web_ctx_respond_message (WebCtx *ctx, guint status, const char *title, const char *message);
/* `text` (taken) was written by a CarreteJsonWriter. */
void web_ctx_respond_json (WebCtx *ctx, guint status, GString *text);
void web_ctx_redirect (WebCtx *ctx, const char *location);
/* 303 /login?next=<this page>, clearing a session that no longer works. */
void web_ctx_redirect_to_login (WebCtx *ctx);
void web_ctx_respond_not_found (WebCtx *ctx);

G_END_DECLS
