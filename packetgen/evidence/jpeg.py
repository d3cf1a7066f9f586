"""JPEG marker-structure walk: may a JPEG be embedded byte for byte without decoding it?

Why and how: ``docs/evidence.md`` ("Images").
"""

from __future__ import annotations

import re
from typing import Optional

_PASS_SOF = (0xC0, 0xC1, 0xC2)   # Huffman baseline, extended, progressive: what every PDF viewer decodes
_ENTROPY_END = re.compile(rb"\xff[\x01-\xcf\xd8-\xfe]")   # a marker: not FF00 stuffing, RSTn or fill
_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# markers a Huffman JPEG may hold; any other one (0x02-0xBF, JPG, JPGn, hierarchical DHP/EXP,
# arithmetic DAC) stops a decode with an error or has no business in a file passed through
_KNOWN_MARKERS = _SOF_MARKERS | {0x01, 0xC4, 0xDA, 0xDB, 0xDC, 0xDD, 0xFE} | set(range(0xE0, 0xF0))


def _jpeg_sof(data: bytes) -> int:
    """The SOFn marker of a JPEG (0xC0 baseline, 0xC2 progressive...), or -1 if not found in the headers."""
    i, n = 2, len(data)
    while i + 4 <= n and data[i] == 0xFF:
        marker = data[i + 1]
        if marker == 0xFF:
            i += 1
            continue
        if marker in _SOF_MARKERS:
            return marker
        if marker in (0xDA, 0xD9):
            return -1
        i += 2 + int.from_bytes(data[i + 2:i + 4], "big")
    return -1


def _jpeg_structure_problem(data: bytes) -> Optional[str]:
    """Why a JPEG cannot be passed through as it is (cut off, or a header libjpeg would refuse), or None.

    Walks the marker segments by their lengths and each scan's entropy-coded data to the next
    marker, and wants an EOI after the last scan (anything after EOI, e.g. a phone's trailer, is
    ignored).  The headers a decoder acts on are checked as libjpeg checks them: quantization
    and Huffman tables (ids, sizes, a valid code), the frame (size, components, sampling, tables
    defined) and each scan (components of the frame, tables defined, spectral selection).
    Corrupt entropy data inside an intact structure only makes libjpeg warn, so a decode would
    not refuse it either.  Not a decode: a file this rejects is decoded instead, which either
    fails (damaged) or re-encodes it.
    """
    n = len(data)
    if not data.startswith(b"\xff\xd8"):
        return "no JPEG start marker"
    cut = "the JPEG data is cut off (no end marker)"
    i, scans = 2, 0
    frame: Optional[dict[int, tuple[int, int]]] = None   # component id -> (h * v, quant table)
    progressive = False
    quant: set[int] = set()
    huff: set[tuple[int, int]] = set()                   # (0 = DC / 1 = AC, table id)
    while True:
        if i >= n:
            return cut
        if data[i] != 0xFF:
            return f"stray bytes at offset {i}"
        while i < n and data[i] == 0xFF:
            i += 1
        if i >= n:
            return cut
        marker = data[i]
        i += 1
        if marker == 0xD9:
            return None if frame and scans else "no image frame or scan before the end marker"
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            continue
        if marker not in _KNOWN_MARKERS:
            return f"unknown marker 0xFF{marker:02X} at offset {i - 2}"
        if i + 2 > n:
            return cut
        length = int.from_bytes(data[i:i + 2], "big")
        if length < 2 or i + length > n:
            return "the JPEG data is cut off (a segment runs past the end of the file)"
        seg = data[i + 2:i + length]
        i += length
        if marker == 0xDB:                                # DQT
            j = 0
            while j < len(seg):
                pq, tq = seg[j] >> 4, seg[j] & 15
                if pq > 1 or tq > 3:
                    return "bad quantization table"
                quant.add(tq)
                j += 1 + 64 * (pq + 1)
            if j != len(seg):
                return "bad quantization table"
        elif marker == 0xC4:                              # DHT
            j = 0
            while j < len(seg):
                tc, th = seg[j] >> 4, seg[j] & 15
                counts = seg[j + 1:j + 17]
                if tc > 1 or th > 3 or len(counts) < 16:
                    return "bad Huffman table"
                total, code = sum(counts), 0
                symbols = seg[j + 17:j + 17 + total]
                for bits, count in enumerate(counts, 1):
                    code += count
                    if code >= 1 << bits and count:        # no room for these codes (or all-ones)
                        return "bad Huffman table"
                    code <<= 1
                if total > 256 or len(symbols) < total or (tc == 0 and any(s > 15 for s in symbols)):
                    return "bad Huffman table"
                huff.add((tc, th))
                j += 17 + total
        elif marker in (0xDD, 0xDC):                      # DRI, DNL
            if len(seg) != 2:
                return "bad restart interval"
        elif marker in _SOF_MARKERS:
            if frame is not None:
                return "two image frames"
            nf = seg[5] if len(seg) > 5 else 0
            if len(seg) != 6 + 3 * nf or nf not in (1, 3, 4) or seg[0] != 8 or \
                    not int.from_bytes(seg[1:3], "big") or not int.from_bytes(seg[3:5], "big"):
                return "bad frame header"
            frame = {}
            for k in range(nf):
                cid, hv, tq = seg[6 + 3 * k:9 + 3 * k]
                if not (1 <= hv >> 4 <= 4 and 1 <= hv & 15 <= 4) or tq > 3 or cid in frame:
                    return "bad frame header"
                frame[cid] = ((hv >> 4) * (hv & 15), tq)
            progressive = marker == 0xC2
        elif marker == 0xDA:                              # SOS, then entropy-coded data
            ns = seg[0] if seg else 0
            if frame is None or not 1 <= ns <= 4 or len(seg) != 4 + 2 * ns:
                return "bad scan header"
            ss, se, ah, al = seg[1 + 2 * ns], seg[2 + 2 * ns], seg[3 + 2 * ns] >> 4, seg[3 + 2 * ns] & 15
            blocks = 0
            for k in range(ns):
                cid, tables = seg[1 + 2 * k], seg[2 + 2 * k]
                if cid not in frame or frame[cid][1] not in quant or cid in seg[1:1 + 2 * k:2]:
                    return "bad scan header"
                blocks += frame[cid][0]
                need_dc = not progressive or (ss == 0 and ah == 0)
                need_ac = not progressive or ss > 0
                if (need_dc and (0, tables >> 4) not in huff) or (need_ac and (1, tables & 15) not in huff):
                    return "a scan uses a Huffman table the file does not define"
            if ns > 1 and blocks > 10:
                return "bad scan header"
            if progressive and (ss > se or se > 63 or al > 13 or (ss == 0) != (se == 0) or (ss > 0 and ns != 1)
                                or (ah and al != ah - 1)):
                return "bad progressive scan"
            scans += 1
            m = _ENTROPY_END.search(data, i)
            if m is None:
                return cut
            i = m.start()

