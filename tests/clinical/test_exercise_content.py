"""Exercises and education pages are content files, checked as they load: a wrong file says
which file and which field, and the shipped files hold what a walker needs."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrowalk.clinical import education, exercises
from retrowalk.clinical.content_files import ContentFileError, load_content
from retrowalk.clinical.exercises import Exercise, ProgrammeKey, load_exercises, programme_for
from retrowalk.clinical.prescription import STRENGTHENING_EXERCISES, KneeCondition

STATIC = Path(exercises.__file__).resolve().parents[1] / "web" / "static" / "exercises"
GOOD = (Path(exercises.__file__).parent / "exercises" / "semi_squat.toml").read_text()


def test_a_missing_field_names_the_file_and_the_field() -> None:
    text = GOOD.replace('purpose = "', 'porpose = "')
    with pytest.raises(ContentFileError) as caught:
        load_content(Exercise, text, "exercises/semi_squat.toml")
    message = str(caught.value)
    assert message.startswith("exercises/semi_squat.toml: ")
    assert "field 'purpose' is missing" in message
    assert "field 'porpose' is unknown" in message


def test_a_dose_out_of_range_names_the_nested_field() -> None:
    text = GOOD.replace("sets = 3", "sets = 0")
    with pytest.raises(ContentFileError, match=r"field 'dose\.sets': .*at least 1"):
        load_content(Exercise, text, "semi_squat.toml")


def test_too_few_steps_are_refused() -> None:
    start = GOOD.index("steps = [")
    end = GOOD.index("]", start)
    text = GOOD[:start] + 'steps = ["Stand up.", "Sit down."]' + GOOD[end + 1 :]
    with pytest.raises(ContentFileError, match=r"field 'steps': .*at least 3"):
        load_content(Exercise, text, "semi_squat.toml")


def test_an_unknown_placeholder_is_refused() -> None:
    text = GOOD.replace("{pain_acceptable_max}", "{pain_max_ok}")
    with pytest.raises(ContentFileError, match=r"field 'stop_if': unknown placeholder"):
        load_content(Exercise, text, "semi_squat.toml")


def test_broken_toml_names_the_file() -> None:
    with pytest.raises(ContentFileError, match=r"^x\.toml: not valid TOML"):
        load_content(Exercise, 'key = "semi_squat', "x.toml")


def test_a_file_named_unlike_its_key_is_refused(tmp_path: Path) -> None:
    (tmp_path / "squat.toml").write_text(GOOD)
    with pytest.raises(ContentFileError, match=r"squat\.toml: field 'key'"):
        load_exercises(tmp_path)  # type: ignore[arg-type]


def test_an_unknown_evidence_key_is_refused(tmp_path: Path) -> None:
    (tmp_path / "semi_squat.toml").write_text(GOOD.replace('"alghadir2019"', '"smith2099"'))
    with pytest.raises(ContentFileError, match=r"'smith2099' is not the key of an evidence"):
        load_exercises(tmp_path)  # type: ignore[arg-type]


def test_a_home_alternative_must_point_back(tmp_path: Path) -> None:
    folder = Path(exercises.__file__).parent / "exercises"
    (tmp_path / "leg_press.toml").write_text((folder / "leg_press.toml").read_text())
    with pytest.raises(ContentFileError, match=r"leg_press\.toml: field 'home_alternative'"):
        load_exercises(tmp_path)  # type: ignore[arg-type]


def test_every_exercise_has_what_a_walker_needs() -> None:
    for item in exercises.EXERCISES.values():
        assert 3 <= len(item.steps) <= 5, item.key
        assert item.feel
        assert item.stop_if
        assert item.easier
        assert item.harder
        assert "{" not in item.stop_if, "placeholders are filled"
        svg = STATIC / item.picture.file
        assert svg.is_file(), f"{item.key}: no drawing at {svg}"
        text = svg.read_text()
        assert "<title" in text, f"{svg.name}: no title"
        assert 'role="img"' in text, f"{svg.name}: no role"
        assert "http" not in text.replace("http://www.w3.org/2000/svg", ""), "no remote parts"


def test_the_knee_oa_programme_is_the_trials_usual_care_set() -> None:
    oa = programme_for(KneeCondition.OA)
    names = [exercises.EXERCISES[k].name for k in oa.exercises]
    assert len(names) == len(STRENGTHENING_EXERCISES)
    for listed, name in zip(STRENGTHENING_EXERCISES, names, strict=True):
        assert listed.split()[-1].lower() in name.lower()
    assert oa.sources == ("alghadir2019",)
    assert not oa.policy


def test_the_leg_press_says_it_needs_a_machine_and_has_a_home_alternative() -> None:
    press = exercises.EXERCISES["leg_press"]
    assert press.equipment is not None
    assert "machine" in press.equipment
    home = exercises.EXERCISES[press.home_alternative or ""]
    assert home.alternative_to == "leg_press"
    assert "home alternative" in home.name.lower()


def test_the_patellofemoral_programme_is_labelled_policy_with_hip_and_thigh_work() -> None:
    pfp = programme_for("patellofemoral_pain")
    assert pfp.key is ProgrammeKey.PATELLOFEMORAL_PAIN
    assert pfp.policy
    assert pfp.sources == ()
    assert "policy" in pfp.basis.lower()
    assert {"side_lying_hip_abduction", "clamshell"} <= set(pfp.exercises)
    assert {"isometric_quadriceps", "straight_leg_raise"} & set(pfp.exercises)


def test_education_pages_cover_both_conditions_and_fit_a_phone() -> None:
    for condition in KneeCondition:
        keys = [p.key for p in education.pages_for(condition)]
        assert {"pain-during-exercise", "traffic-light", "walking-backward-safely"} <= set(keys)
        assert "when-to-call" in keys
        assert any(k.startswith("why-backward-walking") for k in keys)
    for page in education.PAGES.values():
        assert page.words() <= education.WORDS_MAX
        assert page.sources or page.policy, f"{page.key}: name a source or say policy"


def test_the_traffic_light_quotes_the_rules_numbers() -> None:
    from retrowalk.clinical.pain_monitoring import PAIN_ACCEPTABLE_MAX_NPRS, PAIN_SAFE_MAX_NPRS

    light = education.PAGES["traffic-light"]
    headings = [s.heading for s in light.sections]
    assert any(f"0 to {PAIN_SAFE_MAX_NPRS} " in h for h in headings)
    assert any(f"more than {PAIN_ACCEPTABLE_MAX_NPRS} " in h for h in headings)
    assert [s.tone for s in light.sections[:3]] == ["green", "amber", "red"]


def test_the_traffic_light_tells_the_rest_day_rule_as_policy() -> None:
    """RULES.md §3: much worse pain the next morning → a rest day, contact the clinician."""
    light = education.PAGES["traffic-light"]
    morning = next(s for s in light.sections if s.heading == "The next morning")
    rest = next(p for p in morning.points if "rest day" in p)
    assert "contact your clinician" in rest
    assert "(policy)" in rest


def test_a_page_too_long_for_a_phone_is_refused() -> None:
    long = " ".join(["word"] * 60)
    text = (
        'key = "long"\ntitle = "Long page"\nsummary = "Too long."\nconditions = ["oa"]\n'
        "order = 1\npolicy = true\n"
        + "".join(
            f'[[sections]]\nheading = "Part {i}"\nparagraphs = ["{long}"]\n' for i in range(5)
        )
    )
    with pytest.raises(ContentFileError, match=r"long\.toml: .*words; a page holds at most"):
        load_content(education.Page, text, "long.toml")
