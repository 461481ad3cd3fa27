"""Rebuild assets/hotspots.tsv from the cancerhotspots.org v2 lists and the curated rows.

Usage:
    python scripts/build_hotspots.py SINGLE_AA_TXT INDEL_TXT [--version V] [--date YYYY-MM-DD]

SINGLE_AA_TXT: hotspots_single_aa_change.hg19.txt and INDEL_TXT: hotspots_indel.txt of the
public repository charlottekyng/cancer_hotspots (a redistribution of cancerhotspots.org v2,
Chang et al. 2016 Nat Biotechnol 34:155 and Chang et al. 2018 Cancer Discov 8:174, with residue
positions on SnpEff 4.3t canonical transcripts). Kept: rows typed HOTSPOT (cancerhotspots.org
v2). Left out: rows typed HOTSPOT3D (3dhotspots.org, Gao et al. 2017 Genome Med 9:4): spatial
clusters, many in genes with no role in cancer; the redistribution also types a few residues that
are in both resources HOTSPOT3D (NRAS G12, TP53 R175), which the curated rows list with their own
source. The curated rows already in assets/hotspots.tsv (tier `curated`) are kept as they are; a
residue in both gets the curated row, its source naming cancerhotspots.org v2 too.
Output order: gene, kind, start; byte-identical for the same inputs.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ASSET = Path(__file__).resolve().parents[1] / "assets" / "hotspots.tsv"
COLUMNS = ("gene", "start", "end", "ref_aa", "alt_aa", "kind", "tier", "source")
V2_SOURCE = "cancerhotspots.org v2 (Chang 2016 PMID:26619011; Chang 2018 PMID:29247016)"
ONE_LETTER = {"Ala": "A", "Arg": "R", "Asn": "N", "Asp": "D", "Cys": "C", "Gln": "Q",
              "Glu": "E", "Gly": "G", "His": "H", "Ile": "I", "Leu": "L", "Lys": "K",
              "Met": "M", "Phe": "F", "Pro": "P", "Ser": "S", "Thr": "T", "Trp": "W",
              "Tyr": "Y", "Val": "V"}


def _table(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def statistical_rows(single: Path, indel: Path) -> list[dict[str, str]]:
    rows = []
    for r in _table(single):
        if r["hotspot_type"] != "HOTSPOT":
            continue
        aa = ONE_LETTER.get(r["aa_ref"], r["aa_ref"])
        rows.append({"gene": r["GENE"], "start": r["aa_pos"], "end": r["aa_pos"], "ref_aa": aa,
                     "alt_aa": "*", "kind": "residue", "tier": "statistical",
                     "source": V2_SOURCE})
    for r in _table(indel):
        if r["hotspot_type"] != "HOTSPOT":
            continue
        rows.append({"gene": r["GENE"], "start": r["aa_start"], "end": r["aa_end"],
                     "ref_aa": ".", "alt_aa": "*", "kind": "indel", "tier": "statistical",
                     "source": f"{V2_SOURCE}, in-frame indel"})
    return rows


def merged(curated: list[dict[str, str]], statistical: list[dict[str, str]]) -> list[dict]:
    def key(r):
        return (r["gene"], r["kind"], int(r["start"]), int(r["end"]))

    by_key = {}
    for r in statistical:
        by_key.setdefault(key(r), r)
    for r in curated:
        if key(r) in by_key and "cancerhotspots.org v2" not in r["source"]:
            r = {**r, "source": f"{r['source']}; cancerhotspots.org v2"}
        by_key[key(r)] = r
    return [by_key[k] for k in sorted(by_key)]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("single", type=Path)
    parser.add_argument("indel", type=Path)
    parser.add_argument("--version", required=True)
    parser.add_argument("--date", required=True)
    args = parser.parse_args(argv)
    text = ASSET.read_text()
    header = [line for line in text.splitlines() if line.startswith("#")]
    header = [f"# version: {args.version} ({args.date})" if line.startswith("# version:")
              else line for line in header]
    curated = [r for r in _table(ASSET) if r["tier"] == "curated"]
    rows = merged(curated, statistical_rows(args.single, args.indel))
    lines = header + ["\t".join(COLUMNS)] + ["\t".join(r[c] for c in COLUMNS) for r in rows]
    ASSET.write_text("\n".join(lines) + "\n")
    print(f"{ASSET}: {len(rows)} rows ({len(curated)} curated)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
