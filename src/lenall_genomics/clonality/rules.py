"""The ordered verdict rules of assets/clonality_rules.tsv: the first rule whose conditions all
hold over a pair's metrics gives the verdict."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..assets import asset
from ..errors import LenallInputError
from .parameters import read_asset_table


@dataclass(frozen=True)
class Rule:
    rule_id: str
    verdict: str
    clauses: tuple[tuple[str, str, str], ...]  # (metric, operator, value); empty = always
    source: str
    text: str
    reason: str = ""  # the verdict's explanation, written with the evidence


_OPERATORS = ("<=", ">=", "==", "!=", "<", ">")

# the metrics of a pair (pair.pair_metrics) that a condition can test
METRICS = (
    "identity", "identity_sites", "lr_statistic", "p_value", "igh_shared", "igh_distinct",
    "cn_breakpoints_shared", "arm_events_shared", "shared", "shared_ch", "shared_non_ch",
    "shared_recurrent", "shared_rare", "shared_rare_non_ch", "private_earlier", "private_later",
    "ch_max_vaf_earlier",
)


def load_rules(path: str | Path | None = None) -> tuple[Rule, ...]:
    path = Path(path) if path else asset("clonality_rules.tsv")
    rules = []
    for number, row in enumerate(read_asset_table(path), start=1):
        text = (row.get("conditions") or "").strip()
        clauses: list[tuple[str, str, str]] = []
        if text != "always":
            for clause in text.split("&"):
                match = re.match(r"^\s*([a-z_]+)\s*(<=|>=|==|!=|<|>)\s*(\S+)\s*$", clause)
                if not match:
                    raise LenallInputError(
                        f"cannot read condition '{clause.strip()}'", file=path, line=number,
                        field="conditions",
                        hint="write 'metric operator value' clauses joined by ' & ', "
                             "or 'always'")
                if match.group(1) not in METRICS:
                    raise LenallInputError(
                        f"unknown metric '{match.group(1)}'", file=path, line=number,
                        field="conditions", hint=f"metrics: {', '.join(METRICS)}")
                clauses.append((match.group(1), match.group(2), match.group(3)))
        rules.append(Rule(row["rule"], row["verdict"], tuple(clauses), row.get("source") or "",
                          text, (row.get("reason") or "").strip()))
    if not rules or rules[-1].clauses:
        raise LenallInputError("the last rule must be 'always'", file=path, field="conditions",
                               hint="end the table with a catch-all rule (indeterminate)")
    return tuple(rules)


def _holds(clause: tuple[str, str, str], metrics: dict[str, object]) -> bool:
    name, op, wanted = clause
    value = metrics.get(name)
    if value is None:
        return False
    try:
        number = float(wanted)
    except ValueError:
        number = None
    if number is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
        left, right = float(value), number
    else:
        left, right = str(value), wanted
    return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right,
            "==": left == right, "!=": left != right}[op]  # type: ignore[operator]


def apply_rules(rules: Sequence[Rule], metrics: dict[str, object]) -> Rule:
    return next(rule for rule in rules if all(_holds(c, metrics) for c in rule.clauses))
