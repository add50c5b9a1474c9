#!/usr/bin/env python3
"""Draw the skill's icons: skill-package/assets/icon-108.png and icon-512.png.

    python msguide_tools/make_icons.py           # write them
    python msguide_tools/make_icons.py --check   # exit 1 if the files differ from what this draws

A deep navy disc with a white open hand (four fingers and a thumb as rounded
strokes) resting on a white bar, the massage table: simple, high contrast
(white on #0B2545 is about 15:1), readable at 108 px. Standard library only
(zlib, struct): each pixel is the fraction of 3x3 subsamples inside the
shapes, so edges are smooth and the output is byte-for-byte repeatable.
"""

import argparse
import os
import struct
import sys
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "skill-package", "assets")
NAVY, WHITE = (11, 37, 69), (255, 255, 255)
SIZES = (108, 512)
SUB = 3


def _segment_distance(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy or 1)))
    cx, cy = ax + t * dx, ay + t * dy
    return ((px - cx) ** 2 + (py - cy) ** 2) ** 0.5


# Shapes in unit coordinates (0..1). Strokes: (ax, ay, bx, by, half width).
STROKES = [
    (0.38, 0.56, 0.38, 0.30, 0.034),   # fingers
    (0.46, 0.54, 0.46, 0.24, 0.034),
    (0.54, 0.54, 0.54, 0.26, 0.034),
    (0.62, 0.56, 0.62, 0.32, 0.034),
    (0.28, 0.48, 0.36, 0.62, 0.036),   # thumb
]
PALM = (0.345, 0.50, 0.655, 0.68)         # rounded rectangle: x0, y0, x1, y1
BAR = (0.24, 0.74, 0.76, 0.80)          # the line under the hand


def _inside(x, y):
    if (x - 0.5) ** 2 + (y - 0.5) ** 2 > 0.5 ** 2:
        return None                      # outside the disc: transparent
    for ax, ay, bx, by, half in STROKES:
        if _segment_distance(x, y, ax, ay, bx, by) <= half:
            return True
    x0, y0, x1, y1 = PALM
    if x0 <= x <= x1 and y0 <= y <= y1:
        return True
    x0, y0, x1, y1 = BAR
    return x0 <= x <= x1 and y0 <= y <= y1


def draw(size):
    rows = []
    for row in range(size):
        line = bytearray([0])            # PNG filter: none
        for col in range(size):
            white = disc = 0
            for i in range(SUB):
                for j in range(SUB):
                    hit = _inside((col + (j + 0.5) / SUB) / size, (row + (i + 0.5) / SUB) / size)
                    if hit is not None:
                        disc += 1
                        white += hit
            alpha = round(255 * disc / SUB ** 2)
            share = white / disc if disc else 0
            line += bytes(round(n + (w - n) * share) for n, w in zip(NAVY, WHITE)) + bytes([alpha])
        rows.append(bytes(line))
    return png(size, size, b"".join(rows))


def png(width, height, raw):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)      # 8-bit RGBA
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b""))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    stale = []
    for size in SIZES:
        path = os.path.join(OUT, "icon-%d.png" % size)
        data = draw(size)
        if args.check:
            if not os.path.exists(path) or open(path, "rb").read() != data:
                stale.append(path)
            continue
        os.makedirs(OUT, exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)
        print("wrote", os.path.relpath(path, ROOT), len(data), "bytes")
    for path in stale:
        print("stale:", os.path.relpath(path, ROOT), "(run msguide_tools/make_icons.py)", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
