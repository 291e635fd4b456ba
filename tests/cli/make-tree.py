#!/usr/bin/env python3
"""Writes the trees tests/cli/test-cli.sh imports: small distinct PNGs (no
Pillow: zlib and struct), plus what an import must leave alone.

  make-tree.py images DIR FIRST COUNT   COUNT PNGs, numbered from FIRST, in
                                        subfolders of 50
  make-tree.py extras DIR SEED          non-images, a copy of a PNG, NFC and
                                        NFD names, a symlink loop, a broken link
  make-tree.py big DIR COUNT MB         COUNT PNGs of about MB megabytes each (MB may be 0.5)
                                        (random pixels, stored), in DIR/a-big
"""
import os
import struct
import sys
import unicodedata
import zlib


def png(seed, width=8, height=8, rows=None):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    if rows is not None:
        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(rows, 0)) + chunk(b"IEND", b""))
    rows = b""
    for y in range(height):
        row = bytes((seed * 7 + x * 13 + y * 29 + i * 101 + (seed >> 8) * 17) & 0xFF
                    for x in range(width) for i in range(3))
        rows += b"\x00" + row
    # The seed in a text chunk too: every file's bytes differ.
    text = b"Comment\x00carrete-cli-test-%d" % seed
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"tEXt", text) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def images(root, first, count):
    for n in range(first, first + count):
        sub = os.path.join(root, "batch-%03d" % (n // 50))
        os.makedirs(sub, exist_ok=True)
        with open(os.path.join(sub, "img-%05d.png" % n), "wb") as f:
            f.write(png(n))


def extras(root, seed):
    os.makedirs(os.path.join(root, "misc", "deeper"), exist_ok=True)
    with open(os.path.join(root, "misc", "notes.txt"), "w") as f:
        f.write("not an image\n")
    with open(os.path.join(root, "misc", "fake.png"), "w") as f:
        f.write("text pretending to be a PNG\n")
    open(os.path.join(root, "misc", "empty.jpg"), "wb").close()
    # A copy of an image already in the tree: uploaded once.
    with open(os.path.join(root, "misc", "copy-of-first.png"), "wb") as f:
        f.write(png(seed))
    # The same visible name, composed and decomposed: two files, two photos.
    for form, offset in (("NFC", 1), ("NFD", 2)):
        name = unicodedata.normalize(form, "caf\u00e9.png")
        with open(os.path.join(root, "misc", name), "wb") as f:
            f.write(png(10_000_000 + seed * 10 + offset))
    # A link back up the tree.
    os.symlink("../..", os.path.join(root, "misc", "deeper", "loop"))
    # A link to nothing (a file that vanished).
    os.symlink("gone.png", os.path.join(root, "misc", "vanished.png"))


def big(root, count, mb):
    side = int((mb * 1_000_000 / 3) ** 0.5)
    os.makedirs(os.path.join(root, "a-big"), exist_ok=True)
    for n in range(count):
        rows = b"".join(b"\x00" + os.urandom(side * 3) for _ in range(side))
        with open(os.path.join(root, "a-big", "big-%d.png" % n), "wb") as f:
            f.write(png(0, side, side, rows))


if __name__ == "__main__":
    if sys.argv[1] == "images":
        images(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif sys.argv[1] == "big":
        big(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    else:
        extras(sys.argv[2], int(sys.argv[3]))
