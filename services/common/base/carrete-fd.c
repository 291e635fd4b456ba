#define G_LOG_DOMAIN "carrete-fd"

#include "carrete-fd.h"

#include <errno.h>
#include <unistd.h>

/* `offset` < 0: at the file position. */
static int
write_all_at (int fd, const void *data, gsize len, gint64 offset)
{
  const guint8 *p = data;

  while (len > 0)
    {
      ssize_t n = offset < 0 ? write (fd, p, len) : pwrite (fd, p, len, (off_t)offset);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return n < 0 ? errno : EIO;
      p += n;
      len -= (gsize) n;
      if (offset >= 0)
        offset += n;
    }
  return 0;
}

int
carrete_fd_write_all (int fd, const void *data, gsize len)
{
  return write_all_at (fd, data, len, -1);
}

int
carrete_fd_pwrite_all (int fd, const void *data, gsize len, guint64 offset)
{
  g_return_val_if_fail (offset <= G_MAXINT64, EINVAL);

  return write_all_at (fd, data, len, (gint64)offset);
}
