#define G_LOG_DOMAIN "carrete-slice-stream"

#include "carrete-slice-stream.h"

/* A GFilterInputStream that ends after `length` bytes of its base stream:
 * libsoup sends a request body until its stream ends, so a part of a file
 * (a resumable upload's part) needs a stream that ends where the part does. */

struct _CarreteSliceStream
{
  GFilterInputStream parent_instance;
  guint64 remaining;
};

G_DEFINE_FINAL_TYPE (CarreteSliceStream, carrete_slice_stream, G_TYPE_FILTER_INPUT_STREAM)

static GInputStream *
base_of (GInputStream *stream)
{
  return g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (stream));
}

static gssize
slice_read (GInputStream *stream, void *buffer, gsize count, GCancellable *cancellable,
            GError **error)
{
  CarreteSliceStream *self = CARRETE_SLICE_STREAM (stream);
  gssize n;

  count = (gsize) MIN ((guint64) count, self->remaining);
  if (count == 0)
    return 0;
  n = g_input_stream_read (base_of (stream), buffer, count, cancellable, error);
  if (n > 0)
    self->remaining -= (guint64) n;
  return n;
}

static void
on_base_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  CarreteSliceStream *self = g_task_get_source_object (task);
  GError *error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  if (n < 0)
    {
      g_task_return_error (task, error);
      return;
    }
  self->remaining -= (guint64) n;
  g_task_return_int (task, n);
}

static void
slice_read_async (GInputStream *stream, void *buffer, gsize count, int io_priority,
                  GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  CarreteSliceStream *self = CARRETE_SLICE_STREAM (stream);
  GTask *task = g_task_new (stream, cancellable, callback, user_data);

  g_task_set_source_tag (task, slice_read_async);
  count = (gsize) MIN ((guint64) count, self->remaining);
  if (count == 0)
    {
      g_task_return_int (task, 0);
      g_object_unref (task);
      return;
    }
  g_input_stream_read_async (base_of (stream), buffer, count, io_priority, cancellable,
                             on_base_read, task);
}

static gssize
slice_read_finish (GInputStream *stream, GAsyncResult *result, GError **error)
{
  return g_task_propagate_int (G_TASK (result), error);
}

static void
carrete_slice_stream_class_init (CarreteSliceStreamClass *klass)
{
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  stream_class->read_fn = slice_read;
  stream_class->read_async = slice_read_async;
  stream_class->read_finish = slice_read_finish;
}

static void
carrete_slice_stream_init (CarreteSliceStream *self)
{
}

GInputStream *
carrete_slice_stream_new (GInputStream *base, guint64 length)
{
  CarreteSliceStream *self;

  g_return_val_if_fail (G_IS_INPUT_STREAM (base), NULL);
  self = g_object_new (CARRETE_TYPE_SLICE_STREAM, "base-stream", base, NULL);
  self->remaining = length;
  return G_INPUT_STREAM (self);
}
