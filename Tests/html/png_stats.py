#!/usr/bin/env python3
"""Prints `WIDTH HEIGHT DISTINCT_COLOURS NON_WHITE_FRACTION` of a PNG (8-bit RGB/RGBA, any
filter), using only the standard library, so a test can tell a rendered page from a blank one."""
import struct
import sys
import zlib


def rows(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width, height, ctype = 8, b"", 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8 and ctype in (2, 6), "only 8-bit RGB or RGBA"
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    out = []
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out.append(bytes(line))
        prev = line
    return width, height, bpp, out


def main():
    width, height, bpp, lines = rows(sys.argv[1])
    colours, non_white = set(), 0
    for line in lines[::4]:
        for x in range(0, width * bpp, bpp * 4):
            px = line[x:x + 3]
            colours.add(px)
            if px != b"\xff\xff\xff":
                non_white += 1
    samples = len(lines[::4]) * len(range(0, width * bpp, bpp * 4))
    print(width, height, len(colours), round(non_white / samples, 4))


if __name__ == "__main__":
    main()
