"""IGH clonotype readers: AIRR, Change-O, MiXCR -> clonotypes (gene-level V/J, junction, fraction)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from lenall_genomics.cli import main
from lenall_genomics.errors import LenallInputError
from lenall_genomics.model import CLONOTYPE_COLUMNS
from lenall_genomics.readers.clonotypes import (
    gene_calls,
    load_clonotypes_tsv,
    read_clonotypes,
    translate,
)

J1 = "TGTGCGAGAGATCGGGGCTACTTTGACTACTGG"  # C A R D R G Y F D Y W
J2 = "TGTGCGAAAGGTAGCAGCTGGTACTTCGATCTCTGG"


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path.write_text("\n".join("\t".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    return path


def test_gene_calls_drop_alleles_and_keep_ambiguity():
    assert gene_calls("IGHV3-23*01,IGHV3-23D*01") == "IGHV3-23,IGHV3-23D"
    assert gene_calls("Homsap IGHV1-2*02 F,Homsap IGHV1-2*04 F") == "IGHV1-2"
    assert gene_calls("IGHV3-23*00(1234.5),IGHV3-30*00(900)") == "IGHV3-23,IGHV3-30"
    assert translate(J1) == "CARDRGYFDYW"


def test_airr_collapses_reads_to_clonotypes_igh_only(tmp_path):
    header = ["sequence_id", "v_call", "j_call", "junction", "junction_aa", "productive",
              "duplicate_count", "locus"]
    rows = [
        ["r1", "IGHV3-23*01,IGHV3-23D*01", "IGHJ4*02", J1, "CARDRGYFDYW", "T", "60", "IGH"],
        ["r2", "IGHV3-23*04,IGHV3-23D*01", "IGHJ4*01", J1, "CARDRGYFDYW", "T", "20", "IGH"],
        # the clone's out-of-frame allele is kept: it marks the same clone
        ["r3", "IGHV1-2*02", "IGHJ6*02", J2, "", "F", "20", "IGH"],
        ["r4", "IGKV1-9*01", "IGKJ1*01", "TGTCAACAGTTGAATAGTTACCCTCGGACGTTC", "", "T", "500",
         "IGK"],
        ["r5", "IGHV4-34*01", "IGHJ4*02", "", "", "T", "7", "IGH"],
    ]
    table = read_clonotypes(_write(tmp_path / "rearrangements.tsv", header, rows))
    assert table.format == "airr"
    assert [r["v_gene"] for r in table.rows] == ["IGHV3-23,IGHV3-23D", "IGHV1-2"]
    top = table.rows[0]
    assert (top["j_gene"], top["cdr3_nt"], top["count"]) == ("IGHJ4", J1, 80)
    assert top["fraction"] == pytest.approx(0.8)
    assert table.rows[1]["cdr3_aa"] == translate(J2)
    assert table.skipped == {"not_IGH": 1, "no_junction": 1}
    assert table.nonproductive_records == 1


def test_changeo_uppercase_and_mixcr_export(tmp_path):
    changeo = _write(tmp_path / "db-pass.tsv",
                     ["SEQUENCE_ID", "V_CALL", "J_CALL", "JUNCTION", "CONSCOUNT", "FUNCTIONAL"],
                     [["a", "Homsap IGHV1-2*02 F", "Homsap IGHJ4*02 F", J1, "3", "T"],
                      ["b", "IGHV1-2*02", "IGHJ4*02", J1, "1", "T"]])
    table = read_clonotypes(changeo)
    assert table.format == "changeo"
    assert [(r["v_gene"], r["count"]) for r in table.rows] == [("IGHV1-2", 4)]

    mixcr = _write(tmp_path / "clones.tsv",
                   ["cloneId", "cloneCount", "cloneFraction", "allVHitsWithScore",
                    "allJHitsWithScore", "nSeqCDR3", "aaSeqCDR3"],
                   [["0", "900", "0.9", "IGHV3-23*00(1500)", "IGHJ4*00(300)", J1, "CARDRGYFDYW"],
                    ["1", "100", "0.1", "IGLV2-14*00(1000)", "IGLJ2*00(200)", J2, "X"]])
    table = read_clonotypes(mixcr)
    assert table.format == "mixcr"
    assert len(table.rows) == 1 and table.rows[0]["fraction"] == 1.0
    assert table.rows[0]["v_gene"] == "IGHV3-23"


def test_missing_junction_column_names_file_and_column(tmp_path):
    path = _write(tmp_path / "no_cdr3.tsv", ["sequence_id", "v_call", "j_call", "productive"],
                  [["r1", "IGHV3-23*01", "IGHJ4*02", "T"]])
    with pytest.raises(LenallInputError) as error:
        read_clonotypes(path)
    text = str(error.value)
    assert "no_cdr3.tsv" in text and "junction" in text and "hint" in text


def test_command_writes_contract_and_bad_input_exits_2(tmp_path, capsys):
    source = _write(tmp_path / "in.tsv", ["sequence_id", "v_call", "j_call", "junction"],
                    [["r1", "IGHV3-23*01", "IGHJ4*02", J1]])
    main(["clonotypes", "--sample", "S1", "--clonotypes", str(source),
          "--outdir", str(tmp_path / "out")])
    out = tmp_path / "out" / "S1.clonotypes.tsv"
    assert out.read_text().splitlines()[0].split("\t") == list(CLONOTYPE_COLUMNS)
    assert load_clonotypes_tsv(out)[0]["cdr3_nt"] == J1
    capsys.readouterr()

    bad = _write(tmp_path / "bad.tsv", ["sequence_id", "v_call", "j_call"],
                 [["r1", "IGHV3-23*01", "IGHJ4*02"]])
    with pytest.raises(SystemExit) as done:
        main(["clonotypes", "--sample", "S2", "--clonotypes", str(bad),
              "--outdir", str(tmp_path / "out")])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert "bad.tsv" in err and "junction" in err and len(err.strip().splitlines()) == 1


def test_gzipped_input(tmp_path):
    path = tmp_path / "in.tsv.gz"
    with gzip.open(path, "wt") as handle:
        handle.write(f"v_call\tj_call\tjunction\nIGHV3-23*01\tIGHJ4*02\t{J1}\n")
    assert read_clonotypes(path).rows[0]["cdr3_nt"] == J1


def test_real_airr_quoted_fields(real_examples):
    path = real_examples / "clonotypes" / "airr" / "rearrangement-example_IGH_SRR765688.tsv.gz"
    table = read_clonotypes(path)
    assert table.format == "airr" and table.records == 101 and table.igh_records == 101
    assert sum(r["count"] for r in table.rows) == 299  # duplicate_count summed, none dropped
    assert sum(r["fraction"] for r in table.rows) == pytest.approx(1.0)
    assert all("*" not in r["v_gene"] and '"' not in r["cdr3_nt"] for r in table.rows)
    assert any("," in r["j_gene"] for r in table.rows)  # ambiguous J calls kept as genes


def test_real_airr_schema_example(real_examples):
    table = read_clonotypes(real_examples / "clonotypes" / "airr" / "good_rearrangement.tsv")
    assert table.rows[0]["v_gene"] == "IGHV4-31" and table.rows[0]["j_gene"] == "IGHJ4"
    assert table.rows[0]["cdr3_aa"] == "CASGVAGTFDYW"


@pytest.mark.parametrize("name", ["igblast1.7_ig_db-pass.tsv", "imgt_ig_db-pass.tsv"])
def test_real_changeo_keeps_igh_and_counts_light_chains(real_examples, name):
    table = read_clonotypes(real_examples / "clonotypes" / "changeo" / name)
    assert table.format == "changeo"
    assert [r["v_gene"] for r in table.rows] == ["IGHV1-2", "IGHV5-51"]
    assert table.skipped == {"not_IGH": 5}


def test_real_immunarch_export_is_refused_clearly(real_examples):
    with pytest.raises(LenallInputError, match="not a recognized clonotype table"):
        read_clonotypes(real_examples / "clonotypes" / "immunarch_trb" / "Sample1.tsv.gz")
