#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "carrete-problem.h"

G_BEGIN_DECLS

/* Declarative validation of JSON request bodies: each route lists its fields
 * and this module refuses everything else with the field named. */
typedef enum
{
  CARRETE_FIELD_STRING,
  CARRETE_FIELD_INT,
  CARRETE_FIELD_BOOL,
  CARRETE_FIELD_STRING_ARRAY,
  CARRETE_FIELD_NULLABLE_STRING,
} CarreteFieldType;

typedef struct
{
  const char *name;
  CarreteFieldType type;
  gboolean required;
  guint min_len; /* characters for strings, items for arrays */
  guint max_len;
} CarreteFieldSpec;


/* Parses `body` as one JSON object whose members are all described by
 * `specs`.  On failure returns NULL and sets *problem: 400 for bytes that are
 * not a JSON object, 422 naming each offending field otherwise. */
JsonObject *carrete_json_body_parse (GBytes *body, const CarreteFieldSpec *specs, guint n_specs,
                                     CarreteProblem **problem);

/* A string member of a parsed body, or NULL when it is absent. */
const char *carrete_json_body_get_string (JsonObject *body, const char *name);
gboolean carrete_json_node_is_integer (JsonNode *node);

G_END_DECLS
