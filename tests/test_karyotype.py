"""ISCN karyotype reader: real-looking B-ALL karyotypes, FISH results and refused inputs."""

import pytest

from lenall_genomics.errors import LenallInputError
from lenall_genomics.readers.karyotype import KaryotypeError, parse_karyotype

NEAR_HAPLOID = ("26,X,-X,-1,-2,-3,-4,-5,-6,-7,-8,-9,-10,-11,-12,-13,-15,-16,-17,-19,-20,-22[10]")
LOW_HYPO = "35,XY,-2,-3,-4,-7,-12,-13,-15,-16,-17,-20,-22"


def events(text):
    return [(f.kind, f.event) for f in parse_karyotype(text).findings()]


# (karyotype, modal number, ploidy class or None, expected (kind, event) findings besides ploidy)
CASES = [
    ("46,XX[20]", None, None, []),
    ("46,XY[20]", None, None, []),
    ("47,XY,+21c[20]", None, None, []),
    (NEAR_HAPLOID, 26, "near-haploid", []),
    ("25,X,-X,-1,-2,-3,-4,-5,-6,-7,-8,-9,-10,-11,-12,-13,-15,-16,-17,-19,-20,-22,-18[8]", 25,
     "near-haploid", []),
    (f"{LOW_HYPO}[12]/46,XY[8]", 35, "low hypodiploid", []),
    (f"{LOW_HYPO}[12]/70,idemx2[5]", 35, "low hypodiploid", []),
    (f"{LOW_HYPO}[4]/70,idemx2[10]/46,XY[6]", 35, "low hypodiploid", []),
    ("36,XX,-2,-3,-4,-7,-13,-15,-16,-17,-20,-22[15]", 36, "low hypodiploid", []),
    ("39,XX,-3,-4,-7,-13,-15,-16,-17[10]/46,XX[10]", 39, "low hypodiploid", []),
    ("43,XY,-7,-13,dic(9;20)(p13;q11.2)[10]", 43, "high hypodiploid", []),
    ("45,XY,dic(9;20)(p13;q11.2)[10]", 45, "near-diploid", []),
    ("45,X,-Y[12]/46,XY[8]", 45, "near-diploid", []),
    ("55,XX,+X,+4,+6,+10,+14,+17,+18,+21,+21[20]", 55, "high hyperdiploid", []),
    ("54,XY,+X,+4,+6,+10,+14,+17,+18,+21[15]/46,XY[5]", 54, "high hyperdiploid", []),
    ("56,XX,+X,+4,+6,+10,+14,+17,+18,+21x2,+mar[10]", 56, "high hyperdiploid", []),
    ("57,XY,+X,+X,+4,+6,+8,+10,+14,+17,+18,+21x2[12]", 57, "high hyperdiploid", []),
    ("68~72,XX,+X,-3,-7[cp10]", 70, "near-triploid", []),
    ("69<3n>,XXY,+1,-3,-7[cp8]", 69, "near-triploid", []),
    ("46,XX,t(9;22)(q34;q11.2)[20]", 46, "diploid", [("fusion", "BCR::ABL1")]),
    ("47,XY,+der(22)t(9;22)(q34;q11.2),t(9;22)(q34;q11.2)[15]", 47, "hyperdiploid",
     [("fusion", "BCR::ABL1"), ("fusion", "BCR::ABL1")]),
    ("46,XY,t(4;11)(q21;q23)[18]/46,XY[2]", 46, "diploid", [("rearrangement", "KMT2A")]),
    ("46,XX,t(11;19)(q23;p13.3)[20]", 46, "diploid", [("rearrangement", "KMT2A")]),
    ("46,XY,del(11)(q23)[10]", 46, "diploid", [("rearrangement", "KMT2A")]),
    ("46,XX,t(12;21)(p13;q22)[10]", 46, "diploid", [("fusion", "ETV6::RUNX1")]),
    ("46,XX,der(19)t(1;19)(q23;p13)[20]", 46, "diploid", [("fusion", "TCF3::PBX1")]),
    ("46,XY,t(17;19)(q22;p13)[20]", 46, "diploid", [("fusion", "TCF3::HLF")]),
    ("46,XY,t(X;14)(p22;q32)[12]", 46, "diploid", [("fusion", "IGH::CRLF2")]),
    ("46,XY,t(8;14)(q24;q32)[12]", 46, "diploid", [("fusion", "MYC::IGH")]),
    ("46,XX,t(14;19)(q32;q13)[12]", 46, "diploid", [("rearrangement", "IGH")]),
    ("47,XX,+X,idic(21)(q22)[12]", 47, "hyperdiploid", [("amplification", "iAMP21")]),  # possible
    ("46,XY,amp(21)(q22)[9]/46,XY[11]", 46, "diploid", [("amplification", "iAMP21")]),
    ("46,XX,dmin[5]/46,XX[15]", 46, "diploid", [("amplification", "dmin")]),
    ("47,XY,+mar[5]/48,idem,+8[3]", 47, "hyperdiploid", []),
    ("46,XX,t(4;11)(q2?1;q23)[10]", 46, "diploid", [("rearrangement", "KMT2A")]),
]


@pytest.mark.parametrize("text,modal,ploidy,expected", CASES, ids=[c[0][:40] for c in CASES])
def test_realistic_karyotypes(text, modal, ploidy, expected):
    k = parse_karyotype(text, source="samplesheet.csv", row=2)
    assert k.modal_number == modal
    assert k.is_normal == (modal is None)
    ploidy_events = [f.event for f in k.findings() if f.kind == "ploidy"]
    assert ploidy_events == ([ploidy] if ploidy else [])
    assert [(f.kind, f.event) for f in k.findings() if f.kind != "ploidy"] == expected


def test_near_haploid_copies_and_losses():
    clone = parse_karyotype(NEAR_HAPLOID).clones[0]
    assert clone.copies["1"] == 1 and clone.copies["14"] == 2 and clone.copies["X"] == 1
    assert clone.losses["X"] == 1 and "14" not in clone.losses and clone.cells == 10


def test_doubled_low_hypodiploid_clone_inherits_and_doubles():
    k = parse_karyotype(f"{LOW_HYPO}[12]/70,idemx2[5]")
    stem, doubled = k.clones
    assert (stem.role, doubled.role, doubled.doubled, doubled.parent) == ("stemline", "sideline",
                                                                          True, 0)
    assert doubled.copies["2"] == 2 and doubled.copies["1"] == 4 and doubled.ploidy_level == 4
    ploidy = next(f for f in k.findings() if f.kind == "ploidy")
    assert ploidy.cells == 17 and "doubled clone 70" in ploidy.detail


def test_masked_by_normal_cells():
    k = parse_karyotype(f"{LOW_HYPO}[12]/46,XY[8]")
    assert [c.role for c in k.clones] == ["stemline", "normal"]
    assert [c.cells for c in k.clones] == [12, 8]


def test_near_triploid_read_against_3n():
    clone = parse_karyotype("69<3n>,XXY,+1,-3,-7[cp8]").clones[0]
    assert clone.ploidy_level == 3 and clone.composite
    assert clone.copies["1"] == 4 and clone.gains == {"1": 1} and clone.losses == {"3": 1, "7": 1}


def test_constitutional_changes_are_not_tumour_events():
    k = parse_karyotype("48,XY,+21c,+8[20]")
    clone = k.clones[0]
    assert k.constitutional == ("+21c",)
    assert clone.copies["21"] == 3 and clone.gains == {"8": 1}
    assert k.modal_number == 48


def test_derivative_gain_and_rearrangement_fields():
    k = parse_karyotype("47,XY,+der(22)t(9;22)(q34;q11.2),t(9;22)(q34;q11.2)[15]")
    clone = k.clones[0]
    assert clone.gains == {"22": 1}
    plus_der = clone.rearrangements[0]
    assert (plus_der.kind, plus_der.chromosomes, plus_der.gained) == ("der", ("22", "9"), 1)
    assert clone.rearrangements[1].bands == ("q34", "q11.2")


def test_dicentric_replaces_two_homologues():
    clone = parse_karyotype("45,XY,dic(9;20)(p13;q11.2)[10]").clones[0]
    assert clone.losses == {"20": 1} and clone.copies["9"] == 2


def test_sex_token_lists_present_and_plus_x_adds():
    assert parse_karyotype("45,X,-Y[12]").clones[0].losses == {"Y": 1}
    assert parse_karyotype("47,XX,+X[10]").clones[0].copies["X"] == 3
    assert parse_karyotype("47,XXY[20]").is_normal


def test_markers_counted():
    clone = parse_karyotype("48,XY,+2mar[5]").clones[0]
    assert clone.markers == 2


def test_sdl_refers_to_previous_sideline():
    k = parse_karyotype("47,XY,+21[5]/48,idem,+8[3]/49,sdl,+10[2]")
    assert k.clones[2].gains == {"21": 1, "8": 1, "10": 1}
    assert k.clones[2].parent == 1


def test_fish_fusion_positive_and_negative():
    k = parse_karyotype("46,XX,t(9;22)(q34;q11.2)[20].nuc ish(ABL1,BCR)x3(ABL1 con BCRx2)"
                        "[180/200]")
    fish = [f for f in k.findings() if f.kind == "fish"]
    assert [(f.event, f.positive, f.cells) for f in fish] == [("BCR::ABL1", True, 180)]
    negative = parse_karyotype("46,XY[20].nuc ish(ABL1,BCR)x2[200]").findings()
    assert [(f.event, f.positive, f.cells) for f in negative] == [("BCR::ABL1", False, 200)]


def test_fish_break_apart_iamp21_and_metaphase_ish():
    assert [(f.event, f.positive) for f in parse_karyotype(
        "46,XX[20].nuc ish(KMT2Ax2)(5'KMT2A sep 3'KMT2Ax1)[40/200]").findings()] == [
        ("KMT2A", True)]
    k = parse_karyotype("47,XX,+X,idic(21)(q22)[12].nuc ish(RUNX1x5~8)[150/200]")
    assert ("fish", "iAMP21") in [(f.kind, f.event) for f in k.findings()]
    assert k.ish[0].signals == {"RUNX1": 5}
    k = parse_karyotype("46,XY,del(9)(p21p21)[10].ish del(9)(p21p21)(CDKN2A-)")
    assert [(f.event, f.positive) for f in k.findings() if f.kind == "fish"] == [("CDKN2A", True)]


def test_fish_dual_fusion_with_extra_runx1_is_iamp21():
    k = parse_karyotype("46,XX[20].nuc ish(ETV6x2,RUNX1x6)[170/200]")
    assert [(f.event, f.positive) for f in k.findings()] == [("ETV6::RUNX1", False),
                                                            ("iAMP21", True)]


REFUSED = [
    ("46,XX,t(9;22)(q34;q11.2[20]", 14, "unclosed"),
    ("46,XX)[20]", 6, "unbalanced"),
    ("146,XX[20]", 1, "impossible chromosome count 146"),
    ("19,X[3]", 1, "impossible chromosome count 19"),
    ("47,XY,+8,+10[20]", 1, "does not match"),
    ("46,XX,t(9)(q34)[20]", 9, "names 1 chromosome"),
    ("46,XX,t(9;22)(q34)[20]", 14, "1 band group"),
    ("46,XX,t(9;22)(x34;q11)[20]", 15, "bad band 'x34'"),
    ("46,XX,foo[20]", 7, "unknown item 'foo'"),
    ("46,XY[10]//46,XX[3]", 11, "empty clone"),
    ("46,XX,[20]", 7, "empty item"),
    ("45,-7[10]", 3, "sex chromosomes missing"),
    ("46,XX,t(9;22)[20]", 14, "without breakpoints"),
    ("46,XX[2]/47,sdl2,+8[3]", 13, "no earlier abnormal clone"),
    ("46,XX,t(9;22)(q34;q11.2)[x20]", 25, "bad cell count"),
    ("", 1, "empty karyotype"),
]


@pytest.mark.parametrize("text,position,message", REFUSED, ids=[r[0] or "empty" for r in REFUSED])
def test_refused_karyotypes(text, position, message):
    with pytest.raises(KaryotypeError) as caught:
        parse_karyotype(text, source="samplesheet.csv", row=7)
    error = caught.value
    assert isinstance(error, LenallInputError)
    assert error.position == position and message in error.message
    assert (error.file, error.line, error.field) == ("samplesheet.csv", 7, "karyotype")
    assert error.hint


# --- the detailed form (ISCN 2020: '::' break and reunion, '->' from-to) ---------------------

DETAILED = [
    ("46,XX,der(9)(9pter->9q34::22q11.2->22qter)[10]", "46,XX,der(9)t(9;22)(q34;q11.2)[10]"),
    ("46,XX,t(9;22)(9pter->9q34::22q11.2->22qter;22pter->22q11.2::9q34->9qter)[20]",
     "46,XX,t(9;22)(q34;q11.2)[20]"),
    ("46,XY,t(4;11)(4pter->4q21::11q23->11qter;11pter->11q23::4q21->4qter)[18]",
     "46,XY,t(4;11)(q21;q23)[18]"),
    ("46,XX,del(11)(pter->q23:)[10]", "46,XX,del(11)(q23)[10]"),
    ("47,XY,+der(22)(22pter->22q11.2::9q34->9qter),t(9;22)(q34;q11.2)[15]",
     "47,XY,+der(22)t(9;22)(q34;q11.2),t(9;22)(q34;q11.2)[15]"),
]


@pytest.mark.parametrize("detailed,short", DETAILED, ids=[d[0][:40] for d in DETAILED])
def test_detailed_form_gives_the_short_forms_events(detailed, short):
    long, brief = parse_karyotype(detailed), parse_karyotype(short)
    assert [(f.kind, f.event, f.cells) for f in long.findings()] == [
        (f.kind, f.event, f.cells) for f in brief.findings()]
    for a, b in zip(long.clones[0].rearrangements, brief.clones[0].rearrangements, strict=True):
        assert (a.kind, a.chromosomes, a.parts, a.gained) == (b.kind, b.chromosomes, b.parts,
                                                               b.gained)
    assert long.clones[0].copies == brief.clones[0].copies


def test_detailed_translocation_breakpoints_come_from_the_junctions():
    rearr = parse_karyotype("46,XX,t(9;22)(9pter->9q34::22q11.2->22qter;"
                            "22pter->22q11.2::9q34->9qter)[20]").clones[0].rearrangements[0]
    assert (rearr.chromosomes, rearr.bands) == (("9", "22"), ("q34", "q11.2"))
    der = parse_karyotype("46,XX,der(9)(9pter->9q34::22q11.2->22qter)[10]").clones[0]
    assert der.rearrangements[0].parts == (("t", ("9", "22"), ("q34", "q11.2")),)


DETAILED_REFUSED = [
    ("46,XX,der(9)(9pter->9q34::22q1x->22qter)[10]", 27, "bad segment end '22q1x'"),
    ("46,XX,der(9)(9pter->9q34)[10]", 14, "no break"),
    ("46,XX,t(9;22)(9pter->9q34::2q11.2->22qter)[10]", 15, "break on chromosome 2"),
    ("46,XX,t(9;22)(9pter->9q34::22q11.2->22qter;22pter->22q11.2::9q34->9qter;1pter->1qter)"
     "[10]", 15, "3 derivative(s)"),
    ("46,XX,der(9)(9pter->9q34::->22qter)[10]", 27, "bad segment"),
    ("46,XX,t(9;22)(9pter->9q34::22q11.2->22qter;22pter->22q11.2::9q3x->9qter)[10]", 61,
     "bad segment end '9q3x'"),
    ("46,XX,t(9;22)(9pter->9q34::22q11.2->22qter;)[10]", 44, "empty derivative"),
]


@pytest.mark.parametrize("text,position,message", DETAILED_REFUSED,
                         ids=[r[0][:40] for r in DETAILED_REFUSED])
def test_refused_detailed_forms(text, position, message):
    with pytest.raises(KaryotypeError) as caught:
        parse_karyotype(text, source="samplesheet.csv", row=3)
    error = caught.value
    assert error.position == position and message in error.message, error.message
    assert (error.file, error.line, error.field) == ("samplesheet.csv", 3, "karyotype")
    assert error.hint


# --- iAMP21 (Harrison 2014; Moorman 2007; assets/karyotype_rules.tsv) ------------------------

IAMP21 = [
    # (text, iAMP21 finding: True = shown, None = possible only, False = tested negative)
    ("46,XX,dup(21)(q22q22)x?", True),  # 21q22 repeated an unknown number of times
    ("46,XX,qdp(21)(q22q22)[10]", True),  # 3 extra copies on one chromosome 21
    ("46,XX,trp(21)(q22q22)[10]", None),  # 2 extra copies: below the rule
    ("46,XX,dup(21)(q22q22)[10]", None),
    ("46,XY,der(21)amp(21)(q22)[10]/46,XY[10]", True),
    ("47,XX,+X,idic(21)hsr(21)(q22)[12]", True),
    ("47,XX,+X,idic(21)(q22)[12]", None),
    ("46,XX,r(21)(p11q22)[8]", None),
    ("46,XX[20].ish amp(21)(RUNX1)", True),
    ("46,XX[20].nuc ish(RUNX1x5)[150/200]", True),
    ("46,XX[20].nuc ish(RUNX1x4)[150/200]", False),  # e.g. tetrasomy 21, not iAMP21
    ("47,XX,+X,idic(21)(q22)[12].ish idic(21)(q22)(RUNX1x6)", True),  # 6 on one chromosome
    ("46,XX,add(21)(q22)[10].ish add(21)(q22)(RUNX1x2)", False),
]


@pytest.mark.parametrize("text,shown", IAMP21, ids=[c[0][:40] for c in IAMP21])
def test_iamp21_rule_from_karyotype_and_fish(text, shown):
    calls = [f.positive for f in parse_karyotype(text).findings() if f.event == "iAMP21"]
    if shown is True:
        assert True in calls, calls
    elif shown is False:
        assert True not in calls and False in calls, calls
    else:
        assert calls == [None], calls


def test_iamp21_confidence_karyotype_amplification_is_medium_fish_high():
    karyo = next(f for f in parse_karyotype("46,XX,der(21)amp(21)(q22)[10]").findings()
                 if f.event == "iAMP21")
    fish = next(f for f in parse_karyotype("46,XX[20].nuc ish(RUNX1x7)[150/200]").findings()
                if f.event == "iAMP21")
    assert (karyo.confidence, fish.confidence) == ("medium", "high")
    assert "Harrison 2014" in karyo.detail and ">= 3 extra copies" in karyo.detail


def test_iamp21_unknown_copies_cannot_be_added():
    with pytest.raises(KaryotypeError) as caught:
        parse_karyotype("47,XX,+dup(21)(q22q22)x?[10]", source="s.csv", row=4)
    assert caught.value.position == 7 and "unknown number" in caught.value.message
    assert caught.value.hint


# --- doubled (masked) hypodiploid clones (Carroll 2019; Safavi & Paulsson 2017) ----------------

LOW_HYPO_DOUBLED = ("70,XXYY,-2,-2,-3,-3,-4,-4,-7,-7,-12,-12,-13,-13,-15,-15,-16,-16,-17,-17,"
                    "-20,-20,-22,-22")
NEAR_HAPLOID_DOUBLED = ("52,XX," + ",".join(f"-{c},-{c}" for c in (
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 19, 20, 22)))


def ploidy_of(text):
    (finding,) = [f for f in parse_karyotype(text).findings() if f.kind == "ploidy"]
    return finding


def test_doubled_clone_written_in_full_is_doubled_masked_hypodiploid():
    finding = ploidy_of(f"{LOW_HYPO}[10]/{LOW_HYPO_DOUBLED}[5]")
    assert (finding.event, finding.positive, finding.cells) == ("low hypodiploid", True, 15)
    assert finding.detail.startswith("doubled (masked) hypodiploid: stemline 35")
    assert "doubled clone 70 (written in full, 5 cells)" in finding.detail
    # the same, written idemx2
    idem = ploidy_of(f"{LOW_HYPO}[10]/70,idemx2[5]")
    assert (idem.event, idem.cells) == ("low hypodiploid", 15)
    assert idem.detail.startswith("doubled (masked) hypodiploid")


def test_doubled_clone_listed_first_takes_the_class_before_doubling():
    finding = ploidy_of(f"{LOW_HYPO_DOUBLED}[15]/{LOW_HYPO}[5]")
    assert (finding.event, finding.positive, finding.cells) == ("low hypodiploid", True, 20)
    assert "clone 70 is clone 35 doubled" in finding.detail


@pytest.mark.parametrize(("text", "before"), [
    (f"{LOW_HYPO_DOUBLED}[15]", "low hypodiploid"),  # near-triploid by count
    (f"{LOW_HYPO_DOUBLED}[12]/46,XY[8]", "low hypodiploid"),
    (f"{NEAR_HAPLOID_DOUBLED}[10]", "near-haploid"),  # high hyperdiploid by count
])
def test_a_doubled_looking_clone_alone_is_possible_doubled_hypodiploid(text, before):
    finding = ploidy_of(text)
    assert finding.event == f"possible doubled hypodiploid ({before})"
    assert finding.positive is None and finding.confidence == "low"
    assert "high hyperdiploid" not in finding.event and "near-triploid" not in finding.event
    assert "Carroll 2019" in finding.detail


@pytest.mark.parametrize(("text", "cls"), [
    ("55,XX,+X,+4,+6,+10,+14,+17,+18,+21,+21[20]", "high hyperdiploid"),  # trisomies: odd
    ("68~72,XX,+X,-3,-7[cp10]", "near-triploid"),
    ("88,XXYY,-1,-1,-5,-5[10]", "near-tetraploid"),  # 2 lost pairs, not a hypodiploid clone
])
def test_gains_and_a_few_losses_are_not_read_as_doubling(text, cls):
    assert ploidy_of(text).event == cls
