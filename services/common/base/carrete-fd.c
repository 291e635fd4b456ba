#define G_LOG_DOMAIN "carrete-fd"

#include "carrete-fd.h"

#include <errno.h>
#include <unistd.h>

int
carrete_fd_write_all (int fd, const void *data, gsize len)
{
  const guint8 *p = data;

  while (len > 0)
    {
      ssize_t n = write (fd, p, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return n < 0 ? errno : EIO;
      p += n;
      len -= (gsize) n;
    }
  return 0;
}
