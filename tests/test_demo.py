"""The demo cohort: deterministic, well-formed files, and a truth table that matches Figure 1."""

from __future__ import annotations

import csv
import gzip
import hashlib
from collections import defaultdict
from pathlib import Path

import pytest

from lenall_genomics.cli import main
from lenall_genomics.demo.bgzf import bgzf_bytes
from lenall_genomics.demo.build import build_demo
from lenall_genomics.errors import LenallInputError
from lenall_genomics.model import SAMPLESHEET_COLUMNS

FIGURE1 = {  # docs/figure1.md, altered/evaluable
    "TP53": (9, 19), "TET2": (5, 19), "RB1": (5, 17), "CDKN2A/B": (2, 17), "CREBBP": (2, 17),
    "KRAS": (1, 19), "IKZF2": (1, 17), "IKZF1/IKZF3": (0, 17), "CRLF2 fusion": (2, 14),
    "Low hypodiploid": (8, 26),
    # fusion rows evaluable where a fusion could be seen, by karyotype or by a clinical
    # finding (BCR::ABL1 tested in all 32; docs/figure1.md)
    "KMT2A rearrangement": (2, 26), "BCR::ABL1": (1, 32),
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return build_demo(tmp_path_factory.mktemp("demo") / "d")


def _truth(folder: Path) -> list[dict[str, str]]:
    lines = (line for line in (folder / "truth.tsv").open() if not line.startswith("#"))
    return list(csv.DictReader(lines, delimiter="\t"))


def _sheet(folder: Path) -> list[dict[str, str]]:
    with (folder / "samplesheet.csv").open() as handle:
        return list(csv.DictReader(handle))


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_demo_is_byte_identical_across_runs(demo, tmp_path):
    again = build_demo(tmp_path / "again")
    assert _digest(again) == _digest(demo)
    assert len(_digest(demo)) > 60


def test_cli_writes_the_demo_and_refuses_grch37(tmp_path, capsys):
    main(["demo", "--outdir", str(tmp_path / "cli")])
    assert (tmp_path / "cli" / "samplesheet.csv").is_file()
    with pytest.raises(SystemExit) as done:
        main(["demo", "--outdir", str(tmp_path / "b37"), "--genome", "GRCh37"])
    assert done.value.code == 2
    assert "GRCh38" in capsys.readouterr().err


def test_grch37_is_a_clear_input_error(tmp_path):
    with pytest.raises(LenallInputError, match="GRCh38 only"):
        build_demo(tmp_path / "x", "GRCh37")


def test_truth_recomputes_every_figure1_count(demo):
    """n/N from the truth rows alone: altered patients among those evaluated for the row."""
    rows = _truth(demo)
    evaluated = defaultdict(set)
    for r in rows:
        if r["kind"] == "evaluability" and r["expected"] == "evaluated":
            evaluated[r["figure_row"]].add(r["patient"])
    altered = defaultdict(set)
    for r in rows:
        if r["kind"] not in ("evaluability", "figure_count") and r["figure_row"] != ".":
            assert r["patient"] in evaluated[r["figure_row"]], r
            altered[r["figure_row"]].add(r["patient"])
    for row, (n, total) in FIGURE1.items():
        assert (len(altered[row]), len(evaluated[row])) == (n, total), row
    counts = {r["item"]: r["expected"] for r in rows if r["kind"] == "figure_count"}
    assert all(counts[row] == f"{n}/{t}" for row, (n, t) in FIGURE1.items())
    assert altered["BCR::ABL1"] == {"32"}
    assert altered["KMT2A rearrangement"] == {"01", "13"}


def test_truth_has_the_special_cases(demo):
    rows = _truth(demo)
    ploidy = {r["patient"]: r for r in rows if r["kind"] == "ploidy"}
    masked = [p for p, r in ploidy.items() if "masked=yes" in r["detail"]]
    assert len(masked) >= 2 and all(ploidy[p]["expected"] == "low hypodiploid" for p in masked)
    assert any(r["expected"] == "high hyperdiploid" for r in ploidy.values())
    verdicts = {r["expected"] for r in rows if r["kind"] == "clonality"}
    assert {"related", "unrelated", "identity_mismatch",
            "unrelated, shared clonal-haematopoiesis precursor"} <= verdicts
    flagged = [r for r in rows if r["kind"] == "somatic_variant" and r["gene"] == "TP53"
               and "germline_confirmation_recommended" in r["detail"]]
    assert len(flagged) == 1 and flagged[0]["figure_row"] == "TP53"
    kinds = {r["kind"] for r in rows}
    assert {"multiallelic", "symbolic_allele", "germline_salt", "artifact_salt"} <= kinds


def test_no_germline_salt_sits_in_a_figure1_gene(demo):
    figure_genes = {"TP53", "TET2", "RB1", "CDKN2A", "CDKN2B", "CREBBP", "KRAS", "IKZF1",
                    "IKZF2", "IKZF3", "CRLF2"}
    salts = [r for r in _truth(demo) if r["kind"] in
             ("identity_snp", "germline_salt", "artifact_salt", "multiallelic")]
    assert salts and not [r for r in salts if r["gene"] in figure_genes]


def test_samplesheet_columns_and_relative_paths(demo):
    with (demo / "samplesheet.csv").open() as handle:
        assert next(csv.reader(handle)) == list(SAMPLESHEET_COLUMNS)
    rows = _sheet(demo)
    assert {r["patient"] for r in rows} == {f"{i:02d}" for i in range(1, 33)}
    for r in rows:
        for column in ("vcf", "fusions", "segments", "clonotypes"):
            if r[column]:
                assert not Path(r[column]).is_absolute() and (demo / r[column]).is_file()
    assert sum(1 for r in rows if r["segments"]) == 26
    karyotyped = {r["patient"] for r in rows if r["karyotype"]}
    assert karyotyped == {r["patient"] for r in rows if r["segments"]}  # the 26 with cytogenetics
    with_findings = [r for r in rows if r["findings"]]
    assert {r["patient"] for r in with_findings} == {f"{i:02d}" for i in range(1, 33)}
    assert all((demo / r["findings"]).is_file() for r in with_findings)


def test_samplesheet_validates(demo):
    samplesheet = pytest.importorskip("lenall_genomics.samplesheet")
    samples = samplesheet.load_samplesheet(demo / "samplesheet.csv")
    assert len({s.patient for s in samples}) == 32


def test_every_vcf_opens_with_cyvcf2_with_caller_headers(demo):
    cyvcf2 = pytest.importorskip("cyvcf2")
    from lenall_genomics.genome import chromosomes

    lengths = {f"chr{c.name}": c.length for c in chromosomes("GRCh38").values()}
    sheet = {r["sample"]: r for r in _sheet(demo)}
    vcfs = sorted((demo / "vcf").iterdir())
    assert vcfs
    for path in vcfs:
        reader = cyvcf2.VCF(str(path))
        contigs = dict(zip(reader.seqnames, reader.seqlens, strict=True))
        assert all(contigs[name] == length for name, length in lengths.items()), path.name
        records = list(reader)
        assert records, path.name
        header = reader.raw_header
        sample = path.name.split(".")[0]
        if "mutect2" in path.name:
            assert f"##tumor_sample={sample}" in header and "Format: Allele|Consequence" in header
            if sheet[sample]["normal"]:
                assert f"##normal_sample={sheet[sample]['normal']}" in header
                assert reader.samples == [sheet[sample]["normal"], sample]
            else:
                assert reader.samples == [sample]
            assert all(r.INFO.get("CSQ") for r in records)
        elif "vardict" in path.name:
            assert "##source=VarDict" in header and "ID=ANN" in header
        else:
            assert "MATEID" in header and any(r.INFO.get("SVTYPE") == "BND" for r in records)
        positions = [(reader.seqnames.index(r.CHROM), r.POS) for r in records]
        assert positions == sorted(positions), path.name


def test_bgzf_files_are_blocked_gzip_with_eof_marker(demo):
    path = demo / "vcf" / "P01_BALL.mutect2.vep.vcf.gz"
    data = path.read_bytes()
    assert data[:4] == b"\x1f\x8b\x08\x04" and data[12:14] == b"BC"
    assert data.endswith(bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000"))
    assert gzip.decompress(data).startswith(b"##fileformat=VCFv4.2")
    big = ("x" * 200 + "\n") * 2000
    assert gzip.decompress(bgzf_bytes(big.encode())) == big.encode()


def test_designed_somatic_variants_are_in_their_vcfs(demo):
    cyvcf2 = pytest.importorskip("cyvcf2")
    sheet = {r["sample"]: r for r in _sheet(demo)}
    expected = defaultdict(set)
    for r in _truth(demo):
        if r["kind"] == "somatic_variant":
            expected[r["sample"]].add(r["item"])
    tp53 = {}
    for sample, items in expected.items():
        reader = cyvcf2.VCF(str(demo / sheet[sample]["vcf"]))
        pass_calls = [v for v in reader if v.FILTER is None]
        assert len(pass_calls) >= len(items), sample
        for v in pass_calls:
            if v.CHROM == "chr17" and v.POS in (7674220,):
                tumour = reader.samples.index(sample)
                ref, alt = v.format("AD")[tumour][:2]
                tp53[sample] = alt / (ref + alt)
    assert 0.45 <= tp53["P24_BALL"] <= 0.55  # the germline-looking TP53 of a tumour-only sample


def test_segment_files_match_tool_columns(demo):
    facets = (demo / "cn" / "P17_BALL.facets.cncf.txt").read_text().splitlines()
    assert facets[0].split("\t") == ["chrom", "seg", "num.mark", "nhet", "cnlr.median", "mafR",
                                     "segclust", "cnlr.median.clust", "mafR.clust", "start",
                                     "end", "cf.em", "tcn.em", "lcn.em"]
    chroms = {line.split("\t")[0] for line in facets[1:]}
    assert "23" in chroms and "X" not in chroms
    states = {(line.split("\t")[12], line.split("\t")[13]) for line in facets[1:]}
    assert ("2", "0") in states and ("4", "2") in states  # masked: LOH at 2 copies, het at 4
    cns = (demo / "cn" / "P21_BALL.call.cns").read_text().splitlines()
    assert cns[0].split("\t") == ["chromosome", "start", "end", "gene", "log2", "baf", "cn", "cn1",
                                  "cn2", "depth", "probes", "weight"]
    plain = (demo / "cn" / "P16_BALL.call.cns").read_text().splitlines()
    assert plain[0].split("\t") == ["chromosome", "start", "end", "gene", "log2", "cn", "depth",
                                    "probes", "weight"]


def test_real_tool_headers_match(demo, real_examples):
    """Columns are those of the public example outputs of each tool."""
    def first_line(path: Path) -> list[str]:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt") as handle:
            return handle.readline().rstrip("\n").split("\t")

    arriba = first_line(real_examples / "fusions" / "arriba" / "arriba_test_fusions.tsv")
    assert first_line(demo / "rna" / "P06_BALL.arriba.fusions.tsv") == arriba
    star = first_line(real_examples / "fusions" / "star_fusion"
                      / "kickstart.star-fusion.fusion_candidates.final.abridged")
    ours = first_line(demo / "rna" / "P24_BALL.star-fusion.fusion_predictions.abridged.tsv")
    assert [c for c in ours if c in star] == star
    cns = first_line(real_examples / "cnv" / "cnvkit" / "p2-9_2.call.cns")
    assert first_line(demo / "cn" / "P16_BALL.call.cns") == cns
    airr = first_line(real_examples / "clonotypes" / "airr" / "good_rearrangement.tsv")
    ours = first_line(demo / "airr" / "P18_MM.airr.tsv")
    required = {"sequence_id", "sequence", "rev_comp", "productive", "v_call", "d_call", "j_call",
                "sequence_alignment", "germline_alignment", "junction", "junction_aa",
                "v_cigar", "d_cigar", "j_cigar"}
    assert required <= set(ours) and required <= set(airr)
