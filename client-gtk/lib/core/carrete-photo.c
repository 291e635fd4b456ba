#define G_LOG_DOMAIN "carrete-photo"

#include "carrete-photo.h"
#include "carrete-api-private.h"

struct _CarretePhoto
{
  GObject parent_instance;
  char *id;
  char *owner_id;
  char *folder_id;
  char *name;
  char *content_type;
  char *sha256;
  char *state;
  char *url;
  char *thumbnail_url;
  char *preview_url;
  char *thumbnails; /* "pending", "ready", "failed" */
  gint64 size;
  int width;
  int height;
  GDateTime *taken_at;
  GDateTime *uploaded_at;
  GDateTime *updated_at;
};

G_DEFINE_FINAL_TYPE (CarretePhoto, carrete_photo, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_OWNER_ID,
  PROP_FOLDER_ID,
  PROP_NAME,
  PROP_CONTENT_TYPE,
  PROP_SHA256,
  PROP_STATE,
  PROP_URL,
  PROP_THUMBNAIL_URL,
  PROP_PREVIEW_URL,
  PROP_THUMBNAILS,
  PROP_SIZE,
  PROP_WIDTH,
  PROP_HEIGHT,
  PROP_TAKEN_AT,
  PROP_UPLOADED_AT,
  PROP_UPDATED_AT,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static void
carrete_photo_finalize (GObject *object)
{
  CarretePhoto *self = CARRETE_PHOTO (object);

  g_free (self->id);
  g_free (self->owner_id);
  g_free (self->folder_id);
  g_free (self->name);
  g_free (self->content_type);
  g_free (self->sha256);
  g_free (self->state);
  g_free (self->url);
  g_free (self->thumbnail_url);
  g_free (self->preview_url);
  g_free (self->thumbnails);
  g_clear_pointer (&self->taken_at, g_date_time_unref);
  g_clear_pointer (&self->uploaded_at, g_date_time_unref);
  g_clear_pointer (&self->updated_at, g_date_time_unref);
  G_OBJECT_CLASS (carrete_photo_parent_class)->finalize (object);
}

static void
carrete_photo_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CarretePhoto *self = CARRETE_PHOTO (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_OWNER_ID:
      g_value_set_string (value, self->owner_id);
      break;
    case PROP_FOLDER_ID:
      g_value_set_string (value, self->folder_id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_CONTENT_TYPE:
      g_value_set_string (value, self->content_type);
      break;
    case PROP_SHA256:
      g_value_set_string (value, self->sha256);
      break;
    case PROP_STATE:
      g_value_set_string (value, self->state);
      break;
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_THUMBNAIL_URL:
      g_value_set_string (value, self->thumbnail_url);
      break;
    case PROP_PREVIEW_URL:
      g_value_set_string (value, self->preview_url);
      break;
    case PROP_THUMBNAILS:
      g_value_set_string (value, self->thumbnails);
      break;
    case PROP_SIZE:
      g_value_set_int64 (value, self->size);
      break;
    case PROP_WIDTH:
      g_value_set_int (value, self->width);
      break;
    case PROP_HEIGHT:
      g_value_set_int (value, self->height);
      break;
    case PROP_TAKEN_AT:
      g_value_set_boxed (value, self->taken_at);
      break;
    case PROP_UPLOADED_AT:
      g_value_set_boxed (value, self->uploaded_at);
      break;
    case PROP_UPDATED_AT:
      g_value_set_boxed (value, self->updated_at);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
carrete_photo_class_init (CarretePhotoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = carrete_photo_finalize;
  object_class->get_property = carrete_photo_get_property;
  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_OWNER_ID] = g_param_spec_string ("owner-id", NULL, NULL, NULL, flags);
  properties[PROP_FOLDER_ID] = g_param_spec_string ("folder-id", NULL, NULL, NULL, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_CONTENT_TYPE] = g_param_spec_string ("content-type", NULL, NULL, NULL, flags);
  properties[PROP_SHA256] = g_param_spec_string ("sha256", NULL, NULL, NULL, flags);
  properties[PROP_STATE] = g_param_spec_string ("state", NULL, NULL, NULL, flags);
  properties[PROP_URL] = g_param_spec_string ("url", NULL, NULL, NULL, flags);
  properties[PROP_THUMBNAIL_URL] = g_param_spec_string ("thumbnail-url", NULL, NULL, NULL, flags);
  properties[PROP_PREVIEW_URL] = g_param_spec_string ("preview-url", NULL, NULL, NULL, flags);
  properties[PROP_THUMBNAILS] = g_param_spec_string ("thumbnails", NULL, NULL, NULL, flags);
  properties[PROP_SIZE] = g_param_spec_int64 ("size", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_WIDTH] = g_param_spec_int ("width", NULL, NULL, 0, G_MAXINT, 0, flags);
  properties[PROP_HEIGHT] = g_param_spec_int ("height", NULL, NULL, 0, G_MAXINT, 0, flags);
  properties[PROP_TAKEN_AT] =
    g_param_spec_boxed ("taken-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_UPLOADED_AT] =
    g_param_spec_boxed ("uploaded-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_UPDATED_AT] =
    g_param_spec_boxed ("updated-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
carrete_photo_init (CarretePhoto *self)
{
}

CarretePhoto *
carrete_photo_new_from_json (JsonObject *object, GError **error)
{
  static const char *const required[] = { "id", "name", NULL };
  CarretePhoto *self;

  if (!_carrete_json_require (object, required, "photo", error))
    return NULL;
  self = g_object_new (CARRETE_TYPE_PHOTO, NULL);
  self->id = g_strdup (carrete_json_get_string (object, "id"));
  self->owner_id = g_strdup (carrete_json_get_string (object, "owner_id"));
  self->folder_id = g_strdup (carrete_json_get_string (object, "folder_id"));
  self->name = g_strdup (carrete_json_get_string (object, "name"));
  self->content_type = g_strdup (carrete_json_get_string (object, "content_type"));
  self->sha256 = g_strdup (carrete_json_get_string (object, "sha256"));
  self->state = g_strdup (carrete_json_get_string (object, "state"));
  self->url = g_strdup (carrete_json_get_string (object, "url"));
  self->thumbnail_url = g_strdup (carrete_json_get_string (object, "thumbnail_url"));
  self->preview_url = g_strdup (carrete_json_get_string (object, "preview_url"));
  self->thumbnails = g_strdup (carrete_json_get_string (object, "thumbnails"));
  self->size = (gint64) carrete_json_get_int (object, "size", 0);
  self->width = (int) carrete_json_get_int (object, "width", 0);
  self->height = (int) carrete_json_get_int (object, "height", 0);
  self->taken_at = carrete_json_get_time (object, "taken_at");
  self->uploaded_at = carrete_json_get_time (object, "uploaded_at");
  self->updated_at = carrete_json_get_time (object, "updated_at");
  return self;
}

const char *
carrete_photo_get_id (CarretePhoto *self)
{
  g_return_val_if_fail (CARRETE_IS_PHOTO (self), NULL);
  return self->id;
}

const char *
carrete_photo_get_owner_id (CarretePhoto *self)
{
  g_return_val_if_fail (CARRETE_IS_PHOTO (self), NULL);
  return self->owner_id;
}

const char *
carrete_photo_get_folder_id (CarretePhoto *self)
{
  g_return_val_if_fail (CARRETE_IS_PHOTO (self), NULL);
  return self->folder_id;
}

const char *
carrete_photo_get_name (CarretePhoto *self)
{
  g_return_val_if_fail (CARRETE_IS_PHOTO (self), NULL);
  return self->name;
}

const char *
carrete_photo_get_content_type (CarretePhoto *self)
{
  g_return_val_if_fail (CARRETE_IS_PHOTO (self), NULL);
  return self->content_type;
}

const char *
carrete_photo_get_sha256 (CarretePhoto *self)
{
  g_return_val_if_fail (CARRETE_IS_PHOTO (self), NULL);
  return self->sha256;
}

const char *
carrete_photo_get_state (CarretePhoto *self)
{
  g_return_val_if_fail (CARRETE_IS_PHOTO (self), NULL);
  return self->state;
}

const char *
carrete_photo_get_url (CarretePhoto *self)
{
  g_return_val_if_fail (CARRETE_IS_PHOTO (self), NULL);
  return self->url;
}

const char *
carrete_photo_get_thumbnail_url (CarretePhoto *self)
{
  g_return_val_if_fail (CARRETE_IS_PHOTO (self), NULL);
  return self->thumbnail_url;
}

const char *
carrete_photo_get_preview_url (CarretePhoto *self)
{
  g_return_val_if_fail (CARRETE_IS_PHOTO (self), NULL);
  return self->preview_url;
}

gint64
carrete_photo_get_size (CarretePhoto *self)
{
  g_return_val_if_fail (CARRETE_IS_PHOTO (self), 0);
  return self->size;
}

int
carrete_photo_get_width (CarretePhoto *self)
{
  g_return_val_if_fail (CARRETE_IS_PHOTO (self), 0);
  return self->width;
}

int
carrete_photo_get_height (CarretePhoto *self)
{
  g_return_val_if_fail (CARRETE_IS_PHOTO (self), 0);
  return self->height;
}

GDateTime *
carrete_photo_get_taken_at (CarretePhoto *self)
{
  g_return_val_if_fail (CARRETE_IS_PHOTO (self), NULL);
  return self->taken_at;
}

GDateTime *
carrete_photo_get_uploaded_at (CarretePhoto *self)
{
  g_return_val_if_fail (CARRETE_IS_PHOTO (self), NULL);
  return self->uploaded_at;
}

GDateTime *
carrete_photo_get_updated_at (CarretePhoto *self)
{
  g_return_val_if_fail (CARRETE_IS_PHOTO (self), NULL);
  return self->updated_at;
}

/* "pending" (the service is still making them: ask again later), "ready"
 * or "failed" (the image has no preview).  A service older than the
 * thumbnails job says nothing: then a thumbnail URL means ready. */
const char *
carrete_photo_get_thumbnails (CarretePhoto *self)
{
  g_return_val_if_fail (CARRETE_IS_PHOTO (self), NULL);
  if (self->thumbnails != NULL)
    return self->thumbnails;
  return self->thumbnail_url != NULL ? "ready" : "pending";
}
