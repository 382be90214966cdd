#!/usr/bin/env python3
"""Checks that a screenshot (PNG) of a kpi HTML report is not a blank page.

Usage: png-check.py SCREENSHOT.png WIDTH HEIGHT

Reads the PNG with the standard library only (zlib; the scanline filters undone by hand), then
checks: the size is WIDTH×HEIGHT; at least 2 % of the pixels are not white or near white; there
are at least 16 distinct colours; and the grade colours of the charts and badges (优 #2e7d32,
良 #1565c0, 中 #f59e0b, 差 #c62828) cover at least 1000 pixels, so the page was drawn with its
styles and colours, not as bare text. Prints what it measured; exits 0 when every check passes,
1 otherwise.
"""

import struct
import sys
import zlib
from collections import Counter

GRADE_COLOURS = {
    "优 #2e7d32": (0x2E, 0x7D, 0x32),
    "良 #1565c0": (0x15, 0x65, 0xC0),
    "中 #f59e0b": (0xF5, 0x9E, 0x0B),
    "差 #c62828": (0xC6, 0x28, 0x28),
}


def read_png(path):
    """Returns (width, height, channels, pixel rows as bytes) of an 8-bit RGB(A) or grey PNG."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos = 8
    idat = []
    width = height = depth = colour = interlace = None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if width is None:
        raise ValueError("no IHDR chunk")
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(colour)
    if depth != 8 or channels is None or interlace != 0:
        raise ValueError(f"unsupported PNG: depth {depth}, colour type {colour}, interlace {interlace}")
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    if len(raw) != height * (stride + 1):
        raise ValueError(f"{len(raw)} bytes of image data for {width}x{height}x{channels}")
    rows = []
    prev = bytes(stride)
    bpp = channels
    for y in range(height):
        start = y * (stride + 1)
        kind = raw[start]
        line = bytearray(raw[start + 1 : start + 1 + stride])
        if kind == 0:
            pass
        elif kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif kind == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev))
        elif kind == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                if pa <= pb and pa <= pc:
                    pred = a
                elif pb <= pc:
                    pred = b
                else:
                    pred = c
                line[i] = (line[i] + pred) & 0xFF
        else:
            raise ValueError(f"row {y}: unknown filter {kind}")
        prev = bytes(line)
        rows.append(prev)
    return width, height, channels, rows


def colours(rows, channels):
    """Counts of each RGB colour."""
    counts = Counter()
    for row in rows:
        if channels >= 3:
            step = channels
            counts.update(zip(row[0::step], row[1::step], row[2::step]))
        else:
            counts.update((v, v, v) for v in row[0::channels])
    return counts


def main():
    if len(sys.argv) != 4:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    path, want_width, want_height = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    try:
        width, height, channels, rows = read_png(path)
    except (OSError, ValueError, zlib.error) as e:
        print(f"FAIL  {path}: {e}")
        return 1
    counts = colours(rows, channels)
    pixels = width * height
    ink = sum(n for (r, g, b), n in counts.items() if min(r, g, b) < 235)
    grades = {name: counts.get(rgb, 0) for name, rgb in GRADE_COLOURS.items()}
    chart = sum(grades.values())
    failures = 0

    def check(ok, message):
        nonlocal failures
        print(("ok    " if ok else "FAIL  ") + message)
        if not ok:
            failures += 1

    check(
        (width, height) == (want_width, want_height),
        f"PNG {width}x{height}, {channels} channels (expected {want_width}x{want_height})",
    )
    check(ink * 50 >= pixels, f"{ink} of {pixels} pixels ({100 * ink / pixels:.1f} %) are not white (at least 2 %)")
    check(len(counts) >= 16, f"{len(counts)} distinct colours (at least 16)")
    check(
        chart >= 1000,
        "grade colours (charts, badges): "
        + ", ".join(f"{name} {n} px" for name, n in grades.items())
        + " (at least 1000 px in all)",
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
