"""Somatic mutations of two samples: shared, private, or present below the calling threshold."""

from __future__ import annotations

from dataclasses import dataclass, field

from .frequencies import FrequencyTable, pair_frequency, table_disease
from .inputs import SampleData
from .parameters import ch_genes
from .reads import ReadCounter, Reads, on_panel, reads_at
from .sites import site_order

SHARED_STATUSES = ("shared", "subthreshold_earlier", "subthreshold_later")

TESTABLE_ABSENCE = ("absent_with_coverage", "no_record")


@dataclass
class MutationComparison:
    rows: list[dict] = field(default_factory=list)

    def count(self, *statuses: str) -> int:
        return sum(1 for r in self.rows if r["status"] in statuses)

    def tested(self) -> tuple[list[float], list[float]]:
        shared = [r["population_frequency"] for r in self.rows
                  if r["in_test"] and r["status"] in SHARED_STATUSES]
        private = [r["population_frequency"] for r in self.rows
                   if r["in_test"] and r["status"] not in SHARED_STATUSES]
        return shared, private


def _presence(reads: Reads, covered: bool | None, params: dict[str, float]) -> str:
    if reads.source == "none":
        return "not_on_panel" if covered is False else "no_record"
    if (reads.alt or 0) >= params["min_alt_reads"]:
        return "present_below_threshold"
    if (reads.depth or 0) >= params["min_depth"]:
        return "absent_with_coverage"
    return "not_covered"


def compare_mutations(earlier: SampleData, later: SampleData, freqs: FrequencyTable,
                      params: dict[str, float], counters: dict[str, ReadCounter]
                      ) -> MutationComparison:
    somatic_e = {k for k, r in (earlier.variants or {}).items() if r["status"] == "somatic"}
    somatic_l = {k for k, r in (later.variants or {}).items() if r["status"] == "somatic"}
    result = MutationComparison()
    for key in sorted(somatic_e | somatic_l, key=site_order):
        row_e = (earlier.variants or {}).get(key) or {}
        row_l = (later.variants or {}).get(key) or {}
        gene = row_e.get("gene") or row_l.get("gene")
        hgvsp = row_e.get("hgvsp") or row_l.get("hgvsp")
        reads_e, reads_l = reads_at(earlier, key, counters), reads_at(later, key, counters)
        if key in somatic_e and key in somatic_l:
            status, other = "shared", "called"
        elif key in somatic_e:
            other = _presence(reads_l, on_panel(later, gene, key[0], key[1]), params)
            status = ("subthreshold_later" if other == "present_below_threshold"
                      else "private_earlier")
        else:
            other = _presence(reads_e, on_panel(earlier, gene, key[0], key[1]), params)
            status = ("subthreshold_earlier" if other == "present_below_threshold"
                      else "private_later")
        hotspot = row_e.get("hotspot") or row_l.get("hotspot")
        frequency, basis, recurrent = _population_frequency(
            freqs, gene, hgvsp, hotspot, (earlier, later), params)
        in_test = status in SHARED_STATUSES or other in TESTABLE_ABSENCE
        result.rows.append({
            "chrom": key[0], "pos": key[1], "ref": key[2], "alt": key[3], "gene": gene,
            "hgvsp": hgvsp, "status": status, "other_sample_reads": other, "in_test": in_test,
            "earlier_call": reads_e.call, "earlier_depth": _whole(reads_e.depth),
            "earlier_alt_count": _whole(reads_e.alt), "earlier_vaf": reads_e.vaf,
            "later_call": reads_l.call, "later_depth": _whole(reads_l.depth),
            "later_alt_count": _whole(reads_l.alt), "later_vaf": reads_l.vaf,
            "population_frequency": frequency, "frequency_basis": basis,
            "ch_gene": bool(gene and gene in ch_genes()), "recurrent": recurrent,
        })
    return result


def _population_frequency(freqs: FrequencyTable, gene: str | None, hgvsp: str | None,
                          hotspot: str | None, pair: tuple[SampleData, SampleData],
                          params: dict[str, float]) -> tuple[float, str, bool]:
    """(frequency for the test, its basis, recurrent hotspot?) for the pair's two diseases."""
    found = [freqs.find(gene, hgvsp, table_disease(d.sample.diagnosis)) for d in pair]
    values = [f.value for f in found]
    if hotspot:
        # a cancer hotspot the frequency table does not list still arises independently
        values = [max(v, params["hotspot_frequency"]) for v in values]
    frequency = pair_frequency(*values)
    if found[0].basis == found[1].basis and values[0] == values[1]:
        basis = found[0].basis
    else:
        basis = " / ".join(f"{f.basis} {v:g}" for f, v in zip(found, values, strict=True))
    if hotspot and values != [f.value for f in found]:
        basis += f"; hotspot {hotspot} (frequency at least {params['hotspot_frequency']:g})"
    # judged on the pair's frequency: common in one disease and rare in the other is still
    # rarely shared by chance
    recurrent = bool(hotspot) or frequency >= params["recurrent_frequency_min"]
    return frequency, basis, recurrent


def _whole(value: float | None) -> int | float | None:
    return int(value) if value is not None and float(value).is_integer() else value
