#define G_LOG_DOMAIN "carrete-upload"

#include "carrete-upload.h"
#include "carrete-client-error.h"
#include "carrete-photo.h"
#include "carrete-upload-private.h"
#include "carrete-upload-record.h"

struct _CarreteUpload
{
  GObject parent_instance;
  GFile *file;
  char *name;
  char *folder_id;
  CarreteUploadState state;
  guint64 bytes_sent;
  guint64 bytes_total;
  GError *error;
  CarretePhoto *photo;
  GCancellable *cancellable;
  CarreteUploadRecord *record; /* a resumable upload the server has begun */
  gboolean resumed;            /* from a record of an earlier run */
  gboolean keep_on_cancel;
};

G_DEFINE_FINAL_TYPE (CarreteUpload, carrete_upload, G_TYPE_OBJECT)
G_DEFINE_ENUM_TYPE (CarreteUploadState, carrete_upload_state,
                    G_DEFINE_ENUM_VALUE (CARRETE_UPLOAD_QUEUED, "queued"),
                    G_DEFINE_ENUM_VALUE (CARRETE_UPLOAD_UPLOADING, "uploading"),
                    G_DEFINE_ENUM_VALUE (CARRETE_UPLOAD_COMPLETING, "completing"),
                    G_DEFINE_ENUM_VALUE (CARRETE_UPLOAD_DONE, "done"),
                    G_DEFINE_ENUM_VALUE (CARRETE_UPLOAD_FAILED, "failed"),
                    G_DEFINE_ENUM_VALUE (CARRETE_UPLOAD_CANCELLED, "cancelled"))

enum
{
  PROP_0,
  PROP_FILE,
  PROP_NAME,
  PROP_FOLDER_ID,
  PROP_STATE,
  PROP_BYTES_SENT,
  PROP_BYTES_TOTAL,
  PROP_FRACTION,
  PROP_ERROR,
  PROP_PHOTO,
  PROP_EXISTING_ID,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static void
carrete_upload_finalize (GObject *object)
{
  CarreteUpload *self = CARRETE_UPLOAD (object);

  g_clear_object (&self->file);
  g_free (self->name);
  g_free (self->folder_id);
  g_clear_error (&self->error);
  g_clear_object (&self->photo);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->record, carrete_upload_record_free);
  G_OBJECT_CLASS (carrete_upload_parent_class)->finalize (object);
}

static void
carrete_upload_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CarreteUpload *self = CARRETE_UPLOAD (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_FOLDER_ID:
      g_value_set_string (value, self->folder_id);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_BYTES_SENT:
      g_value_set_uint64 (value, self->bytes_sent);
      break;
    case PROP_BYTES_TOTAL:
      g_value_set_uint64 (value, self->bytes_total);
      break;
    case PROP_FRACTION:
      g_value_set_double (value, carrete_upload_get_fraction (self));
      break;
    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;
    case PROP_PHOTO:
      g_value_set_object (value, self->photo);
      break;
    case PROP_EXISTING_ID:
      g_value_set_string (value, carrete_upload_get_existing_id (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
carrete_upload_class_init (CarreteUploadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = carrete_upload_finalize;
  object_class->get_property = carrete_upload_get_property;
  properties[PROP_FILE] = g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_FOLDER_ID] = g_param_spec_string ("folder-id", NULL, NULL, NULL, flags);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, CARRETE_TYPE_UPLOAD_STATE,
                                              CARRETE_UPLOAD_QUEUED, flags);
  properties[PROP_BYTES_SENT] = g_param_spec_uint64 ("bytes-sent", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_BYTES_TOTAL] = g_param_spec_uint64 ("bytes-total", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_FRACTION] = g_param_spec_double ("fraction", NULL, NULL, 0, 1, 0, flags);
  properties[PROP_ERROR] = g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR, flags);
  properties[PROP_PHOTO] = g_param_spec_object ("photo", NULL, NULL, CARRETE_TYPE_PHOTO, flags);
  properties[PROP_EXISTING_ID] = g_param_spec_string ("existing-id", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
carrete_upload_init (CarreteUpload *self)
{
  self->cancellable = g_cancellable_new ();
}

CarreteUpload *
carrete_upload_new (GFile *file, const char *folder_id)
{
  CarreteUpload *self;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  self = g_object_new (CARRETE_TYPE_UPLOAD, NULL);
  self->file = g_object_ref (file);
  self->name = g_file_get_basename (file);
  self->folder_id = g_strdup (folder_id);
  return self;
}

CarreteUpload *
_carrete_upload_new_resumed (const CarreteUploadRecord *record)
{
  g_autoptr (GFile) file = g_file_new_for_path (record->path);
  CarreteUpload *self = carrete_upload_new (file, record->folder_id);

  self->record = carrete_upload_record_copy (record);
  self->resumed = TRUE;
  return self;
}

GFile *
carrete_upload_get_file (CarreteUpload *self)
{
  g_return_val_if_fail (CARRETE_IS_UPLOAD (self), NULL);
  return self->file;
}

const char *
carrete_upload_get_name (CarreteUpload *self)
{
  g_return_val_if_fail (CARRETE_IS_UPLOAD (self), NULL);
  return self->name;
}

const char *
carrete_upload_get_folder_id (CarreteUpload *self)
{
  g_return_val_if_fail (CARRETE_IS_UPLOAD (self), NULL);
  return self->folder_id;
}

CarreteUploadState
carrete_upload_get_state (CarreteUpload *self)
{
  g_return_val_if_fail (CARRETE_IS_UPLOAD (self), CARRETE_UPLOAD_QUEUED);
  return self->state;
}

guint64
carrete_upload_get_bytes_sent (CarreteUpload *self)
{
  g_return_val_if_fail (CARRETE_IS_UPLOAD (self), 0);
  return self->bytes_sent;
}

guint64
carrete_upload_get_bytes_total (CarreteUpload *self)
{
  g_return_val_if_fail (CARRETE_IS_UPLOAD (self), 0);
  return self->bytes_total;
}

double
carrete_upload_get_fraction (CarreteUpload *self)
{
  g_return_val_if_fail (CARRETE_IS_UPLOAD (self), 0);
  if (self->state == CARRETE_UPLOAD_DONE)
    return 1.0;
  if (self->bytes_total == 0)
    return 0.0;
  return MIN (1.0, (double) self->bytes_sent / (double) self->bytes_total);
}

const GError *
carrete_upload_get_error (CarreteUpload *self)
{
  g_return_val_if_fail (CARRETE_IS_UPLOAD (self), NULL);
  return self->error;
}

CarretePhoto *
carrete_upload_get_photo (CarreteUpload *self)
{
  g_return_val_if_fail (CARRETE_IS_UPLOAD (self), NULL);
  return self->photo;
}

const char *
carrete_upload_get_existing_id (CarreteUpload *self)
{
  g_return_val_if_fail (CARRETE_IS_UPLOAD (self), NULL);
  return carrete_client_error_get_existing_id (self->error);
}

gboolean
carrete_upload_get_resumed (CarreteUpload *self)
{
  g_return_val_if_fail (CARRETE_IS_UPLOAD (self), FALSE);
  return self->resumed;
}

gboolean
carrete_upload_is_finished (CarreteUpload *self)
{
  g_return_val_if_fail (CARRETE_IS_UPLOAD (self), FALSE);
  return self->state == CARRETE_UPLOAD_DONE || self->state == CARRETE_UPLOAD_FAILED
         || self->state == CARRETE_UPLOAD_CANCELLED;
}

/* ---- private --------------------------------------------------------------------------- */

static void
notify_progress (CarreteUpload *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_SENT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
}

void
_carrete_upload_set_state (CarreteUpload *self, CarreteUploadState state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
}

void
_carrete_upload_set_total (CarreteUpload *self, guint64 bytes_total)
{
  if (self->bytes_total == bytes_total)
    return;
  self->bytes_total = bytes_total;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_TOTAL]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
}

void
_carrete_upload_reset_progress (CarreteUpload *self)
{
  if (self->bytes_sent == 0)
    return;
  self->bytes_sent = 0;
  notify_progress (self);
}

void
_carrete_upload_add_sent (CarreteUpload *self, guint64 bytes)
{
  self->bytes_sent += bytes;
  notify_progress (self);
}

void
_carrete_upload_take_back (CarreteUpload *self, guint64 bytes)
{
  if (bytes == 0)
    return;
  self->bytes_sent -= MIN (bytes, self->bytes_sent);
  notify_progress (self);
}

void
_carrete_upload_fail (CarreteUpload *self, GError *error)
{
  gboolean cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_clear_error (&self->error);
  if (cancelled)
    g_error_free (error);
  else
    self->error = error;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXISTING_ID]);
  _carrete_upload_set_state (self, cancelled ? CARRETE_UPLOAD_CANCELLED : CARRETE_UPLOAD_FAILED);
}

void
_carrete_upload_succeed (CarreteUpload *self, CarretePhoto *photo)
{
  g_set_object (&self->photo, photo);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PHOTO]);
  _carrete_upload_set_state (self, CARRETE_UPLOAD_DONE);
}

GCancellable *
_carrete_upload_get_cancellable (CarreteUpload *self)
{
  return self->cancellable;
}

const CarreteUploadRecord *
_carrete_upload_get_record (CarreteUpload *self)
{
  return self->record;
}

void
_carrete_upload_set_record (CarreteUpload *self, const CarreteUploadRecord *record)
{
  if (record == self->record)
    return;
  g_clear_pointer (&self->record, carrete_upload_record_free);
  if (record != NULL)
    self->record = carrete_upload_record_copy (record);
}

gboolean
_carrete_upload_get_keep_on_cancel (CarreteUpload *self)
{
  return self->keep_on_cancel;
}

void
_carrete_upload_set_keep_on_cancel (CarreteUpload *self, gboolean keep)
{
  self->keep_on_cancel = keep;
}

/* A retry starts from nothing: a fresh cancellable, no error, no bytes. */
void
_carrete_upload_new_run (CarreteUpload *self)
{
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->keep_on_cancel = FALSE;
  if (self->error != NULL)
    {
      g_clear_error (&self->error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXISTING_ID]);
    }
  _carrete_upload_reset_progress (self);
  _carrete_upload_set_state (self, CARRETE_UPLOAD_QUEUED);
}
