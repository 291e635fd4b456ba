#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Lenient readers of the services' JSON, for the models and for pages that
 * read a member or two of an answer: a member that is missing, null or of
 * another type reads as absent, so that a newer server's answer still
 * loads.  `object` may be NULL (absent too). */
const char *carrete_json_get_string (JsonObject *object, const char *member);
gint64 carrete_json_get_int (JsonObject *object, const char *member, gint64 fallback);
gboolean carrete_json_get_bool (JsonObject *object, const char *member, gboolean fallback);
/* An RFC 3339 string member as a time, or NULL. */
GDateTime *carrete_json_get_time (JsonObject *object, const char *member);

/* Writers for a JsonBuilder inside an object: a member `name` holding
 * `value`, null when `value` is NULL (the string one); a time is written in
 * RFC 3339 UTC to the second ("2024-05-01T10:00:00Z"). */
void carrete_json_add_string (JsonBuilder *builder, const char *name, const char *value);
void carrete_json_add_int (JsonBuilder *builder, const char *name, gint64 value);
void carrete_json_add_time (JsonBuilder *builder, const char *name, GDateTime *value);

/* Reads one object of the services' JSON into its model
 * (carrete_photo_new_from_json, carrete_photo_page_new_from_json…). */
typedef gpointer (*CarreteFromJson) (JsonObject *object, GError **error);
/* The model `from_json` reads from `node`; NOT_CARRETE when `node` is not
 * an object. */
gpointer carrete_json_read_model (JsonNode *node, CarreteFromJson from_json, GError **error);

G_END_DECLS
