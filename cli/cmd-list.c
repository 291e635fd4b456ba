/* carrete folders / carrete ls: tables for people, --json for scripts. */

#define G_LOG_DOMAIN "carrete-cli"

#include <stdio.h>

#include "cli-commands.h"
#include "cli-listing.h"

static void
folder_to_json (JsonBuilder *builder, CarreteFolder *folder)
{
  const char *const *tags = carrete_folder_get_tags (folder);

  json_builder_begin_object (builder);
  carrete_json_add_string (builder, "id", carrete_folder_get_id (folder));
  carrete_json_add_string (builder, "name", carrete_folder_get_name (folder));
  carrete_json_add_string (builder, "visibility", carrete_folder_get_visibility (folder));
  json_builder_set_member_name (builder, "tags");
  json_builder_begin_array (builder);
  for (gsize i = 0; tags[i] != NULL; i++)
    json_builder_add_string_value (builder, tags[i]);
  json_builder_end_array (builder);
  carrete_json_add_time (builder, "created_at", carrete_folder_get_created_at (folder));
  json_builder_end_object (builder);
}

static void
photo_to_json (JsonBuilder *builder, CarretePhoto *photo)
{
  json_builder_begin_object (builder);
  carrete_json_add_string (builder, "id", carrete_photo_get_id (photo));
  carrete_json_add_string (builder, "name", carrete_photo_get_name (photo));
  carrete_json_add_string (builder, "folder_id", carrete_photo_get_folder_id (photo));
  carrete_json_add_string (builder, "content_type", carrete_photo_get_content_type (photo));
  carrete_json_add_int (builder, "size", carrete_photo_get_size (photo));
  carrete_json_add_string (builder, "sha256", carrete_photo_get_sha256 (photo));
  carrete_json_add_string (builder, "state", carrete_photo_get_state (photo));
  carrete_json_add_time (builder, "taken_at", carrete_photo_get_taken_at (photo));
  carrete_json_add_time (builder, "uploaded_at", carrete_photo_get_uploaded_at (photo));
  json_builder_end_object (builder);
}

static void
print_folders (GPtrArray *folders)
{
  printf ("%-26s  %-8s  %-24s  %s\n", "ID", "VISIBLE", "TAGS", "NAME");
  for (guint i = 0; i < folders->len; i++)
    {
      CarreteFolder *folder = g_ptr_array_index (folders, i);
      g_autofree char *tags = g_strjoinv (",", (char **) carrete_folder_get_tags (folder));

      printf ("%-26s  %-8s  %-24s  %s\n", carrete_folder_get_id (folder),
              carrete_folder_get_visibility (folder), tags, carrete_folder_get_name (folder));
    }
}

static void
print_photos (GPtrArray *photos)
{
  printf ("%-26s  %10s  %-20s  %s\n", "ID", "BYTES", "TAKEN", "NAME");
  for (guint i = 0; i < photos->len; i++)
    {
      CarretePhoto *photo = g_ptr_array_index (photos, i);
      GDateTime *taken = carrete_photo_get_taken_at (photo);
      g_autofree char *when
          = cli_format_time (taken != NULL ? taken : carrete_photo_get_uploaded_at (photo));

      printf ("%-26s  %10" G_GINT64_FORMAT "  %-20s  %s\n", carrete_photo_get_id (photo),
              carrete_photo_get_size (photo), when != NULL ? when : "-",
              carrete_photo_get_name (photo));
    }
}

int
cli_cmd_folders (CarreteCommand *cli, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) folders = NULL;
  int status;

  if (!cli_parse (cli, NULL, "List your folders (every page).", NULL, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (argc > 1)
    return cli_error (cli, CLI_EXIT_USAGE, "unexpected argument “%s”", argv[1]);
  if ((status = cli_connect (cli)) != CLI_EXIT_OK)
    return status;
  folders = cli_list_all_folders (cli, &error);
  if (folders == NULL)
    return cli_fail (cli, error, "listing the folders");
  if (cli->json)
    cli_print_json_array (folders, (CliItemToJson) folder_to_json);
  else
    print_folders (folders);
  return CLI_EXIT_OK;
}

int
cli_cmd_ls (CarreteCommand *cli, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) photos = NULL;
  g_autoptr (CarreteFolder) folder = NULL;
  int status;

  if (!cli_parse (cli, "[FOLDER]",
                  "List the photos of FOLDER (a name or an id), or all of "
                  "yours (every page).",
                  NULL, &argc, &argv))
    return CLI_EXIT_USAGE;
  if (argc > 2)
    return cli_error (cli, CLI_EXIT_USAGE, "unexpected argument “%s”", argv[2]);
  if ((status = cli_connect (cli)) != CLI_EXIT_OK)
    return status;
  if (argc == 2 && (status = cli_resolve_folder (cli, argv[1], &folder)) != CLI_EXIT_OK)
    return status;
  photos
      = cli_list_all_photos (cli, folder != NULL ? carrete_folder_get_id (folder) : NULL, &error);
  if (photos == NULL)
    return cli_fail (cli, error, "listing the photos");
  if (cli->json)
    cli_print_json_array (photos, (CliItemToJson) photo_to_json);
  else
    print_photos (photos);
  return CLI_EXIT_OK;
}
