"""Somatic VCF reading through cyvcf2: caller, tumour/normal columns, allele counts, split alleles.

One `Call` per ALT allele. What a caller writes where:
- Mutect2 / VarDict / most callers: FORMAT AD (ref, alt1, alt2, ...) per sample.
- Strelka2 somatic SNVs: tier-1 counts of each base in FORMAT AU/CU/GU/TU; indels: TAR/TIR tier 1.
- VarScan2: FORMAT RD (ref) and AD (alt, Number=1).
- Otherwise FORMAT DP with AF.
Symbolic (`<DEL>`), breakend (`A[chr2:1[`), spanning-deletion (`*`) and missing (`.`) alleles are
counted as skipped, never parsed.
"""

from __future__ import annotations

import gzip
import re
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


class Call:
    """One ALT allele of one VCF record, with the tumour's and normal's read counts."""

    __slots__ = ("chrom", "pos", "ref", "alt", "vcf_filter", "t_depth", "t_ref", "t_alt",
                 "n_depth", "n_ref", "n_alt", "population_af", "pon", "annotation",
                 "allele_num", "vep_allele", "line", "info_status", "multiallelic", "effect")

    def __init__(self, chrom: str, pos: int, ref: str, alt: str) -> None:
        self.chrom = chrom
        self.pos = pos
        self.ref = ref
        self.alt = alt
        self.vcf_filter: str | None = None
        self.t_depth: int | None = None
        self.t_ref: int | None = None
        self.t_alt: int | None = None
        self.n_depth: int | None = None
        self.n_ref: int | None = None
        self.n_alt: int | None = None
        self.population_af: float | None = None
        self.pon = False
        self.annotation: str | None = None
        self.allele_num = 1
        self.vep_allele = alt
        self.line: int | None = None
        self.info_status: str | None = None
        self.multiallelic = False
        self.effect = None  # set by the consequence step

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
        vcf = VCF(str(path), lazy=True, threads=1)
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
    layout = VcfLayout(path, caller, samples, tumor, normal, csq, ann, pop_keys, notes,
                       _count_method(vcf, caller), frozenset(format_ids(vcf)))
    return vcf, layout


def vep_alleles(ref: str, alts: list[str]) -> list[str]:
    """The allele strings VEP writes in CSQ: shared first base stripped when lengths differ."""
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


def _sample_counts(row: list, alleles: int) -> list[int | None]:
    values = [None if (v is None or v < 0) else int(v) for v in row[:alleles]]
    return values + [None] * (alleles - len(values))


class CountReader:
    """Per-record allele counts for the tumour and normal columns, by the caller's convention."""

    def __init__(self, layout: VcfLayout) -> None:
        self.method = layout.count_method
        self.columns = [layout.tumor_index, layout.normal_index]
        self.formats = layout.format_ids

    def _format(self, variant, key: str):
        """FORMAT values, or None when the header does not declare the key (cyvcf2 raises)."""
        return variant.format(key) if key in self.formats else None

    def counts(self, variant, n_alleles: int) -> list[tuple[list[int | None], int | None] | None]:
        """For tumour and normal: (per-allele counts incl. ref, depth)."""
        method = self.method
        if method == "AD":
            return self._ad(variant, n_alleles)
        if method == "strelka":
            return self._strelka(variant, n_alleles)
        if method == "varscan":
            return self._varscan(variant)
        if method == "DP_AF":
            return self._dp_af(variant, n_alleles)
        return [None, None]

    def _ad(self, variant, n_alleles):
        data = self._format(variant, "AD")
        if data is None:
            return [None, None]
        rows = data.tolist()
        out = []
        for col in self.columns:
            if col is None:
                out.append(None)
                continue
            values = _sample_counts(rows[col], n_alleles)
            depth = sum(v for v in values if v is not None)
            out.append((values, depth if any(v is not None for v in values) else None))
        return out

    def _strelka(self, variant, n_alleles):
        alleles = [variant.REF] + list(variant.ALT)
        tar = self._format(variant, "TAR")
        tir = self._format(variant, "TIR")
        if tar is not None and tir is not None:  # indels: TAR ref, TIR indel reads, tier 1
            out = []
            for col in self.columns:
                if col is None:
                    out.append(None)
                    continue
                ref, alt = int(tar[col][0]), int(tir[col][0])
                out.append(([ref, alt] + [None] * (n_alleles - 2), ref + alt))
            return out
        per_base = {}
        for base in {a for a in alleles if len(a) == 1 and a in "ACGT"}:
            per_base[base] = self._format(variant, f"{base}U")
        if not any(v is not None for v in per_base.values()):
            return self._ad(variant, n_alleles)  # germline-workflow records carry AD instead
        out = []
        for col in self.columns:
            if col is None:
                out.append(None)
                continue
            values = [int(per_base[a][col][0]) if a in per_base and per_base[a] is not None
                      else None for a in alleles]
            out.append((values, sum(v for v in values if v is not None)))
        return out

    def _varscan(self, variant):
        rd, ad = self._format(variant, "RD"), self._format(variant, "AD")
        out = []
        for col in self.columns:
            if col is None or rd is None or ad is None:
                out.append(None)
                continue
            ref, alt = int(rd[col][0]), int(ad[col][0])
            out.append(([ref, alt], ref + alt))
        return out

    def _dp_af(self, variant, n_alleles):
        dp, af = self._format(variant, "DP"), self._format(variant, "AF")
        out = []
        for col in self.columns:
            if col is None or dp is None or af is None:
                out.append(None)
                continue
            depth = int(dp[col][0])
            alts = [int(round(float(f) * depth)) for f in af[col][: n_alleles - 1]]
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

    def __iter__(self) -> Iterator[Call]:
        layout = self.layout
        counter = CountReader(layout)
        csq_key = "CSQ" if layout.csq_fields else ("ANN" if layout.ann_fields else None)
        pop_keys = layout.population_af_keys
        is_mutect = layout.caller == "mutect2"
        status_key = "STATUS" if layout.caller == "vardict" else None
        lengths = self.lengths
        chrom_cache: dict[str, str] = {}
        try:
            for variant in self.vcf:
                self.records += 1
                alts = variant.ALT
                if not alts:
                    self.skipped["no_alt"] += 1
                    continue
                raw_chrom = variant.CHROM
                chrom = chrom_cache.get(raw_chrom)
                if chrom is None:
                    chrom = chrom_cache[raw_chrom] = normalize_chrom(raw_chrom)
                pos = variant.POS
                limit = lengths.get(chrom)
                if limit is not None and pos > limit:
                    raise LenallInputError(
                        f"position {raw_chrom}:{pos} is beyond the end of {self.genome} "
                        f"chromosome {chrom} ({limit})", file=layout.path, field="POS",
                        hint="the VCF is of another genome build; check --genome")
                ref = variant.REF
                n_alleles = len(alts) + 1
                kept = [(i, a) for i, a in enumerate(alts, 1) if not self._skip(a)]
                if not kept:
                    continue
                info = variant.INFO
                counts = counter.counts(variant, n_alleles)
                flt = variant.FILTER
                annotation = info.get(csq_key) if csq_key else None
                popaf = info.get("POPAF") if is_mutect else None
                pon = bool(info.get("PON")) if is_mutect else False
                pop_values = [info.get(k) for k in pop_keys] if pop_keys else ()
                status = info.get(status_key) if status_key else None
                vep = vep_alleles(ref, list(alts)) if csq_key == "CSQ" else alts
                if len(alts) > 1:
                    self.multiallelic_records += 1
                for allele_num, alt in kept:
                    self.alleles += 1
                    cpos, cref, calt = (pos, ref, alt) if len(alts) == 1 else minimal(pos, ref, alt)
                    call = Call(chrom, cpos, cref, calt)
                    call.vcf_filter = flt
                    call.allele_num = allele_num
                    call.vep_allele = vep[allele_num - 1]
                    call.annotation = annotation
                    call.pon = pon
                    call.info_status = status
                    call.multiallelic = len(alts) > 1
                    tumor, normal = counts
                    if tumor is not None:
                        call.t_ref, call.t_alt, call.t_depth = tumor[0][0], tumor[0][allele_num], tumor[1]
                    if normal is not None:
                        call.n_ref, call.n_alt, call.n_depth = normal[0][0], normal[0][allele_num], normal[1]
                    call.population_af = _population_af(popaf, pop_values, allele_num)
                    yield call
        except LenallInputError:
            raise
        except Exception as error:  # htslib read errors surface as plain Exception in cyvcf2
            raise LenallInputError(f"VCF cannot be read after record {self.records} ({error})",
                                   file=layout.path, line=None,
                                   hint="the file may be truncated or not valid VCF") from None

    def _skip(self, alt: str) -> bool:
        reason = skip_reason(alt)
        if reason:
            self.skipped[reason] += 1
            return True
        return False


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
