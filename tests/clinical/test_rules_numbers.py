"""Every number of RULES.md lives in ONE named, sourced place in ``retrowalk.clinical``.

A small AST scan of the package's numeric literals guards two properties:

1. no magic numbers in rule bodies: a literal inside a function is only a trivial one (0, 1,
   100 % …) or on the short, explained allow-list below; clinical numbers are named constants
   (with a ``*_SOURCES`` key beside them) or ``PolicyConfig`` fields;
2. each distinctive RULES.md number (12 s, 4.5 s, 0.6 m/s, +10 %, × 25, the MCIDs …) appears as
   a literal exactly once, in the named place the table below gives, unless it is listed as
   another rule's number with the same value (for example 3.0 s low risk and the 3-m distance).

Small whole numbers (2, 3, 5, 10 …) mean many things (table cells, item counts), so only
property 1 guards them; their rules are checked by behaviour in the other test modules.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

import retrowalk.clinical
from retrowalk.clinical import norms, policy, prescription, progression
from retrowalk.clinical.policy import DEFAULT_POLICY, PolicyConfig

PACKAGE = Path(retrowalk.clinical.__file__).parent

Number = int | float
Owner = str
"""``"norms.py:TUG_AT_RISK_FROM_S"``, ``"policy.py:PolicyConfig.break_days"`` or
``"progression.py:decide()"``."""


def _literals() -> list[tuple[Owner, Number, bool]]:
    """Every int/float literal with its owner and whether it sits inside a function."""
    found: list[tuple[Owner, Number, bool]] = []

    def collect(node: ast.AST, owner: Owner, in_function: bool) -> None:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Constant) and type(sub.value) in (int, float):
                found.append((owner, sub.value, in_function))

    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE).as_posix()
        for stmt in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(stmt, ast.FunctionDef):
                collect(stmt, f"{module}:{stmt.name}()", True)
            elif isinstance(stmt, ast.ClassDef):
                for item in stmt.body:
                    if isinstance(item, ast.FunctionDef):
                        collect(item, f"{module}:{stmt.name}.{item.name}()", True)
                    elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                        collect(item, f"{module}:{stmt.name}.{item.target.id}", False)
                    else:
                        collect(item, f"{module}:{stmt.name}", False)
            elif isinstance(stmt, ast.Assign | ast.AnnAssign):
                target = stmt.targets[0] if isinstance(stmt, ast.Assign) else stmt.target
                name = target.id if isinstance(target, ast.Name) else "?"
                collect(stmt, f"{module}:{name}", False)
            else:
                collect(stmt, f"{module}:<module>", False)
    return found


LITERALS = _literals()

TRIVIAL: frozenset[Number] = frozenset({0, 1, 100})
"""Not clinical: zero, one, and 100 (percent, the top of a 0–100 score, cm per m)."""

FUNCTION_LITERALS_ALLOWED: dict[tuple[Owner, Number], str] = {
    ("prescription.py:speed_from_treadmill()", 2): "the mean of two speeds (van de Venis)",
    ("measures/meaningful_change.py:_reaches()", 1e-9): "float tolerance at a boundary",
    ("measures/meaningful_change.py:_category()", 1e-9): "float tolerance at a boundary",
}


def test_no_magic_numbers_in_rule_bodies() -> None:
    magic = [
        f"{owner}: {value!r}"
        for owner, value, in_function in LITERALS
        if in_function and value not in TRIVIAL and (owner, value) not in FUNCTION_LITERALS_ALLOWED
    ]
    assert magic == [], "name these numbers (with their source) in norms.py or PolicyConfig"


# Each distinctive RULES.md number → the one place that holds it.
RULES_NUMBERS: dict[tuple[type, Number], Owner] = {
    (int, 69): "norms.py:PARQ_AGE_NOTE_ABOVE_YEARS",
    (float, 12.0): "norms.py:TUG_AT_RISK_FROM_S",
    (float, 10.0): "norms.py:TANDEM_STANCE_AT_RISK_BELOW_S",
    (float, 4.5): "norms.py:BACKWARD_WALK_3M_AT_RISK_FROM_S",
    (float, 3.0): "norms.py:BACKWARD_WALK_3M_LOW_RISK_UP_TO_S",
    (float, 0.6): "norms.py:BACKWARD_SPEED_AT_RISK_BELOW_M_S",
    (float, 0.3): "prescription.py:TREADMILL_OVERSHOOT_M_S",
    (int, 30): "prescription.py:MAX_DURATION_MIN",
    (int, 17): "prescription.py:BACKWARD_EXTRA_EFFORT_PCT",
    (int, 20): "prescription.py:BACKWARD_EXTRA_EFFORT_PCT",
    (float, 0.1): "norms.py:SPEED_MAX_RISE_FRACTION_PER_7_DAYS",
    (float, 0.2): "policy.py:PolicyConfig.regress_duration_fraction",
    (float, 25.0): "norms.py:KOOS_SCORE_POINTS_PER_ITEM_STEP",
    (float, 1.0): "norms.py:NPRS_MINIMAL_IMPROVEMENT_POINTS",
    (float, 15.0): "norms.py:NPRS_MINIMAL_IMPROVEMENT_PCT",
    (float, 2.0): "norms.py:NPRS_MUCH_BETTER_POINTS",
    (float, 33.0): "norms.py:NPRS_MUCH_BETTER_PCT",
    (float, 1.1): "norms.py:TUG_MDC_S",
    (float, 2.2): "norms.py:KOOS_PS_MCID",
    (float, 0.07): "norms.py:GAIT_SPEED_IMPORTANT_CHANGE_LOW_M_S",
    (float, 0.12): "norms.py:GAIT_SPEED_IMPORTANT_CHANGE_HIGH_M_S",
    (float, 11.3): "norms.py:KOOS_MIC_NON_SURGICAL_KNEE_OA",
    (float, 12.1): "norms.py:KOOS_MIC_NON_SURGICAL_KNEE_OA",
    (float, 10.2): "norms.py:KOOS_MIC_NON_SURGICAL_KNEE_OA",
    (float, 13.2): "norms.py:KOOS_MIC_NON_SURGICAL_KNEE_OA",
    (float, 17.5): "norms.py:KOOS_MIC_PHYSIOTHERAPY_MOSTAFAEE",
    (float, 64.7): "norms.py:KOOS_PS_RAW_TO_SCORE",
}

OTHER_RULES_WITH_THE_SAME_VALUE: dict[tuple[type, Number], dict[Owner, str]] = {
    (int, 69): {"norms.py:CHAIR_STAND_NORMS": "the 65–69 age band of the chair-stand norms"},
    (float, 3.0): {
        "norms.py:BACKWARD_WALK_3M_DISTANCE_M": "the 3 m of the 3-m backward walk",
        "fall_risk.py:BACKWARD_SPEED_MAX_M_S": "input limit (typing error above 3 m/s)",
        "measures/meaningful_change.py:GAIT_SPEED_MAX_M_S": "input limit (typing error)",
    },
    (int, 30): {
        "norms.py:CHAIR_STAND_DURATION_S": "the 30 s of the 30-s chair stand",
        "exercises.py:REPETITIONS_MAX": "content check (repetitions a set)",
        "policy.py:WALKER_BACKDATE_MAX_DAYS_LIMIT": "own policy (a month of diary at most)",
    },
    (float, 1.0): {"fall_risk.py:TEST_TIME_MIN_S": "input limit (a timed test under 1 s)"},
    (float, 0.2): {
        "policy.py:PolicyConfig.speed_ceiling_fraction_above_comfortable": "own policy",
        "policy.py:PolicyConfig.break_duration_fraction": "own policy (after a break)",
    },
    (float, 15.0): {"norms.py:KOOS_MIC_PHYSIOTHERAPY_MOSTAFAEE": "Mostafaee 2021 pain MIC"},
    (float, 12.5): {"norms.py:KOOS_MIC_PHYSIOTHERAPY_MOSTAFAEE": "Mostafaee 2021 (twice)"},
    (float, 15.5): {"norms.py:KOOS_MIC_PHYSIOTHERAPY_MOSTAFAEE": "Mostafaee 2021 ADL MIC"},
}


@pytest.mark.parametrize(("key", "owner"), RULES_NUMBERS.items(), ids=lambda x: repr(x))
def test_each_rules_number_lives_in_one_named_place(key: tuple[type, Number], owner: Owner) -> None:
    kind, value = key
    owners: defaultdict[Owner, int] = defaultdict(int)
    for where, literal, _ in LITERALS:
        if type(literal) is kind and literal == value:
            owners[where] += 1
    others = OTHER_RULES_WITH_THE_SAME_VALUE.get(key, {})
    assert owners.get(owner) == 1, f"{value!r} should be written once, in {owner}"
    duplicates = {where: n for where, n in owners.items() if where != owner and where not in others}
    assert duplicates == {}, f"{value!r} is written again outside {owner}"


def test_the_named_places_hold_the_rules_md_values() -> None:
    """The table above points at the constants the rules read, with RULES.md's values."""
    assert norms.TUG_AT_RISK_FROM_S == 12.0
    assert norms.BACKWARD_WALK_3M_AT_RISK_FROM_S == 4.5
    assert norms.BACKWARD_SPEED_AT_RISK_BELOW_M_S == 0.6
    assert (
        progression.SPEED_MAX_RISE_FRACTION_PER_7_DAYS == norms.SPEED_MAX_RISE_FRACTION_PER_7_DAYS
    )
    assert prescription.MAX_DURATION_MIN == 30
    assert DEFAULT_POLICY.regress_duration_fraction == 0.2


def test_every_published_number_carries_a_source_constant() -> None:
    """Each UPPER_CASE number in norms.py / prescription.py / progression.py sits in a section
    whose ``*_SOURCES`` tuple names catalogued evidence (checked in test_evidence)."""
    for module in (norms, prescription, progression):
        names = [n for n in vars(module) if n.isupper() and not n.startswith("_")]
        assert any(n.endswith("_SOURCES") for n in names), module.__name__


def test_policy_config_documents_every_field() -> None:
    """Every policy threshold says, in its description, that it is a policy and why."""
    for name, field in PolicyConfig.model_fields.items():
        assert field.description, name
        assert "olicy" in field.description, name
    assert PolicyConfig() == policy.DEFAULT_POLICY
