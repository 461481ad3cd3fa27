"""One pair of tumour samples of a patient: all the evidence, its metrics, verdict and the
evidence text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .copynumber import arm_events, breakpoints, cn_tolerance, shared_breakpoints
from .frequencies import FrequencyTable, short_protein_change
from .identity import Identity, sample_identity
from .igh import IghComparison, clonotype_label, compare_igh
from .inputs import SampleData
from .mutations import SHARED_STATUSES, MutationComparison, compare_mutations
from .reads import ReadCounter
from .rules import Rule, apply_rules
from .statistic import lr_test


@dataclass
class PairResult:
    patient: str
    earlier: SampleData
    later: SampleData
    identity: Identity
    mutations: MutationComparison | None
    lr: float | None
    p_value: float | None
    cn_shared: list[tuple[str, int, int]] | None
    cn_tolerance: int | None
    arms_shared: set[str] | None
    cn_labels_shared: set[str] | None
    igh: IghComparison
    metrics: dict[str, object]
    rule: Rule

    @property
    def verdict(self) -> str:
        # a sample swap makes any relatedness call meaningless, whatever the rules table says
        return "identity_mismatch" if self.identity.call == "mismatch" else self.rule.verdict

    def row(self) -> dict:
        m = self.metrics
        return {
            "patient": self.patient, "earlier_sample": self.earlier.name,
            "later_sample": self.later.name, "identity": self.identity.call,
            "identity_sites": self.identity.sites, "shared": m["shared"],
            "private_earlier": m["private_earlier"], "private_later": m["private_later"],
            "lr_statistic": self.lr, "p_value": self.p_value,
            "cn_breakpoints_shared": m["cn_breakpoints_shared"], "igh_shared": self.igh.call,
            "verdict": self.verdict,
            "evidence": self.evidence(),
        }

    def evidence(self) -> str:
        parts = [f"rule {self.rule.rule_id} ({self.rule.text}; {self.rule.source})",
                 self.identity.describe()]
        if self.rule.reason and self.identity.call != "mismatch":
            parts.insert(1, self.rule.reason)
        if self.identity.call == "mismatch":
            parts.append("possible sample swap: no relatedness verdict")
        if self.mutations is None:
            parts.append("mutations: no variants table for "
                         + ", ".join(d.name for d in (self.earlier, self.later)
                                     if d.variants is None))
        else:
            shared = [r for r in self.mutations.rows if r["status"] in SHARED_STATUSES]
            listed = ", ".join(_mutation_label(r) for r in shared) or "none"
            parts.append(f"shared mutations: {listed}")
            parts.append(f"private: {self.metrics['private_earlier']} in {self.earlier.name}, "
                         f"{self.metrics['private_later']} in {self.later.name}")
            untested = sum(1 for r in self.mutations.rows if not r["in_test"])
            if untested:
                parts.append(f"{untested} mutation(s) left out of the test (site not covered "
                             f"in the other sample)")
            if self.p_value is not None:
                parts.append(f"LR {self.lr:.3f}, p {self.p_value:.4f}")
        if self.cn_shared is not None:
            bps = ", ".join(f"{c}:{a}~{b}" for c, a, b in self.cn_shared) or "none"
            parts.append(f"shared CN breakpoints (tolerance {self.cn_tolerance} bp): {bps}")
            parts.append("shared arm-level events: "
                         + (", ".join(sorted(self.arms_shared or ())) or "none"))
        if self.cn_labels_shared:
            parts.append("shared CN events: " + ", ".join(sorted(self.cn_labels_shared)))
        parts.append(_igh_text(self.igh, self.earlier.name, self.later.name))
        return "; ".join(p.replace("\t", " ").replace("\n", " ") for p in parts)


    def evidence_rows(self) -> list[dict]:
        """clonality_evidence.tsv: each mutation compared with its part in the verdict, the
        IGH comparison, and the verdict with its reason."""
        pair = {"patient": self.patient, "earlier_sample": self.earlier.name,
                "later_sample": self.later.name}
        rows = [{**pair, "kind": "mutation", **r, "reason": _mutation_reason(r)}
                for r in (self.mutations.rows if self.mutations else ())]
        rows.append({**pair, "kind": "igh", "status": _igh_status(self.igh),
                     "reason": _igh_text(self.igh, self.earlier.name, self.later.name)})
        reason = (f"rule {self.rule.rule_id}: {self.rule.reason or self.rule.text} "
                  f"({self.rule.source})")
        if self.identity.call == "mismatch":
            reason = f"{self.identity.describe()}: possible sample swap, no relatedness verdict"
        rows.append({**pair, "kind": "verdict", "status": self.verdict, "reason": reason})
        return rows


def _mutation_reason(row: dict) -> str:
    if not row["in_test"]:
        return "left out of the test: the site is not covered in the other sample"
    if row["status"] not in SHARED_STATUSES:
        return "private: evidence against a common clone"
    if row["recurrent"]:
        return (f"shared recurrent hotspot (population frequency {row['population_frequency']:.3g}"
                f", {row['frequency_basis']}): arises independently, so it is little evidence "
                "of a common clone")
    if row["ch_gene"]:
        return ("shared rare mutation in a clonal-haematopoiesis gene: a common clone or a shared "
                "precursor")
    return "shared rare mutation: evidence of a common clone"


def _igh_status(igh: IghComparison) -> str:
    if igh.call == "yes":
        return "same_clone"
    if igh.call == "no":
        return "distinct" if igh.distinct == "yes" else "distinct_not_adequate"
    return "unknown"


def _mutation_label(row: dict) -> str:
    name = f"{row['gene'] or row['chrom']} {short_protein_change(row['hgvsp']) or ''}".strip()
    if not short_protein_change(row["hgvsp"]):
        name += f" {row['chrom']}:{row['pos']}{row['ref']}>{row['alt']}"
    vafs = "/".join("." if v is None else f"{v:.2f}" for v in (row["earlier_vaf"],
                                                                row["later_vaf"]))
    flags = []
    if row["status"] != "shared":
        flags.append("below threshold in " + ("earlier" if row["status"].endswith("earlier")
                                              else "later"))
    if row["ch_gene"]:
        flags.append("CH gene")
    if row["recurrent"]:
        flags.append(f"recurrent, frequency {row['population_frequency']:.3g}")
    return f"{name} VAF {vafs}" + (f" [{', '.join(flags)}]" if flags else "")


def _igh_text(igh: IghComparison, earlier: str, later: str) -> str:
    if igh.call == "unknown" and not igh.earlier and not igh.later:
        return f"IGH: {igh.note}"
    if igh.call == "yes":
        pairs = ", ".join(f"{clonotype_label(a)} ~ {clonotype_label(b)} ({ident * 100:.0f}% nt)"
                          for a, b, ident in igh.matches)
        return f"IGH: shared clonotype {pairs}"
    text = (f"IGH: {earlier} " + (", ".join(map(clonotype_label, igh.earlier)) or "none")
            + f" vs {later} " + (", ".join(map(clonotype_label, igh.later)) or "none"))
    if igh.call == "no" and igh.distinct == "yes":
        return text + " distinct productive clones"
    return text + (" distinct" if igh.call == "no" else "") + f" ({igh.note})"


def analyse_pair(patient: str, earlier: SampleData, later: SampleData, *, genome: str,
                 freqs: FrequencyTable, rules: Sequence[Rule], params: dict[str, float],
                 counters: dict[str, ReadCounter] | None = None,
                 cn_tolerance_bp: int | None = None) -> PairResult:
    counters = counters or {}
    identity = sample_identity(earlier, later, params, counters)
    mutations = lr = p_value = None
    if earlier.variants is not None and later.variants is not None:
        mutations = compare_mutations(earlier, later, freqs, params, counters)
        shared_p, private_p = mutations.tested()
        lr, p_value = lr_test(shared_p, private_p, simulations=int(params["simulations"]),
                              seed=int(params["seed"]))
    cn_shared = arms = tolerance = None
    if earlier.segments is not None and later.segments is not None:
        tolerance = (cn_tolerance_bp if cn_tolerance_bp is not None
                     else cn_tolerance([earlier.segments, later.segments], params))
        cn_shared = shared_breakpoints(breakpoints(earlier.segments, params),
                                       breakpoints(later.segments, params), tolerance)
        arms = (arm_events(earlier.segments, genome, params)
                & arm_events(later.segments, genome, params))
    labels = None
    if earlier.cn_labels is not None and later.cn_labels is not None:
        labels = earlier.cn_labels & later.cn_labels
    igh = compare_igh(earlier, later, params)
    metrics = pair_metrics(identity, mutations, lr, p_value, cn_shared, arms, igh)
    rule = apply_rules(rules, metrics)
    return PairResult(patient, earlier, later, identity, mutations, lr, p_value, cn_shared,
                      tolerance, arms, labels, igh, metrics, rule)


def pair_metrics(identity: Identity, mutations: MutationComparison | None, lr: float | None,
                 p_value: float | None, cn_shared, arms, igh: IghComparison) -> dict[str, object]:
    metrics: dict[str, object] = {
        "identity": identity.call, "identity_sites": identity.sites,
        "lr_statistic": lr, "p_value": p_value, "igh_shared": igh.call,
        "igh_distinct": igh.distinct,
        "cn_breakpoints_shared": None if cn_shared is None else len(cn_shared),
        "arm_events_shared": None if arms is None else len(arms),
        "shared": None, "shared_ch": None, "shared_non_ch": None, "shared_recurrent": None,
        "shared_rare": None, "shared_rare_non_ch": None, "private_earlier": None,
        "private_later": None, "ch_max_vaf_earlier": None,
    }
    if mutations is not None:
        shared = [r for r in mutations.rows if r["status"] in SHARED_STATUSES]
        ch = [r for r in shared if r["ch_gene"]]
        rare = [r for r in shared if not r["recurrent"]]
        vafs = [r["earlier_vaf"] for r in ch if r["earlier_vaf"] is not None]
        metrics.update({
            "shared": len(shared), "shared_ch": len(ch), "shared_non_ch": len(shared) - len(ch),
            "shared_recurrent": len(shared) - len(rare), "shared_rare": len(rare),
            "shared_rare_non_ch": sum(1 for r in rare if not r["ch_gene"]),
            "private_earlier": mutations.count("private_earlier"),
            "private_later": mutations.count("private_later"),
            "ch_max_vaf_earlier": max(vafs) if vafs else None,
        })
    return metrics
