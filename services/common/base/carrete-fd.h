#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Writes all `len` bytes to `fd`, retrying short writes and EINTR.  On
 * failure returns the errno (EIO for a write that wrote nothing), else 0. */
int carrete_fd_write_all (int fd, const void *data, gsize len);
/* The same at `offset`, without moving the file position. */
int carrete_fd_pwrite_all (int fd, const void *data, gsize len, guint64 offset);

G_END_DECLS
