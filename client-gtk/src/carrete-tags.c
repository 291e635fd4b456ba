#define G_LOG_DOMAIN "carrete-tags"

#include "carrete-tags.h"

char **
carrete_split_tags (const char *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) parts = g_strsplit (text != NULL ? text : "", ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *tag = g_strstrip (parts[i]);
      if (*tag != '\0')
        g_strv_builder_add (builder, tag);
    }
  return g_strv_builder_end (builder);
}
