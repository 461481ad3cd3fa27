"""BGZF (blocked gzip, as bgzip/htslib write it) with MTIME 0, so the bytes depend only on the text.

Each block is a gzip member with the 'BC' extra field giving its size; the file ends with the
standard 28-byte empty block. tabix, cyvcf2, pysam and gzip readers all read it.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from ..writers import atomic_open

BLOCK_INPUT = 0xFF00  # htslib's BGZF_BLOCK_SIZE: uncompressed bytes per block
EOF_BLOCK = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")


def _block(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    payload = compressor.compress(data) + compressor.flush()
    size = len(payload) + 25  # 18-byte header + payload + 8-byte trailer, minus 1
    header = struct.pack("<4BI2BH2BHH", 0x1F, 0x8B, 8, 4, 0, 0, 0xFF, 6, ord("B"), ord("C"), 2,
                         size)
    return header + payload + struct.pack("<II", zlib.crc32(data) & 0xFFFFFFFF, len(data))


def bgzf_bytes(data: bytes) -> bytes:
    blocks = [_block(data[i:i + BLOCK_INPUT]) for i in range(0, len(data), BLOCK_INPUT)]
    return b"".join(blocks) + EOF_BLOCK


def write_bgzf(path: str | Path, text: str) -> None:
    with atomic_open(path, "wb") as handle:
        handle.write(bgzf_bytes(text.encode("utf-8")))
