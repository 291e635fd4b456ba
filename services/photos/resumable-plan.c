#define G_LOG_DOMAIN "carrete-photos-resumable"

#include "resumable-plan.h"

#include <string.h>

#include "carrete-error.h"

#define MIB (1024 * 1024)

guint64
photos_resumable_part_size (guint64 size)
{
  guint64 needed = size / CARRETE_STORAGE_MAX_PARTS + (size % CARRETE_STORAGE_MAX_PARTS != 0);
  guint64 part = MAX ((guint64) PHOTOS_RESUMABLE_MIN_PART, needed);

  return (part + MIB - 1) / MIB * MIB;
}

guint
photos_resumable_part_count (guint64 size, guint64 part_size)
{
  return (guint) (size / part_size + (size % part_size != 0));
}

guint64
photos_resumable_part_length (guint64 size, guint64 part_size, guint number)
{
  guint64 start = (guint64) (number - 1) * part_size;

  return start >= size ? 0 : MIN (part_size, size - start);
}

void
photos_listed_part_clear (PhotosListedPart *part)
{
  g_clear_pointer (&part->etag, g_free);
}

static gboolean bad (guint number, guint *bad_part, GError **error, const char *format, ...)
    G_GNUC_PRINTF (4, 5);

static gboolean
bad (guint number, guint *bad_part, GError **error, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  *bad_part = number;
  g_set_error_literal (error, CARRETE_ERROR, CARRETE_ERROR_INVALID, message);
  return FALSE;
}

static const CarreteUploadPart *
held_part (GPtrArray *held, guint number)
{
  for (guint i = 0; i < held->len; i++)
    if (((const CarreteUploadPart *) held->pdata[i])->number == number)
      return held->pdata[i];
  return NULL;
}

/* The listed part of each number, or a duplicate/out-of-range one. */
static gboolean
index_listed (GArray *listed, guint count, const PhotosListedPart **by_number, guint *bad_part,
              GError **error)
{
  for (guint i = 0; i < listed->len; i++)
    {
      const PhotosListedPart *part = &g_array_index (listed, PhotosListedPart, i);

      if (part->number < 1 || part->number > count)
        return bad (part->number, bad_part, error,
                    "Part %u is not a part of this upload (1 to %u).", part->number, count);
      if (by_number[part->number - 1] != NULL)
        return bad (part->number, bad_part, error, "Part %u is listed twice.", part->number);
      by_number[part->number - 1] = part;
    }
  return TRUE;
}

gboolean
photos_resumable_check_parts (guint64 size, guint64 part_size, GArray *listed, GPtrArray *held,
                              guint *bad_part, GError **error)
{
  guint count = photos_resumable_part_count (size, part_size);
  g_autofree const PhotosListedPart **by_number = g_new0 (const PhotosListedPart *, count);
  guint64 total = 0;

  *bad_part = 0;
  if (!index_listed (listed, count, by_number, bad_part, error))
    return FALSE;
  for (guint n = 1; n <= count; n++)
    {
      const CarreteUploadPart *got = held_part (held, n);
      guint64 length = photos_resumable_part_length (size, part_size, n);

      if (by_number[n - 1] == NULL)
        return bad (n, bad_part, error, "Part %u is not listed.", n);
      if (got == NULL)
        return bad (n, bad_part, error, "Part %u has not been received.", n);
      if (g_strcmp0 (by_number[n - 1]->etag, got->etag) != 0)
        return bad (n, bad_part, error, "Part %u: the etag is not the one received (%s).", n,
                    got->etag);
      if (got->size != length)
        return bad (n, bad_part, error,
                    "Part %u has %" G_GUINT64_FORMAT " bytes, not %" G_GUINT64_FORMAT ".", n,
                    got->size, length);
      total += got->size;
    }
  if (total != size)
    return bad (0, bad_part, error,
                "The parts add up to %" G_GUINT64_FORMAT " bytes, not %" G_GUINT64_FORMAT ".",
                total, size);
  return TRUE;
}
