#include "carrete-caller.h"

#include <string.h>

/* Appends `text` (or nothing for NULL) at `*cursor`; returns where it went. */
static const char *
append (char **cursor, const char *text)
{
  char *at = *cursor;
  gsize len;

  if (text == NULL)
    return NULL;
  len = strlen (text) + 1;
  memcpy (at, text, len);
  *cursor += len;
  return at;
}

static gsize
size_of (const char *text)
{
  return text != NULL ? strlen (text) + 1 : 0;
}

CarreteCaller *
carrete_caller_dup (const CarreteCaller *caller)
{
  gsize size = sizeof (CarreteCaller) + size_of (caller->role) + size_of (caller->token)
               + size_of (caller->request_id);
  CarreteCaller *copy = g_malloc (size);
  char *cursor = (char *) (copy + 1);

  copy->id = caller->id;
  copy->role = append (&cursor, caller->role);
  copy->token = append (&cursor, caller->token);
  copy->request_id = append (&cursor, caller->request_id);
  return copy;
}
