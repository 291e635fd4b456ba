#pragma once

/* What the two sides of the decoder (decoder.c, decoder-child.c) agree on.
 * On the child's fd 3, a stream socket: the parent sends one request line
 * "TYPE\tMAX_PIXELS\tINPUT\tSMALL\tLARGE\n" at a time, and the child
 * answers it with one line, "ok WIDTH HEIGHT TAKEN_AT\n" or
 * "error CODE MESSAGE\n" (CODE a CarreteError).  The parent's end closing
 * tells the child to exit. */
#define PHOTOS_DECODER_FD 3
#define PHOTOS_DECODER_LINE_MAX 4096
