#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A streaming parser for multipart/form-data (RFC 7578) request bodies:
 * feed it the body in chunks of any size as they arrive; it never holds
 * more than one boundary's worth of the body plus the headers of the
 * current part.  The part named `file` is streamed out through `on_file`;
 * small text parts (at most PHOTOS_MULTIPART_FIELD_MAX bytes) are collected
 * and readable by name as soon as each one ends (see
 * photos_multipart_set_field_func).
 *
 * Every split of the same body into chunks gives the same result (the same
 * file bytes, fields and error message); only the sizes of the pieces
 * handed to `on_file` differ.  At most boundary length + 3 bytes are held
 * back, while it is not yet known whether they start the next delimiter.
 *
 * It is strict where guessing would be unsafe: lines end in CRLF (a bare CR
 * or LF in part headers is an error), folded header lines are refused, a
 * Content-Transfer-Encoding other than binary/8bit/7bit is refused, a field
 * name may appear once, and names, filenames and field values must be
 * UTF-8 (field values without NUL bytes).  The preamble is ignored. */

#define PHOTOS_MULTIPART_FIELD_MAX 4096
#define PHOTOS_MULTIPART_HEADERS_MAX 8192
#define PHOTOS_MULTIPART_MAX_PARTS 16

typedef struct _PhotosMultipart PhotosMultipart;

/* Called with consecutive bytes of the `file` part.  Return FALSE (and set
 * `error`) to stop parsing, e.g. when the sink is over its size limit. */
typedef gboolean (*PhotosMultipartFileFunc) (const guint8 *data, gsize len, gpointer user_data,
                                             GError **error);

/* `content_type` is the request's Content-Type header; NULL with
 * CARRETE_ERROR_BAD_REQUEST when it is not multipart/form-data with a
 * usable boundary (1–70 printable ASCII characters, quoted or not; the
 * parameter name is case-insensitive). */
PhotosMultipart *photos_multipart_new (const char *content_type, PhotosMultipartFileFunc on_file,
                                       gpointer user_data, GError **error);
void photos_multipart_free (PhotosMultipart *parser);

/* Called as each text field ends, before the parser reads on, with its
 * name and value; `before_file` says that no `file` part has begun yet
 * (what a form sends first may decide whether the rest is worth reading). */
typedef void (*PhotosMultipartFieldFunc) (const char *name, const char *value, gboolean before_file,
                                          gpointer user_data);
void photos_multipart_set_field_func (PhotosMultipart *parser, PhotosMultipartFieldFunc on_field,
                                      gpointer user_data);

/* FALSE with CARRETE_ERROR_BAD_REQUEST on malformed input (bad part
 * headers, a second `file` part, too many parts, an oversized field or
 * header block, data after the closing boundary that is not whitespace),
 * or the callback's error unchanged.  Once it has failed, every later call
 * fails again with the same error. */
gboolean photos_multipart_feed (PhotosMultipart *parser, const guint8 *data, gsize len,
                                GError **error);
/* At the end of the body: FALSE with CARRETE_ERROR_BAD_REQUEST when the
 * closing boundary never came, or there was no `file` part. */
gboolean photos_multipart_finish (PhotosMultipart *parser, GError **error);

/* A text field's value once its part ended (NULL if absent), and the file part's
 * filename parameter and Content-Type (either may be NULL). */
const char *photos_multipart_get_field (PhotosMultipart *parser, const char *name);
const char *photos_multipart_get_filename (PhotosMultipart *parser);
const char *photos_multipart_get_file_type (PhotosMultipart *parser);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhotosMultipart, photos_multipart_free)

G_END_DECLS
