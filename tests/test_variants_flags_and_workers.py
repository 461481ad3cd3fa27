"""gnomAD sub-population flag (vcf2maf --max-subpop-af) and the --workers option."""

from __future__ import annotations

import pytest

from lenall_genomics.cli import main
from lenall_genomics.variants.consequence import Annotator
from lenall_genomics.variants.pipeline import run_variants
from variants_helpers import by_pos, outputs

CSQ_FIELDS = ("Allele", "Consequence", "IMPACT", "SYMBOL", "Feature", "BIOTYPE", "HGVSc", "HGVSp",
              "CANONICAL", "gnomADe_AF", "gnomADe_AFR_AF", "gnomADe_OTH_AF", "gnomADg_SAS_AF",
              "MAX_AF")
HEADER = f"""##fileformat=VCFv4.2
##FILTER=<ID=PASS,Description="All filters passed">
##FILTER=<ID=weak_evidence,Description="Mutation does not meet likelihood threshold">
##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. \
Format: {"|".join(CSQ_FIELDS)}">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">
##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fraction">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tT1
"""


def _csq(alt: str, **pops: str) -> str:
    values = {"Allele": alt, "Consequence": "missense_variant", "IMPACT": "MODERATE",
              "SYMBOL": "TET2", "Feature": "ENST00000380013", "BIOTYPE": "protein_coding",
              "CANONICAL": "YES", **pops}
    return "|".join(values.get(f, "") for f in CSQ_FIELDS)


def _record(pos: int, filt: str = "PASS", **pops: str) -> str:
    return (f"chr4\t{pos}\t.\tC\tT\t.\t{filt}\tCSQ={_csq('T', **pops)}\tGT:AD:DP:AF\t"
            "0/1:70,30:100:0.3")


RECORDS = [
    _record(105_000_100, gnomADe_AF="0.0001", gnomADe_AFR_AF="0.0009"),  # AFR above 0.0004
    _record(105_000_200, gnomADe_OTH_AF="0.005"),  # OTH is no sub-population; AF 0.005
    _record(105_000_300, gnomADg_SAS_AF="0.0003"),  # below 0.0004
    _record(105_000_400, gnomADg_SAS_AF="0.0001&0.0006"),  # co-located entries: highest counts
    _record(105_000_500),  # absent from gnomAD
    _record(105_000_600, filt="weak_evidence", gnomADe_AFR_AF="0.2"),
]


@pytest.fixture
def csq_vcf(tmp_path):
    path = tmp_path / "t1.vcf"
    path.write_text(HEADER + "\n".join(RECORDS) + "\n")
    return path


def _flags(row: dict) -> set[str]:
    return set(row["flags"].split(";")) - {"."}


def test_subpopulation_af_above_max_subpop_af_adds_common_variant_flag(csq_vcf, tmp_path):
    qc = run_variants("T1", tmp_path / "out", vcf=csq_vcf)
    tsv, maf, _ = outputs(tmp_path / "out", "T1")
    rows = {int(pos): row for (pos, _), row in by_pos(tsv).items()}
    flagged = {pos for pos, row in rows.items() if "common_variant" in _flags(row)}
    assert flagged == {105_000_100, 105_000_400, 105_000_600}
    # a flag only: the status still follows the population AF rules
    assert rows[105_000_100]["status"] == "somatic"
    assert rows[105_000_200]["status"] == "likely_germline"
    assert rows[105_000_600]["status"] == "filtered"
    assert qc["flag_counts"]["common_variant"] == 3
    maf_flags = {int(r["Start_Position"]): r["flags"] for r in maf}
    assert "common_variant" in maf_flags[105_000_100]
    assert "common_variant" not in maf_flags[105_000_500]


def test_max_subpop_af_option_moves_the_flag_threshold(csq_vcf, tmp_path):
    out = tmp_path / "out"
    main(["variants", "--sample", "T1", "--outdir", str(out), "--vcf", str(csq_vcf),
          "--max-subpop-af", "0.001"])
    tsv, _, qc = outputs(out, "T1")
    flagged = {int(r["pos"]) for r in tsv if "common_variant" in _flags(r)}
    assert flagged == {105_000_600}
    assert qc["thresholds"]["max_subpop_af"] == 0.001


@pytest.mark.parametrize("name,subpopulation", [
    ("gnomAD_NFE_AF", True), ("gnomADe_AFR_AF", True), ("gnomADg_SAS_AF", True),
    ("gnomADe_AF", False), ("gnomADe_OTH_AF", False), ("gnomADg_REMAINING_AF", False),
    ("MAX_AF", False), ("AFR_AF", False),
])
def test_subpopulation_fields_are_read_from_the_csq_header(name, subpopulation):
    annotator = Annotator("GRCh38", csq_fields=("Allele", "Consequence", name))
    entries = annotator.entries("T|missense_variant|0.5", "T", 1)
    assert annotator.population_afs(entries)[1] == (0.5 if subpopulation else None)


def _many_records(n: int) -> str:
    lines = []
    for i in range(n):
        af = ("0.002" if i % 3 == 0 else "0.0001")
        depth = 20 + i % 80
        lines.append(f"chr4\t{105_000_000 + 7 * i}\t.\tC\tT\t.\tPASS\t"
                     f"CSQ={_csq('T', gnomADe_AFR_AF=af)}\tGT:AD:DP:AF\t"
                     f"0/1:{depth - 5},5:{depth}:0.1")
    return "\n".join(lines) + "\n"


def test_outputs_do_not_depend_on_workers(tmp_path, monkeypatch):
    from lenall_genomics.variants import pipeline

    forked = []
    parallel = pipeline._parallel_row_batches

    def spy(source, decider, workers):
        forked.append(workers)
        yield from parallel(source, decider, workers)

    monkeypatch.setattr(pipeline, "_parallel_row_batches", spy)
    vcf = tmp_path / "many.vcf"
    vcf.write_text(HEADER + _many_records(4000))  # about 1 MB: several batches
    made = {}
    for workers in ("1", "2"):
        out = tmp_path / f"w{workers}"
        main(["variants", "--sample", "T1", "--outdir", str(out), "--vcf", str(vcf),
              "--workers", workers])
        made[workers] = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    assert forked == [2]  # --workers 1 stayed in this process, --workers 2 forked
    assert made["1"] == made["2"]
    assert len(made["1"]) == 3


def _compressed(vcf, kind: str, tmp_path):
    """The VCF as it is, bgzipped (BGZF blocks) or plain-gzipped (one gzip member)."""
    import gzip

    import pysam

    if kind == "plain":
        return vcf
    out = tmp_path / f"{vcf.stem}.{kind}.vcf.gz"
    if kind == "bgzip":
        pysam.tabix_compress(str(vcf), str(out), force=True)
    else:
        out.write_bytes(gzip.compress(vcf.read_bytes()))
    return out


def _long_header_records(n: int) -> str:
    """A header longer than a small piece, multi-allelic records, a blank line, CRLF ends."""
    contigs = "".join(f"##contig=<ID=chrUn_{i},length=1000>\n" for i in range(300))
    lines = [f"chr4\t{105_000_000 + 7 * i}\t.\tC\tT\t.\tPASS\tCSQ={_csq('T')}\t"
             f"GT:AD:DP:AF\t0/1:{20 + i % 50},5:{25 + i % 50}:0.1" for i in range(n)]
    lines[10] = lines[10].replace("\tC\tT\t", "\tCTT\tC,CT\t").replace(",5:", ",5,3:")
    lines[20] += "\r"
    lines.insert(30, "")
    return HEADER.replace("#CHROM", contigs + "#CHROM") + "\n".join(lines)  # no last line end


@pytest.mark.parametrize("kind", ["plain", "bgzip", "gzip"])
def test_workers_join_lines_cut_at_piece_boundaries(tmp_path, monkeypatch, kind):
    """Pieces of a few kB (BGZF blocks sent compressed, or text) cut lines anywhere: the rows,
    their order and the counts are those of one process."""
    from lenall_genomics.readers import vcf as vcf_reader

    monkeypatch.setattr(vcf_reader, "_PIECE", 3000)
    monkeypatch.setattr(vcf_reader, "_CHUNK", 5000)
    plain = tmp_path / "cut.vcf"
    plain.write_text(_long_header_records(3000))  # several BGZF blocks of 64 kB of text
    vcf = _compressed(plain, kind, tmp_path)
    made = {}
    for workers in (1, 2):
        out = tmp_path / f"{kind}{workers}"
        qc = run_variants("T1", out, vcf=vcf, workers=workers)
        made[workers] = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    assert made[1] == made[2]
    assert qc["records_read"] == 3000
    assert qc["alleles_considered"] == 3001 and qc["multiallelic_records_split"] == 1


@pytest.mark.parametrize("kind", ["plain", "bgzip"])
def test_a_bad_record_is_named_by_its_line_with_workers(tmp_path, monkeypatch, kind):
    from lenall_genomics.errors import LenallInputError
    from lenall_genomics.readers import vcf as vcf_reader

    monkeypatch.setattr(vcf_reader, "_PIECE", 3000)
    monkeypatch.setattr(vcf_reader, "_CHUNK", 5000)
    lines = _many_records(400).splitlines()
    lines[250] = lines[250].replace("\t105", "\tpos105", 1)
    plain = tmp_path / "bad.vcf"
    plain.write_text(HEADER + "\n".join(lines) + "\n")
    vcf = _compressed(plain, kind, tmp_path)
    header_lines = HEADER.count("\n")
    for workers in (1, 2):
        with pytest.raises(LenallInputError) as error:
            run_variants("T1", tmp_path / f"out{workers}", vcf=vcf, workers=workers)
        assert error.value.line == header_lines + 251
        assert error.value.field == "POS"


def test_corrupt_bgzf_data_is_a_clear_error_with_workers(tmp_path, monkeypatch):
    from lenall_genomics.errors import LenallInputError
    from lenall_genomics.readers import vcf as vcf_reader

    monkeypatch.setattr(vcf_reader, "_PIECE", 3000)
    plain = tmp_path / "c.vcf"
    plain.write_text(_long_header_records(3000))
    vcf = _compressed(plain, "bgzip", tmp_path)
    data = bytearray(vcf.read_bytes())
    third = 0
    for _ in range(2):  # the start of the third BGZF block
        third += int.from_bytes(data[third + 16:third + 18], "little") + 1
    data[third + 40:third + 200] = bytes(160)  # its deflate data, not its header
    vcf.write_bytes(bytes(data))
    for workers in (1, 2):
        with pytest.raises(LenallInputError) as error:
            run_variants("T1", tmp_path / f"out{workers}", vcf=vcf, workers=workers)
        assert "cannot be read" in error.value.message


def test_data_pieces_are_the_data_lines_of_every_kind_of_file(tmp_path, monkeypatch):
    from lenall_genomics.readers import vcf as vcf_reader

    monkeypatch.setattr(vcf_reader, "_PIECE", 3000)
    monkeypatch.setattr(vcf_reader, "_CHUNK", 5000)
    plain = tmp_path / "p.vcf"
    plain.write_text(_long_header_records(3000))
    expected = b"".join(vcf_reader.data_chunks(plain))
    assert len(vcf_reader.split_lines(expected)) == 3000  # the blank line is left out
    for kind in ("plain", "bgzip", "gzip"):
        path = _compressed(plain, kind, tmp_path)
        pieces = list(vcf_reader.data_pieces(path))
        assert len(pieces) > 3
        assert all(compressed == (kind == "bgzip") for _, compressed in pieces[1:])
        text = b"".join(vcf_reader.inflate(p) if c else p for p, c in pieces)
        assert text.rstrip(b"\n") == expected.rstrip(b"\n"), kind


def test_workers_below_one_is_refused(csq_vcf, tmp_path):
    with pytest.raises(SystemExit) as done:
        main(["variants", "--sample", "T1", "--outdir", str(tmp_path / "out"),
              "--vcf", str(csq_vcf), "--workers", "0"])
    assert done.value.code == 2
