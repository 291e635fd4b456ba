#define G_LOG_DOMAIN "carrete-quota-body"

#include "carrete-quota-body.h"

#include "carrete-json-body.h"
#include "carrete-quota-error.h"

static const CarreteFieldSpec quota_fields[] = {
  { "quota_bytes", CARRETE_FIELD_INT, TRUE, 0, 0 },
};

gboolean
carrete_request_read_quota (CarreteRequest *req, gint64 *quota_bytes)
{
  g_autoptr (JsonObject) body
      = carrete_request_parse_body (req, quota_fields, G_N_ELEMENTS (quota_fields));

  if (body == NULL)
    return FALSE;
  *quota_bytes = json_object_get_int_member (body, "quota_bytes");
  if (!CARRETE_QUOTA_IN_RANGE (*quota_bytes))
    {
      carrete_request_respond_field (req, 422, "quota_bytes", CARRETE_QUOTA_RANGE_RULE);
      return FALSE;
    }
  return TRUE;
}
