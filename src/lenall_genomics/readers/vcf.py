"""Somatic VCF reading: caller, tumour/normal columns, allele counts, split alleles.

cyvcf2 reads and checks the header (`open_vcf`); the data lines are parsed as text (see "data
lines" below). One `Call` per ALT allele. What a caller writes where:
- Mutect2 / VarDict / most callers: FORMAT AD (ref, alt1, alt2, ...) per sample.
- Strelka2 somatic SNVs: tier-1 counts of each base in FORMAT AU/CU/GU/TU; indels: TAR/TIR tier 1.
- VarScan2: FORMAT RD (ref) and AD (alt, Number=1).
- Otherwise FORMAT DP with AF.
Symbolic (`<DEL>`), breakend (`A[chr2:1[`), spanning-deletion (`*`) and missing (`.`) alleles are
counted as skipped, never parsed.
"""

from __future__ import annotations

import gzip
import math
import queue
import re
import struct
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import LenallInputError
from ..genome import check_contig_lengths, chromosomes, normalize_chrom

CALLERS = ("mutect2", "strelka2", "vardict", "other")
BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")
_POP_AF_INFO = re.compile(r"^(gnomad|exac|1000g|max_af$|af_popmax$|popmax)", re.IGNORECASE)
_INT_MISSING = -2147483648
_UNSET = object()


class Call:
    """One ALT allele of one VCF record, with the tumour's and normal's read counts.

    The defaults are class attributes, so that building one per allele only sets what is known.
    """

    vcf_filter: str | None = None
    t_depth: int | None = None
    t_ref: int | None = None
    t_alt: int | None = None
    n_depth: int | None = None
    n_ref: int | None = None
    n_alt: int | None = None
    population_af: float | None = None
    subpop_af: float | None = None  # highest gnomAD sub-population AF (vcf2maf common_variant)
    pon = False
    annotation: str | None = None
    allele_num = 1
    line: int | None = None
    info_status: str | None = None
    multiallelic = False
    effect = None  # set by the consequence step

    def __init__(self, chrom: str, pos: int, ref: str, alt: str) -> None:
        self.chrom = chrom
        self.pos = pos
        self.ref = ref
        self.alt = alt
        self.vep_allele = alt

    @property
    def t_vaf(self) -> float | None:
        return _vaf(self.t_alt, self.t_depth)

    @property
    def n_vaf(self) -> float | None:
        return _vaf(self.n_alt, self.n_depth)


def _vaf(alt: int | None, depth: int | None) -> float | None:
    if alt is None or not depth:
        return None
    return alt / depth


@dataclass
class VcfLayout:
    """What the header says: caller, which column is which, the annotation format."""

    path: Path
    caller: str
    samples: tuple[str, ...]
    tumor_index: int | None
    normal_index: int | None
    csq_fields: tuple[str, ...] | None = None
    ann_fields: tuple[str, ...] | None = None
    population_af_keys: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)
    count_method: str = "AD"
    format_ids: frozenset[str] = frozenset()
    info_types: dict[str, str] = field(default_factory=dict)  # INFO ID -> header Type
    header_lines: int = 0  # so that record N is on file line header_lines + N

    @property
    def tumor_name(self) -> str | None:
        return None if self.tumor_index is None else self.samples[self.tumor_index]

    @property
    def normal_name(self) -> str | None:
        return None if self.normal_index is None else self.samples[self.normal_index]


def check_gzip_complete(path: Path) -> None:
    """A bgzipped file must end with the BGZF EOF block; a plain gzip must decompress fully."""
    with open(path, "rb") as handle:
        magic = handle.read(4)
        if magic[:2] != b"\x1f\x8b":
            return
        is_bgzf = magic[3:4] == b"\x04"
        if is_bgzf:
            handle.seek(0, 2)
            size = handle.tell()
            handle.seek(max(0, size - len(BGZF_EOF)))
            if handle.read() == BGZF_EOF:
                return
    try:
        with gzip.open(path, "rb") as stream:
            while stream.read(1 << 20):
                pass
    except (EOFError, OSError) as error:
        raise LenallInputError(f"compressed file is truncated or corrupt ({error})", file=path,
                               hint="re-copy or re-compress the file (bgzip) and retry") from None


def _header_value(raw_header: str, key: str) -> str | None:
    match = re.search(rf"^##{key}=(.*)$", raw_header, re.MULTILINE)
    return match.group(1).strip() if match else None


def contig_lengths(raw_header: str) -> dict[str, int]:
    """##contig lines with a length (read from the header text: no index needed)."""
    lengths = {}
    for match in re.finditer(r"^##contig=<(.*)>$", raw_header, re.MULTILINE):
        parts = dict(re.findall(r"(\w+)=([^,>]+)", match.group(1)))
        if "ID" in parts and parts.get("length", "").isdigit():
            lengths[parts["ID"]] = int(parts["length"])
    return lengths


def detect_caller(raw_header: str) -> str:
    lowered = raw_header.lower()
    if "##source=mutect2" in lowered or "id=mutect2" in lowered or "##mutectversion" in lowered:
        return "mutect2"
    if re.search(r"^##source=strelka", lowered, re.MULTILINE) or "##content=strelka" in lowered:
        return "strelka2"
    if re.search(r"^##source=vardict", lowered, re.MULTILINE):
        return "vardict"
    return "other"


def _format_fields(description: str) -> tuple[str, ...]:
    text = description.strip().strip('"')
    text = text.split("Format:", 1)[1] if "Format:" in text else text.split(":", 1)[-1]
    return tuple(f.strip().strip("'\" ") for f in text.split("|"))


def annotation_fields(vcf) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    """CSQ (VEP) field order and ANN (snpEff) field order, from the INFO header lines."""
    csq = ann = None
    for line in vcf.header_iter():
        info = line.info()
        if info.get("HeaderType") != "INFO":
            continue
        if info.get("ID") == "CSQ":
            csq = _format_fields(info.get("Description", ""))
        elif info.get("ID") == "ANN":
            ann = _format_fields(info.get("Description", ""))
    return csq, ann


def resolve_columns(samples: tuple[str, ...], caller: str, raw_header: str, *, sample: str | None,
                    tumor_sample: str | None, normal_sample: str | None, path: Path,
                    notes: list[str]) -> tuple[int | None, int | None]:
    """Tumour and normal column: by sample id, then caller headers, then column convention."""
    listed = ", ".join(samples) or "(none)"
    index = {name: i for i, name in enumerate(samples)}
    if not samples:
        raise LenallInputError("the VCF has no sample columns, so no read counts", file=path,
                               field="#CHROM", hint="give a VCF with FORMAT and sample columns")
    if tumor_sample is not None and tumor_sample not in index:
        raise LenallInputError(f"tumour sample '{tumor_sample}' is not a column of the VCF "
                               f"(columns: {listed})", file=path, field="--tumor-sample",
                               hint="use one of the listed column names")
    upper = {name.upper(): i for i, name in enumerate(samples)}
    header_tumor = _header_value(raw_header, "tumor_sample")
    header_normal = _header_value(raw_header, "normal_sample")

    tumor = index.get(tumor_sample) if tumor_sample else index.get(sample or "")
    normal = index.get(normal_sample or "")
    if normal_sample and normal is None:
        fallback = index.get(header_normal or "", upper.get("NORMAL"))
        if fallback is None or len(samples) == 1:
            raise LenallInputError(f"normal sample '{normal_sample}' is not a column of the VCF "
                                   f"(columns: {listed})", file=path, field="--normal-sample",
                                   hint="use one of the listed column names, or omit the normal")
        notes.append(f"normal sample '{normal_sample}' is not a VCF column; used "
                     f"'{samples[fallback]}' named by the caller")
        normal = fallback
    if tumor is None:
        tumor = index.get(header_tumor or "", upper.get("TUMOR"))
    if normal is None and header_normal in index:
        normal = index[header_normal]
    if normal is None and "NORMAL" in upper and len(samples) > 1:
        normal = upper["NORMAL"]
    if len(samples) == 1:
        return (tumor if tumor is not None else 0), None
    if tumor is None and caller == "vardict" and len(samples) == 2:
        tumor, normal = 0, (1 if normal is None else normal)  # VarDict paired: tumour first
    if len(samples) == 2:
        if tumor is None and normal is not None:
            tumor = 1 - normal
        elif normal is None and tumor is not None:
            normal = 1 - tumor
    if tumor is None or normal is None or tumor == normal:
        raise LenallInputError(f"cannot tell the tumour column from the normal column (columns: "
                               f"{listed})", file=path, field="#CHROM",
                               hint="pass --tumor-sample and --normal-sample with column names")
    return tumor, normal


def format_ids(vcf) -> dict[str, str]:
    formats = {}
    for line in vcf.header_iter():
        info = line.info()
        if info.get("HeaderType") == "FORMAT":
            formats[info.get("ID")] = info.get("Number")
    return formats


def _count_method(vcf, caller: str) -> str:
    formats = format_ids(vcf)
    if ("AU" in formats and "TU" in formats) or "TIR" in formats:
        return "strelka"
    if "AD" in formats and formats["AD"] == "1" and "RD" in formats:
        return "varscan"
    if "AD" in formats:
        return "AD"
    if "DP" in formats and "AF" in formats:
        return "DP_AF"
    return "none"


def open_vcf(path: str | Path, genome: str, *, sample: str | None = None,
             tumor_sample: str | None = None, normal_sample: str | None = None):
    """Open a VCF, check it, and describe its layout. Returns (cyvcf2.VCF, VcfLayout)."""
    from cyvcf2 import VCF

    path = Path(path)
    if not path.is_file():
        raise LenallInputError("VCF file not found", file=path)
    check_gzip_complete(path)
    try:
        vcf = VCF(str(path), lazy=True)  # no htslib thread pool: worker processes are forked
    except (OSError, Exception) as error:  # cyvcf2 raises plain Exception for bad headers
        raise LenallInputError(f"not a readable VCF ({error})", file=path,
                               hint="check the file is VCF text or bgzipped VCF") from None
    raw_header = vcf.raw_header
    caller = detect_caller(raw_header)
    samples = tuple(vcf.samples)
    notes: list[str] = []
    tumor, normal = resolve_columns(samples, caller, raw_header, sample=sample,
                                    tumor_sample=tumor_sample, normal_sample=normal_sample,
                                    path=path, notes=notes)
    lengths = contig_lengths(raw_header)
    check_contig_lengths(lengths, genome, file=str(path))
    csq, ann = annotation_fields(vcf)
    pop_keys = tuple(
        line.info().get("ID") for line in vcf.header_iter()
        if line.info().get("HeaderType") == "INFO" and _POP_AF_INFO.match(line.info().get("ID", ""))
        and line.info().get("Type") == "Float")
    info_types = {line.info().get("ID"): line.info().get("Type") for line in vcf.header_iter()
                  if line.info().get("HeaderType") == "INFO"}
    layout = VcfLayout(path, caller, samples, tumor, normal, csq, ann, pop_keys, notes,
                       _count_method(vcf, caller), frozenset(format_ids(vcf)), info_types,
                       count_header_lines(path))
    return vcf, layout


def count_header_lines(path: Path) -> int:
    """Lines before the first record, as in the file (htslib may add header lines it lacks)."""
    import gzip

    with open(path, "rb") as probe:
        compressed = probe.read(2) == b"\x1f\x8b"
    opener = gzip.open if compressed else open
    count = 0
    with opener(path, "rt", encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if not line.startswith("#"):
                break
            count += 1
    return count


def vep_alleles(ref: str, alts: list[str]) -> list[str]:
    """The allele strings VEP writes in CSQ: shared first base stripped when lengths differ."""
    if len(alts) == 1:  # the usual case, without generator expressions
        alt = alts[0]
        return [alt[1:] or "-"] if len(alt) != len(ref) and alt[:1] == ref[:1] else [alt]
    if any(len(a) != len(ref) for a in alts) and all(a[:1] == ref[:1] for a in alts):
        return [a[1:] or "-" for a in alts]
    return list(alts)


def minimal(pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    """Trim the shared suffix, then the shared prefix, keeping one anchor base (VCF style)."""
    while len(ref) > 1 and len(alt) > 1 and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    while len(ref) > 1 and len(alt) > 1 and ref[0] == alt[0]:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    return pos, ref, alt


def skip_reason(alt: str) -> str | None:
    if not alt or alt == ".":
        return "no_alt"
    if alt == "*":
        return "spanning_deletion"
    if alt[0] == "<":
        return "symbolic"
    if "[" in alt or "]" in alt or alt[0] == "." or alt[-1] == ".":
        return "breakend"
    return None


# --- data lines ----------------------------------------------------------------------------
# cyvcf2 reads and checks the header; the data lines are parsed from the text here, because
# building cyvcf2 records and their numpy FORMAT arrays costs more than everything else the step
# does. The parsing returns what cyvcf2 returns for the same text: FILTER PASS or '.' -> None;
# INFO values typed by the header (Float rounded to float32 as htslib stores them, '.' -> None,
# a key without '=' -> True for a Flag, else False, the first of repeated keys); a missing FORMAT
# integer -> htslib's missing value; negative or missing allele counts -> None.

_CHUNK = 1 << 19
_QUEUED_CHUNKS = 2
_F32 = struct.Struct("f")
_CACHE_LIMIT = 4096  # entries per parsing cache; cleared when full, so memory stays flat


def data_chunks(path: Path) -> Iterator[bytes]:
    """The data lines of a plain, gzipped or bgzipped VCF as bytes, in chunks of about `_CHUNK`
    bytes that end at a line end (split them with `split_lines`); the header is left out.

    A thread reads and decompresses ahead (ISA-L or zlib release the GIL), through a bounded
    queue: memory stays constant.
    """
    chunks: queue.Queue = queue.Queue(maxsize=_QUEUED_CHUNKS)
    stop = threading.Event()

    def put(item) -> None:
        while not stop.is_set():
            try:
                chunks.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def produce() -> None:
        try:
            with _open_binary(path) as handle:
                rest, in_header = b"", True
                while not stop.is_set():
                    block = handle.read(_CHUNK)
                    if not block:
                        break
                    cut = block.rfind(b"\n") + 1
                    if cut == 0:
                        rest += block
                        continue
                    chunk, rest = rest + block[:cut], block[cut:]
                    if in_header:
                        chunk, in_header = _drop_header(chunk)
                    if chunk:
                        put(chunk)
                if rest and not stop.is_set():
                    chunk = rest + b"\n"
                    put(_drop_header(chunk)[0] if in_header else chunk)
            put(None)
        except Exception as error:  # handed to the reading thread, which raises it
            put(error)

    thread = threading.Thread(target=produce, name="vcf-reader", daemon=True)
    thread.start()
    try:
        while True:
            item = chunks.get()
            if item is None:
                return
            if isinstance(item, Exception):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()


def _open_binary(path: Path):
    """A plain or (b)gzipped file for reading bytes; gzip through ISA-L when installed (about
    four times faster than zlib at decompressing)."""
    with open(path, "rb") as raw:
        gzipped = raw.read(2) == b"\x1f\x8b"
    if not gzipped:
        return open(path, "rb")
    try:
        from isal import igzip
    except ImportError:
        return gzip.open(path, "rb")
    return igzip.open(path, "rb")


def split_lines(chunk: bytes) -> list[str]:
    """The lines of a chunk from `data_chunks`; blank lines are left out, CRLF read as LF."""
    text = chunk.decode()
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    lines.pop()  # after the last newline
    if "" in lines:
        lines = [line for line in lines if line]
    return lines


def _drop_header(chunk: bytes) -> tuple[bytes, bool]:
    """(the chunk after the header and blank lines, whether the header may go on into the next
    chunk)."""
    start, size = 0, len(chunk)
    while start < size:
        first = chunk[start]
        if first == 0x23:  # '#'
            start = chunk.find(b"\n", start) + 1
            if start == 0:
                return b"", True
        elif first in (0x0A, 0x0D):  # a blank line
            start += 1
        else:
            return chunk[start:], False
    return b"", True


_PIECE = 1 << 17  # compressed bytes per piece of a BGZF file (about 0.5 MB of VCF text)


def data_pieces(path: Path) -> Iterator[tuple[bytes, bool]]:
    """The data part of a VCF (header left out) in pieces that need not end at a line end, for
    parsing in worker processes: (runs of whole BGZF blocks still compressed, True), so that the
    workers inflate them (`inflate`), else (text, False)."""
    if is_bgzf(path):
        pieces = ((piece, True) for piece in _bgzf_pieces(path))
    else:
        pieces = ((piece, False) for piece in _text_pieces(path))
    pending = b""
    for data, compressed in pieces:
        text = pending + (inflate(data) if compressed else data)
        rest, in_header = _drop_header(text)
        if not in_header:
            if rest:
                yield rest, False
            break
        pending = text[text.rfind(b"\n") + 1:]  # a header line that goes on in the next piece
    yield from pieces


def is_bgzf(path: Path) -> bool:
    with open(path, "rb") as handle:
        head = handle.read(1024)
    try:
        return bool(head) and _bgzf_block_size(head, 0) is not None
    except ValueError:
        return False


def inflate(data: bytes) -> bytes:
    """Decompress gzip members (BGZF blocks), through ISA-L when installed."""
    try:
        from isal.igzip import decompress
    except ImportError:
        from gzip import decompress
    return decompress(data)


def _bgzf_pieces(path: Path) -> Iterator[bytes]:
    """Runs of whole BGZF blocks of about `_PIECE` bytes, cut from large reads of the file."""
    with open(path, "rb") as handle:
        buffer = b""
        while more := handle.read(_PIECE * 16):
            buffer += more
            end = 0
            while (cut := _blocks_end(buffer, end, _PIECE)) is not None:
                yield buffer[end:cut]
                end = cut
            buffer = buffer[end:]
        while buffer:  # the last blocks, fewer than _PIECE bytes
            cut = _blocks_end(buffer, 0, len(buffer))
            if cut is None:
                raise ValueError("truncated BGZF block")
            yield buffer[:cut]
            buffer = buffer[cut:]


def _blocks_end(buffer: bytes, start: int, size: int) -> int | None:
    """The end of the first whole BGZF blocks from `start` that add up to `size` bytes or more
    (None when the buffer ends first)."""
    at = start
    while at - start < size:
        length = _bgzf_block_size(buffer, at)
        if length is None or at + length > len(buffer):
            return None
        at += length
    return at


def _bgzf_block_size(buffer: bytes, at: int) -> int | None:
    """Size of the BGZF block (a gzip member whose 'BC' extra field gives it) at `at`; None when
    the buffer ends within its header; ValueError when it is not one."""
    if at + 12 > len(buffer):
        return None
    if buffer[at:at + 4] != b"\x1f\x8b\x08\x04":
        raise ValueError("not a BGZF block")
    extra_end = at + 12 + int.from_bytes(buffer[at + 10:at + 12], "little")
    if extra_end > len(buffer):
        return None
    field = at + 12
    while field + 4 <= extra_end:
        length = int.from_bytes(buffer[field + 2:field + 4], "little")
        if buffer[field:field + 2] == b"BC" and length == 2:
            return int.from_bytes(buffer[field + 4:field + 6], "little") + 1
        field += 4 + length
    raise ValueError("gzip member without a BGZF block size")


def _text_pieces(path: Path) -> Iterator[bytes]:
    with _open_binary(path) as handle:
        while piece := handle.read(_CHUNK):
            yield piece


def _float32(text: str) -> float:
    try:
        return _F32.unpack(_F32.pack(float(text)))[0]
    except OverflowError:
        return math.copysign(math.inf, float(text))


def info_text(info: str, key: str) -> str | bool | None:
    """The text of INFO key (first occurrence); True when present without '='; None if absent."""
    start, size = 0, len(key)
    while True:
        i = info.find(key, start)
        if i < 0:
            return None
        end = i + size
        if i == 0 or info[i - 1] == ";":
            if end == len(info) or info[end] == ";":
                return True
            if info[end] == "=":
                stop = info.find(";", end)
                return info[end + 1:] if stop < 0 else info[end + 1:stop]
        start = end


class InfoReader:
    """INFO values typed by the header, as cyvcf2 returns them (scalar, or tuple when several)."""

    def __init__(self, types: dict[str, str]) -> None:
        self.types = types
        self.cache: dict[tuple[str, str], object] = {}

    def get(self, info: str, key: str):
        text = info_text(info, key)
        if text is None:
            return None
        kind = self.types.get(key, "String")
        if text is True:
            return kind == "Flag"
        if kind in ("String", "Flag", "Character"):
            return text
        cached = self.cache.get((kind, text))
        if cached is None:
            if len(self.cache) > _CACHE_LIMIT:
                self.cache.clear()
            convert = _float32 if kind == "Float" else int
            if "," in text:
                cached = tuple(None if v == "." else convert(v) for v in text.split(","))
            else:
                cached = None if text == "." else convert(text)
            self.cache[(kind, text)] = cached
        return cached


def _allele_counts(text: str, alleles: int) -> list[int | None]:
    """'12,5' -> [12, 5] padded or cut to `alleles`; missing or negative counts -> None."""
    try:
        values = list(map(int, text.split(",", alleles)[:alleles]))
        if min(values) < 0:
            raise ValueError
    except ValueError:
        values = [_count(v) for v in text.split(",")[:alleles]]
    if len(values) < alleles:
        values += [None] * (alleles - len(values))
    return values


def _count(text: str) -> int | None:
    try:
        value = int(text)
    except ValueError:
        return None
    return value if value >= 0 else None


def _first_int(text: str) -> int:
    """First value of a FORMAT integer field; '.' -> htslib's missing value (as cyvcf2 gives)."""
    first = text.split(",", 1)[0]
    return _INT_MISSING if first in (".", "") else int(first)


class CountReader:
    """Per-record allele counts for the tumour and normal columns, by the caller's convention."""

    def __init__(self, layout: VcfLayout) -> None:
        self.method = layout.count_method
        self.columns = [layout.tumor_index, layout.normal_index]
        self.formats = layout.format_ids
        self.keys: dict[str, dict[str, int]] = {}
        self.ad_at: dict[str, int | None] = {}  # FORMAT text -> `_index` of AD, looked up once

    def _format(self, cols: list[str], key: str) -> list[str] | None:
        """FORMAT values of `key` for each sample (None if the header or the record lacks it)."""
        index = self._index(cols[8], key) if len(cols) > 8 else None
        if index is None:
            return None
        values = []
        for sample in cols[9:]:
            parts = sample.split(":")
            values.append(parts[index] if index < len(parts) else ".")
        return values

    def counts(self, cols: list[str], ref: str, alts: list[str]
               ) -> list[tuple[list[int | None], int | None] | None]:
        """For tumour and normal: (per-allele counts incl. ref, depth)."""
        method = self.method
        if method == "AD":
            return self._ad(cols, ref, alts)
        if method == "strelka":
            return self._strelka(cols, ref, alts)
        if method == "varscan":
            return self._varscan(cols)
        if method == "DP_AF":
            return self._dp_af(cols, len(alts) + 1)
        return [None, None]

    def reader(self):
        """`counts` for this VCF's method, without choosing the method on every record."""
        return self._ad if self.method == "AD" else self.counts

    def _index(self, fmt: str, key: str) -> int | None:
        """Position of `key` in a FORMAT string (None if the header or the record lacks it)."""
        keys = self.keys.get(fmt)
        if keys is None:
            keys = self.keys[fmt] = {k: i for i, k in enumerate(fmt.split(":"))
                                     if k in self.formats}
        return keys.get(key)

    def _ad(self, cols, ref, alts):
        if len(cols) > 8:
            fmt = cols[8]
            index = self.ad_at.get(fmt, _UNSET)
            if index is _UNSET:
                index = self.ad_at[fmt] = self._index(fmt, "AD")
        else:
            index = None
        if index is None:
            return [None, None]
        n_alleles = len(alts) + 1
        out = []
        for col in self.columns:
            if col is None:
                out.append(None)
                continue
            parts = cols[9 + col].split(":", index + 1)
            text = parts[index] if index < len(parts) else "."
            if n_alleles == 2:  # the usual 'ref,alt' without a call to _allele_counts
                ref, comma, alt = text.partition(",")
                if comma and ref.isdecimal() and alt.isdecimal():
                    ref_n, alt_n = int(ref), int(alt)
                    out.append(([ref_n, alt_n], ref_n + alt_n))
                    continue
            values = _allele_counts(text, n_alleles)
            if None in values:
                known = [v for v in values if v is not None]
                out.append((values, sum(known) if known else None))
            else:
                out.append((values, sum(values)))
        return out

    def _strelka(self, cols, ref, alts):
        n_alleles = len(alts) + 1
        alleles = [ref] + alts
        tar = self._format(cols, "TAR")
        tir = self._format(cols, "TIR")
        if tar is not None and tir is not None:  # indels: TAR ref, TIR indel reads, tier 1
            out = []
            for col in self.columns:
                if col is None:
                    out.append(None)
                    continue
                ref_n, alt_n = _first_int(tar[col]), _first_int(tir[col])
                out.append(([ref_n, alt_n] + [None] * (n_alleles - 2), ref_n + alt_n))
            return out
        per_base = {}
        for base in {a for a in alleles if len(a) == 1 and a in "ACGT"}:
            per_base[base] = self._format(cols, f"{base}U")
        if not any(v is not None for v in per_base.values()):
            return self._ad(cols, ref, alts)  # germline-workflow records carry AD instead
        out = []
        for col in self.columns:
            if col is None:
                out.append(None)
                continue
            values = [_first_int(per_base[a][col]) if a in per_base and per_base[a] is not None
                      else None for a in alleles]
            out.append((values, sum(v for v in values if v is not None)))
        return out

    def _varscan(self, cols):
        rd, ad = self._format(cols, "RD"), self._format(cols, "AD")
        out = []
        for col in self.columns:
            if col is None or rd is None or ad is None:
                out.append(None)
                continue
            ref, alt = _first_int(rd[col]), _first_int(ad[col])
            out.append(([ref, alt], ref + alt))
        return out

    def _dp_af(self, cols, n_alleles):
        dp, af = self._format(cols, "DP"), self._format(cols, "AF")
        if dp is None or af is None:
            return [None, None]
        # cyvcf2 pads every sample to the widest sample with NaN
        width = max(len(v.split(",")) for v in af)
        out = []
        for col in self.columns:
            if col is None:
                out.append(None)
                continue
            depth = _first_int(dp[col])
            values = [math.nan if v in (".", "") else _float32(v) for v in af[col].split(",")]
            values += [math.nan] * (width - len(values))
            alts = [int(round(f * depth)) for f in values[: n_alleles - 1]]
            out.append(([max(depth - sum(alts), 0)] + alts, depth))
        return out


class VcfCalls:
    """Iterate the Calls of a VCF; counts of records, split and skipped alleles accumulate."""

    def __init__(self, vcf, layout: VcfLayout, genome: str) -> None:
        self.vcf = vcf
        self.layout = layout
        self.records = 0
        self.alleles = 0
        self.multiallelic_records = 0
        self.skipped: Counter[str] = Counter()
        self.lengths = {name: c.length for name, c in chromosomes(genome).items()}
        self.genome = genome
        self._parse = None

    def __iter__(self) -> Iterator[Call]:
        for chunk in self.chunks():
            yield from self.calls(chunk)

    def chunks(self) -> Iterator[bytes]:
        """The data lines in chunks of bytes, for `calls`."""
        try:
            yield from data_chunks(self.layout.path)
        except Exception as error:  # unreadable compressed data
            raise self._read_error(error) from None

    def pieces(self) -> Iterator[tuple[bytes, bool]]:
        """The data lines in pieces for worker processes (see `data_pieces`)."""
        try:
            yield from data_pieces(self.layout.path)
        except (OSError, ValueError, EOFError) as error:  # unreadable compressed data
            raise self._read_error(error) from None

    def _read_error(self, error: Exception) -> LenallInputError:
        return LenallInputError(f"VCF cannot be read at record {self.records} ({error})",
                                file=self.layout.path,
                                line=self.layout.header_lines + self.records or None,
                                hint="the file may be truncated or not valid VCF")

    def calls(self, chunk: bytes) -> list[Call]:
        """The Calls of a chunk of data lines; `records` counts on from its current value."""
        if self._parse is None:
            self._parse = _RecordParser(self)
        parse = self._parse
        calls: list[Call] = []
        try:
            for line in split_lines(chunk):
                self.records += 1
                calls += parse(line)
        except LenallInputError:
            raise
        except Exception as error:  # a malformed record
            raise self._read_error(error) from None
        return calls

    def _skip(self, alt: str) -> bool:
        reason = skip_reason(alt)
        if reason:
            self.skipped[reason] += 1
            return True
        return False


class _RecordParser:
    """One data line -> its Calls (one per ALT allele kept); counts go to the VcfCalls."""

    def __init__(self, source: VcfCalls) -> None:
        layout = self.layout = source.layout
        self.source = source
        self.counts = CountReader(layout).reader()
        self.info = InfoReader(layout.info_types)
        self.csq_key = "CSQ" if layout.csq_fields else ("ANN" if layout.ann_fields else None)
        # CSQ / ANN are String: their text is the value, no conversion to cache
        self.annotation_is_text = layout.info_types.get(self.csq_key, "String") == "String"
        self.pon_is_flag = layout.info_types.get("PON") == "Flag"
        self.pop_keys = layout.population_af_keys
        self.is_mutect = layout.caller == "mutect2"
        self.status_key = "STATUS" if layout.caller == "vardict" else None
        self.chroms: dict[str, str] = {}
        self.popaf: dict[tuple, float | None] = {}

    def _annotation(self, info: str) -> tuple[str | bool | None, str]:
        """(CSQ / ANN text, INFO without it when it is the last key). VEP and snpEff add it last;
        cutting it off lets the other lookups skip its long text."""
        key = self.csq_key
        start = info.find(key)
        end = start + len(key)
        if (start >= 0 and info[end:end + 1] == "=" and (start == 0 or info[start - 1] == ";")
                and info.find(";", end) < 0):
            return info[end + 1:], info[:start]
        annotation = info_text(info, key)
        if annotation is True:  # the key without a value
            return False, info
        if annotation and info.endswith(annotation):
            cut = len(info) - len(annotation) - len(key) - 1
            if info[cut:cut + len(key) + 1] == key + "=" and (cut == 0 or info[cut - 1] == ";"):
                return annotation, info[:cut]
        return annotation, info

    def __call__(self, line: str) -> list[Call]:
        source, layout = self.source, self.layout
        cols = line.split("\t")
        if len(cols) < 8:
            raise LenallInputError(
                f"VCF record {source.records} has {len(cols)} columns, not 8 or more",
                file=layout.path, hint="the file may be truncated or not valid VCF")
        raw_chrom, pos_text, _, ref, alt_text, _, flt, info = cols[:8]
        if alt_text == ".":
            source.skipped["no_alt"] += 1
            return []
        chrom = self.chroms.get(raw_chrom)
        if chrom is None:
            chrom = self.chroms[raw_chrom] = normalize_chrom(raw_chrom)
        if not pos_text.isdigit():
            raise LenallInputError(
                f"POS '{pos_text}' is not a position", file=layout.path,
                line=layout.header_lines + source.records, field="POS",
                hint="POS must be a whole number (1-based)")
        pos = int(pos_text)
        limit = source.lengths.get(chrom)
        if limit is not None and pos > limit:
            raise LenallInputError(
                f"position {raw_chrom}:{pos} is beyond the end of {source.genome} "
                f"chromosome {chrom} ({limit})", file=layout.path, field="POS",
                hint="the VCF is of another genome build; check --genome")
        if alt_text.isalpha():  # one allele of plain bases: nothing to skip
            alts = [alt_text]
            kept = [(1, alt_text)]
        else:
            alts = alt_text.split(",")
            kept = [(i, a) for i, a in enumerate(alts, 1) if not source._skip(a)]
            if not kept:
                return []
        tumor, normal = self.counts(cols, ref, alts)
        flt = None if flt == "PASS" or flt == "." else flt
        get = self.info.get
        if self.csq_key is None:
            annotation = None
        elif self.annotation_is_text:
            annotation, info = self._annotation(info)
        else:
            annotation = get(info, self.csq_key)
        popaf = info_text(info, "POPAF") if self.is_mutect else None
        if not self.is_mutect or "PON" not in info:
            pon = False
        elif self.pon_is_flag:  # a Flag's text is its value
            pon = bool(info_text(info, "PON"))
        else:
            pon = bool(get(info, "PON"))
        pop_values = [get(info, k) for k in self.pop_keys] if self.pop_keys else ()
        status = get(info, self.status_key) if self.status_key else None
        multiallelic = len(alts) > 1
        if self.csq_key != "CSQ":
            vep = alts
        elif multiallelic:
            vep = vep_alleles(ref, alts)
        else:  # `vep_alleles` of one allele, written out: it runs for most records
            alt = alts[0]
            vep = [alt[1:] or "-"] if len(alt) != len(ref) and alt[:1] == ref[:1] else alts
        if multiallelic:
            source.multiallelic_records += 1
        source.alleles += len(kept)
        calls = []
        for allele_num, alt in kept:
            call = (Call(chrom, pos, ref, alt) if not multiallelic
                    else Call(chrom, *minimal(pos, ref, alt)))
            call.vcf_filter = flt
            call.allele_num = allele_num
            call.vep_allele = vep[allele_num - 1]
            call.annotation = annotation
            call.pon = pon
            call.info_status = status
            if multiallelic:
                call.multiallelic = True
            if tumor is not None:
                call.t_ref, call.t_alt, call.t_depth = tumor[0][0], tumor[0][allele_num], tumor[1]
            if normal is not None:
                call.n_ref, call.n_alt, call.n_depth = \
                    normal[0][0], normal[0][allele_num], normal[1]
            if pop_values:
                call.population_af = _population_af(get(info, "POPAF") if popaf else None,
                                                    pop_values, allele_num)
            elif popaf is not None:  # Mutect2 POPAF: a few distinct values, cached by text
                af = self.popaf.get((popaf, allele_num), _UNSET)
                if af is _UNSET:
                    if len(self.popaf) > _CACHE_LIMIT:
                        self.popaf.clear()
                    af = self.popaf[(popaf, allele_num)] = _population_af(
                        get(info, "POPAF"), (), allele_num)
                call.population_af = af
            calls.append(call)
        return calls


def _pick(value, allele_num: int):
    if isinstance(value, tuple):
        return value[allele_num - 1] if len(value) >= allele_num else None
    return value


def _population_af(popaf, pop_values, allele_num: int) -> float | None:
    """Highest population AF known for the allele: INFO gnomAD-like fields, or Mutect2 POPAF."""
    best = None
    for value in pop_values:
        value = _pick(value, allele_num)
        if value is not None and value == value and (best is None or value > best):
            best = float(value)
    if best is None and popaf is not None:
        value = _pick(popaf, allele_num)
        if value is not None and value == value:
            best = 10.0 ** (-float(value))
    return best
