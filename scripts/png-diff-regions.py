#!/usr/bin/env python3
"""Where two PNG files of the same size differ: the count of differing pixels and, per band
of rows, the box they lie in. Standard library only (8-bit PNGs, any colour type without a
palette), so compare-screenshots.sh can say what changed in a volatile screenshot: the
header clock and a QR code are expected; anything else is worth a look.

Usage: png-diff-regions.py A.png B.png
"""
import struct
import sys
import zlib

CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # PNG colour type -> samples per pixel


def pixels(path):
    """(width, height, bytes per pixel, unfiltered rows joined)."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit(f"{path}: not a PNG file")
    pos, idat = 8, b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            if depth != 8 or colour not in CHANNELS:
                raise SystemExit(f"{path}: only 8-bit PNGs without a palette")
            bpp = CHANNELS[colour]
        elif kind == b"IDAT":
            idat += body
    raw, stride = zlib.decompress(idat), width * bpp
    out, prev, at = bytearray(), bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[at], bytearray(raw[at + 1 : at + 1 + stride])
        at += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], prev[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + ((a + b) >> 1)) & 255
            elif kind == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out += line
        prev = line
    return width, height, bpp, bytes(out)


def main(a, b):
    w, h, bpp, left = pixels(a)
    w2, h2, _, right = pixels(b)
    if (w, h) != (w2, h2):
        return f"sizes differ: {w}x{h} and {w2}x{h2}"
    changed = []  # (x, y)
    row = w * bpp
    for y in range(h):
        if left[y * row : (y + 1) * row] == right[y * row : (y + 1) * row]:
            continue
        for x in range(w):
            i = y * row + x * bpp
            if left[i : i + bpp] != right[i : i + bpp]:
                changed.append((x, y))
    if not changed:
        return "identical"
    bands = []  # rows closer than 8 px belong to one band
    for y in sorted({y for _, y in changed}):
        if bands and y - bands[-1][1] <= 8:
            bands[-1][1] = y
        else:
            bands.append([y, y])
    boxes = []
    for y0, y1 in bands:
        xs = [x for x, y in changed if y0 <= y <= y1]
        boxes.append(f"x {min(xs)}-{max(xs)} y {y0}-{y1}")
    return f"{len(changed)} of {w}x{h} pixels differ: " + "; ".join(boxes)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    print(main(sys.argv[1], sys.argv[2]))
