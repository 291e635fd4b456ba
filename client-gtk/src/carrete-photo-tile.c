#define G_LOG_DOMAIN "carrete-photo-tile"

#include <glib/gi18n.h>

#include "carrete-client-lib.h"
#include "carrete-photo-tile.h"
#include "carrete-thumbnail-loader.h"

struct _CarretePhotoTile
{
  GtkWidget parent_instance;

  GtkPicture *picture;
  /* A still icon, not a spinner, until the thumbnail comes: hundreds of
   * spinners animating while a drop uploads would redraw every frame. */
  GtkImage *placeholder;
  gboolean no_preview; /* the service could not make a thumbnail */

  CarreteThumbnailLoader *loader;
  CarretePhoto *photo;
  GCancellable *cancellable; /* the load for `photo` */
};

G_DEFINE_FINAL_TYPE (CarretePhotoTile, carrete_photo_tile, GTK_TYPE_WIDGET)

static void
show_texture (CarretePhotoTile *self, GdkTexture *texture)
{
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
  gtk_widget_set_visible (GTK_WIDGET (self->placeholder), FALSE);
}

/* The image could not be read by the service: no thumbnail will come. */
static void
show_no_preview (CarretePhotoTile *self)
{
  self->no_preview = TRUE;
  gtk_image_set_from_icon_name (self->placeholder, "image-missing-symbolic");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->placeholder),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("No preview"), -1);
  gtk_widget_set_visible (GTK_WIDGET (self->placeholder), TRUE);
  gtk_picture_set_paintable (self->picture, NULL);
}

static void
loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(CarretePhotoTile) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  texture = carrete_thumbnail_loader_load_finish (CARRETE_THUMBNAIL_LOADER (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    {
      show_no_preview (self);
      return;
    }
  if (texture == NULL)
    {
      /* A broken or missing thumbnail: an icon, and the next bind retries. */
      g_debug ("No thumbnail: %s", error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->placeholder), TRUE);
      gtk_picture_set_paintable (self->picture, NULL);
      return;
    }
  show_texture (self, texture);
}

static void
cancel_load (CarretePhotoTile *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
}

void
carrete_photo_tile_set_photo (CarretePhotoTile *self, CarretePhoto *photo)
{
  g_autoptr(GdkTexture) texture = NULL;

  g_return_if_fail (CARRETE_IS_PHOTO_TILE (self));

  cancel_load (self);
  g_set_object (&self->photo, photo);
  gtk_picture_set_paintable (self->picture, NULL);
  /* Until told otherwise, a thumbnail is on its way (while the service
   * makes it, the loader asks for the photo again). */
  self->no_preview = FALSE;
  gtk_image_set_from_icon_name (self->placeholder, "image-x-generic-symbolic");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->placeholder),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Preparing the preview…"), -1);
  if (photo == NULL)
    return;

  texture = carrete_thumbnail_loader_lookup (self->loader, photo);
  if (texture != NULL)
    {
      show_texture (self, texture);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->placeholder), TRUE);
  self->cancellable = g_cancellable_new ();
  carrete_thumbnail_loader_load_async (self->loader, photo, self->cancellable, loaded_cb,
                                       g_object_ref (self));
}

CarretePhoto *
carrete_photo_tile_get_photo (CarretePhotoTile *self)
{
  g_return_val_if_fail (CARRETE_IS_PHOTO_TILE (self), NULL);
  return self->photo;
}

gboolean
carrete_photo_tile_has_thumbnail (CarretePhotoTile *self)
{
  g_return_val_if_fail (CARRETE_IS_PHOTO_TILE (self), FALSE);
  return gtk_picture_get_paintable (self->picture) != NULL;
}

gboolean
carrete_photo_tile_has_no_preview (CarretePhotoTile *self)
{
  g_return_val_if_fail (CARRETE_IS_PHOTO_TILE (self), FALSE);
  return self->no_preview;
}

/* The name as a tooltip, asked for only when one is about to show: setting
 * it with gtk_widget_set_tooltip_text() on every bind made GTK query the
 * pointer (a synchronous X round trip) for each tile that a prepended
 * upload shifted, which stalled the main loop for up to 200 ms. */
static gboolean
on_query_tooltip (GtkWidget *widget, int x, int y, gboolean keyboard, GtkTooltip *tooltip,
                  gpointer user_data)
{
  CarretePhotoTile *self = CARRETE_PHOTO_TILE (widget);
  const char *name = self->photo != NULL ? carrete_photo_get_name (self->photo) : NULL;

  if (name == NULL || *name == '\0')
    return FALSE;
  if (self->no_preview)
    {
      g_autofree char *text = g_strdup_printf ("%s\n%s", name, _("No preview"));
      gtk_tooltip_set_text (tooltip, text);
      return TRUE;
    }
  gtk_tooltip_set_text (tooltip, name);
  return TRUE;
}

static void
carrete_photo_tile_dispose (GObject *object)
{
  CarretePhotoTile *self = CARRETE_PHOTO_TILE (object);

  cancel_load (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CARRETE_TYPE_PHOTO_TILE);
  /* The template's top-level box is not bound, so it is not unparented
   * by dispose_template (GTK 4.8). */
  {
    GtkWidget *child;
    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
      gtk_widget_unparent (child);
  }
  G_OBJECT_CLASS (carrete_photo_tile_parent_class)->dispose (object);
}

static void
carrete_photo_tile_finalize (GObject *object)
{
  CarretePhotoTile *self = CARRETE_PHOTO_TILE (object);

  g_clear_object (&self->photo);
  g_clear_object (&self->loader);
  G_OBJECT_CLASS (carrete_photo_tile_parent_class)->finalize (object);
}

static void
carrete_photo_tile_class_init (CarretePhotoTileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = carrete_photo_tile_dispose;
  object_class->finalize = carrete_photo_tile_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/carrete/Desktop/carrete-photo-tile.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "carrete-photo-tile");
  gtk_widget_class_bind_template_child (widget_class, CarretePhotoTile, picture);
  gtk_widget_class_bind_template_child (widget_class, CarretePhotoTile, placeholder);
}

static void
carrete_photo_tile_init (CarretePhotoTile *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), NULL);
}

CarretePhotoTile *
carrete_photo_tile_new (CarreteThumbnailLoader *loader)
{
  CarretePhotoTile *self = g_object_new (CARRETE_TYPE_PHOTO_TILE, NULL);

  self->loader = g_object_ref (loader);
  return self;
}
