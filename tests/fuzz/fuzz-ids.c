/* carrete_ids_decode for every type; a decoded id must encode back to the
 * very same text, and an encoded value must decode back to itself. */
#include "carrete-ids.h"
#include "fuzz-common.h"

static CarreteIds *ids;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  CarreteIdKey key;

  FUZZ_SET_UP_ID_KEY (&key);
  ids = carrete_ids_new (&key);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *text = fuzz_strdup (data, size);

  for (CarreteIdType type = 0; type < CARRETE_ID_N_TYPES; type++)
    {
      gint64 value = 0;

      if (carrete_ids_decode (ids, type, text, &value))
        {
          char *again = carrete_ids_encode (ids, type, value);

          FUZZ_CHECK (value > 0);
          FUZZ_CHECK (again != NULL && strcmp (again, text) == 0);
          /* An id of one type never decodes as another. */
          for (CarreteIdType other = 0; other < CARRETE_ID_N_TYPES; other++)
            {
              gint64 other_value = 0;
              if (other != type)
                FUZZ_CHECK (!carrete_ids_decode (ids, other, text, &other_value));
            }
          g_free (again);
        }
    }

  /* The other direction, with the first eight bytes as the row id. */
  if (size >= sizeof (guint64))
    {
      guint64 raw;
      gint64 value;

      memcpy (&raw, data, sizeof raw);
      value = (gint64) (raw & G_MAXINT64);
      if (value > 0)
        for (CarreteIdType type = 0; type < CARRETE_ID_N_TYPES; type++)
          {
            char *encoded = carrete_ids_encode (ids, type, value);
            gint64 decoded = 0;

            FUZZ_CHECK (encoded != NULL && strlen (encoded) == CARRETE_ID_STRING_LEN);
            FUZZ_CHECK (carrete_ids_decode (ids, type, encoded, &decoded));
            FUZZ_CHECK (decoded == value);
            FUZZ_CHECK (carrete_ids_unpermute (ids, type, carrete_ids_permute (ids, type, raw))
                        == raw);
            g_free (encoded);
          }
    }
  g_free (text);
  return 0;
}
