"""Sample identity from germline sites, somalier-style (docs/methods.md e)."""

from __future__ import annotations

from dataclasses import dataclass

from ..genome import AUTOSOMES
from .inputs import SampleData
from .reads import ReadCounter, Reads, on_panel, reads_at
from .sites import Key, site_order

GERMLINE_STATUSES = ("germline", "likely_germline")


@dataclass(frozen=True)
class Identity:
    call: str  # match | mismatch | unknown
    sites: int  # germline sites genotyped in both samples
    hom_alts_a: int = 0
    hom_alts_b: int = 0
    shared_hom_alts: int = 0
    ibs0: int = 0
    hom_concordance: float | None = None

    def describe(self) -> str:
        if self.hom_concordance is None:
            return f"identity {self.call}: {self.sites} informative germline sites"
        return (f"identity {self.call}: homozygous concordance {self.hom_concordance:.2f} "
                f"(shared hom-alt {self.shared_hom_alts}, IBS0 {self.ibs0}, hom-alt "
                f"{self.hom_alts_a}/{self.hom_alts_b}) over {self.sites} germline sites")


def genotype(reads: Reads, params: dict[str, float]) -> int | None:
    """0 hom-ref, 1 het, 2 hom-alt from depth and VAF; None when not confident."""
    if reads.vaf is None or (reads.depth or 0) < params["min_depth"]:
        return None
    if reads.vaf <= params["hom_ref_vaf_max"]:
        return 0
    if params["het_vaf_min"] <= reads.vaf <= params["het_vaf_max"]:
        return 1
    if reads.vaf >= params["hom_alt_vaf_min"]:
        return 2
    return None


def _identity_genotype(data: SampleData, key: Key, gene: str | None,
                       params: dict[str, float], counters: dict[str, ReadCounter]
                       ) -> int | None:
    reads = reads_at(data, key, counters)
    if reads.source != "none":
        return genotype(reads, params)
    # a germline site not recorded where the panel covers it: homozygous reference there
    return 0 if on_panel(data, gene, key[0], key[1]) else None


def _identity_site(key: Key, row: dict, params: dict[str, float]) -> bool:
    if key[0] not in AUTOSOMES or len(key[2]) != 1 or len(key[3]) != 1:
        return False
    common = (row.get("population_af") or 0.0) >= params["identity_min_population_af"]
    return row["status"] in GERMLINE_STATUSES or common


def sample_identity(a: SampleData, b: SampleData, params: dict[str, float],
                    counters: dict[str, ReadCounter]) -> Identity:
    """Homozygous concordance = (shared hom-alts - 2 IBS0) / min(hom-alts a, hom-alts b), as
    somalier; robust to the LOH of tumours. Sites: autosomal SNVs that either sample records as
    germline, or as a common polymorphism (a swapped-in tumour's SNPs may look somatic against
    the matched normal of another person)."""
    sites: set[Key] = set()
    for data in (a, b):
        sites |= {k for k, r in (data.variants or {}).items()
                  if _identity_site(k, r, params)}
    pairs = []
    for key in sorted(sites, key=site_order):
        gene = ((a.variants or {}).get(key) or (b.variants or {}).get(key) or {}).get("gene")
        ga = _identity_genotype(a, key, gene, params, counters)
        gb = _identity_genotype(b, key, gene, params, counters)
        if ga is not None and gb is not None:
            pairs.append((ga, gb))
    n = len(pairs)
    hom_a = sum(1 for ga, _ in pairs if ga == 2)
    hom_b = sum(1 for _, gb in pairs if gb == 2)
    shared = sum(1 for ga, gb in pairs if ga == gb == 2)
    ibs0 = sum(1 for ga, gb in pairs if abs(ga - gb) == 2)
    if n < params["identity_min_sites"] or max(hom_a, hom_b) == 0:
        return Identity("unknown", n, hom_a, hom_b, shared, ibs0)
    concordance = (shared - 2 * ibs0) / max(1, min(hom_a, hom_b))
    if concordance >= params["identity_match_min"]:
        call = "match"
    elif concordance < params["identity_mismatch_max"]:
        call = "mismatch"
    else:
        call = "unknown"
    return Identity(call, n, hom_a, hom_b, shared, ibs0, concordance)
