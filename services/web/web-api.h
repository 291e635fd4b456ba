#pragma once

#include "carrete-api.h"
#include "web-ctx.h"

G_BEGIN_DECLS

/* Calls to the three services on behalf of a page, with the visitor's
 * access token.  An expired token is refreshed once per page request with
 * the refresh cookie (the new pair goes back to the browser as cookies) and
 * the call repeated; calls that need the refresh while it is in flight wait
 * for it, because a refresh token used twice revokes the whole family. */
typedef enum
{
  WEB_USERS,
  WEB_PHOTOS,
  WEB_FOLDERS,
} WebService;

typedef struct
{
  guint status;   /* 0 when the service could not be reached */
  JsonNode *json; /* the parsed body, or NULL */
  GError *error;  /* CARRETE_CLIENT_ERROR for status 0 and 4xx/5xx, else NULL */
} WebApiResult;

typedef void (*WebApiFunc) (WebCtx *ctx, WebApiResult *result, gpointer user_data);

/* `body` (not taken) is sent as JSON when not NULL. */
void web_api_call (WebCtx *ctx, WebService service, const char *method, const char *path,
                   JsonNode *body, WebApiFunc callback, gpointer user_data);
/* A raw body (an upload).  `body` is referenced, not copied. */
void web_api_send_bytes (WebCtx *ctx, WebService service, const char *method, const char *path,
                         const char *content_type, GBytes *body, WebApiFunc callback,
                         gpointer user_data);

void web_api_result_clear (WebApiResult *result);
/* Moves `from` into `to` (a callback keeping a result past its return). */
void web_api_result_move (WebApiResult *to, WebApiResult *from);

/* The body as an object, or NULL. */
JsonObject *web_api_object (WebApiResult *result);
/* A 2xx's body read by `from_json`, one of the shared models' readers
 * (carrete-api), or NULL when the call failed or the body is not one. */
gpointer web_api_model (WebApiResult *result, CarreteFromJson from_json);
#define web_api_photo(result)                                                                      \
  ((CarretePhoto *) web_api_model ((result), (CarreteFromJson) carrete_photo_new_from_json))
#define web_api_folder(result)                                                                     \
  ((CarreteFolder *) web_api_model ((result), (CarreteFromJson) carrete_folder_new_from_json))
#define web_api_photo_page(result)                                                                 \
  ((CarretePhotoPage *) web_api_model ((result), (CarreteFromJson) carrete_photo_page_new_from_json))
#define web_api_folder_page(result)                                                                \
  ((CarreteFolderPage *) web_api_model ((result),                                                   \
                                       (CarreteFromJson) carrete_folder_page_new_from_json))
/* What the service's problem says (its detail and every field's message),
 * else `fallback`: for the page to show. */
const char *web_api_problem (WebApiResult *result, const char *fallback);

/* Whether the call failed because the session is gone for good (the
 * refresh failed, or there never was one): the page should send the
 * visitor to /login. */
gboolean web_api_session_lost (WebCtx *ctx, WebApiResult *result);
/* For a 413 of an upload over the account's storage quota: what to show,
 * with the numbers, translated; NULL for any other answer. */
char *web_api_quota_message (WebCtx *ctx, WebApiResult *result);
/* Whether the service was unreachable or said 5xx. */
gboolean web_api_unavailable (WebApiResult *result);

/* A request body of string members: name, value, …, NULL. */
JsonNode *web_api_strings (const char *name, ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
