"""Tracking over weeks from the terminal: enrol, screen, assess, plan, today, log, check in,
history, progress, export/import, backup/restore, demo.

``register(app)`` adds every command. Each command opens the database named by
``--database-url`` or ``RETROWALK_DATABASE_URL`` (default: SQLite in the user data folder),
acts as the local administrator account that ``retrowalk init`` creates, and goes through
the same use cases (:mod:`retrowalk.services`) as the web app. ``--at`` (an ISO time with
its zone) records something that happened earlier, e.g. to enter a paper diary.
"""

from __future__ import annotations

import functools
import json
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal, ParamSpec

import typer
from rich.console import Console
from rich.table import Table

from retrowalk.cli.labels import (
    ADVERSE_EVENT_WORDS,
    CHECKIN_DECISION_WORDS,
    CONDITION_SHORT_WORDS,
    DECISION_WORDS,
    FLAG_WORDS,
    SURFACE_WORDS,
    knee,
    speed_words,
    word_list,
    words,
)
from retrowalk.clinical.errors import InvalidInputError
from retrowalk.clinical.norms import CR10_MAX, KM_H_PER_M_S, NPRS_MAX
from retrowalk.clinical.screening import AGE_MAX_YEARS, AGE_MIN_YEARS
from retrowalk.services import (
    accounts,
    assessments,
    checkins,
    clinician,
    history,
    plans,
    screening,
    sessions,
    transfer,
    walkers,
)
from retrowalk.services.clock import YEAR_MAX, YEAR_MIN
from retrowalk.services.context import AppContext, build_context
from retrowalk.services.errors import InvalidRequest
from retrowalk.services.progress import weekly_progress
from retrowalk.services.schemas import Actor, PrescriptionOut
from retrowalk.store import DATABASE_URL_ENV, open_database
from retrowalk.store.backup import BackupError
from retrowalk.store.backup import backup as backup_database
from retrowalk.store.backup import restore as restore_database
from retrowalk.store.json_files import JsonFileError, read_json_file

out = Console(highlight=False)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar=DATABASE_URL_ENV,
        help="SQLAlchemy URL (default: SQLite in the user data folder).",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]
AtOption = Annotated[
    str | None,
    typer.Option("--at", help="When it happened, ISO 8601 with zone, e.g. 2026-01-05T10:00+00:00."),
]
WalkerArg = Annotated[int, typer.Argument(help="The walker's id (see `retrowalk walker list`).")]


P = ParamSpec("P")

FLAG_OF_FIELD: dict[str, str] = {
    "email": "--email",
    "display_name": "--name",
    "age_years": "--age",
    "sex": "--sex",
    "knee_condition": "--knee",
    "knee_side": "--side",
    "timezone": "--timezone",
    "clinician_id": "--clinician-id",
    "tug_s": "--tug-s",
    "tandem_stance_s": "--tandem-s",
    "chair_stand_count": "--chair-stands",
    "backward_walk_3m_s": "--backward-3m-s",
    "gait_speed_m_s": "--gait-speed",
    "koos_answers": "--koos",
    "kind": "--kind",
    "pain_before_nprs": "--pain-before",
    "pain_peak_nprs": "--pain-peak",
    "pain_after_nprs": "--pain-after",
    "effort_cr10": "--effort",
    "duration_min": "--minutes",
    "speed_m_s": "--speed",
    "distance_m": "--distance",
    "surface": "--surface",
    "incline_pct": "--incline",
    "adverse_events": "--adverse",
    "note": "--note",
    "client_key": "--key",
    "pain_nprs": "--pain",
    "stiffness_nprs": "--stiffness",
    "scope": "--scope",
    "new_red_flags": "--red-flag",
    "red_flags": "--red-flag",
    "fever_or_unwell": "--fever",
    "uses_walking_aid": "--walking-aid",
    "takes_anticoagulant": "--anticoagulant",
    "recent_knee_surgery": "--recent-knee-surgery",
    "treadmill_speed_up_m_s": "--treadmill-up",
    "treadmill_speed_down_m_s": "--treadmill-down",
    "reason": "--reason",
    "sessions_per_week": "--sessions-per-week",
    "weeks": "--weeks",
    "role": "--role",
}
"""The services name the fields of their models; the person at the terminal typed flags."""


def _in_flags(message: str) -> str:
    """``pain_peak_nprs: must be at most 10 (got 12)`` → ``--pain-peak: must be …``."""
    parts = []
    for part in message.split("; "):
        field, sep, rest = part.partition(": ")
        flag = FLAG_OF_FIELD.get(field.split(".")[0]) if sep else None
        parts.append(f"{flag}: {rest}" if flag else part)
    return "; ".join(parts)


def _speaks_flags(command: Callable[P, None]) -> Callable[P, None]:
    """Name the command's flags, not the services' field names, in a bad-input sentence."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            command(*args, **kwargs)
        except (InvalidRequest, InvalidInputError) as exc:
            raise InvalidRequest(_in_flags(str(exc)), field=getattr(exc, "field", None)) from None

    return wrapper


def _open(url: str | None) -> tuple[AppContext, Actor]:
    """The command's context (built once) and the local administrator it acts as."""
    ctx = build_context(url)
    return ctx, accounts.ensure_local_admin(ctx)


AT_YEAR_MIN = YEAR_MIN
AT_YEAR_MAX = YEAR_MAX
"""``--at`` enters what happened on paper: nothing before 2000 or after 2100 is a real date."""


def _at(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidRequest(
            f"--at: {value!r} is not an ISO 8601 time; expected e.g. 2026-01-05T10:00+00:00.",
            field="at",
        ) from None
    if parsed.tzinfo is None:
        raise InvalidRequest(f"--at: {value!r} has no time zone; add one, e.g. +00:00.", field="at")
    try:
        year = parsed.astimezone(UTC).year
    except OverflowError:  # 9999-12-31T23:00-12:00 is beyond the last representable instant
        year = parsed.year
    if not AT_YEAR_MIN <= year <= AT_YEAR_MAX or not AT_YEAR_MIN <= parsed.year <= AT_YEAR_MAX:
        raise InvalidRequest(
            f"--at: {value!r} is not allowed; give a time in the years {AT_YEAR_MIN} to "
            f"{AT_YEAR_MAX}.",
            field="at",
        )
    if parsed > datetime.now(UTC):
        raise InvalidRequest(
            f"--at: {value!r} is in the future; --at records something that already happened.",
            field="at",
        )
    return parsed


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _read_json_file(path: Path, what: str) -> dict[str, Any]:
    """One JSON object from a file the person named; every problem is one sentence."""
    try:
        data = read_json_file(path)
    except JsonFileError as exc:
        raise InvalidRequest(f"{what}: {exc}") from None
    if not isinstance(data, dict):
        raise InvalidRequest(f"{what}: {path} must hold one JSON object.")
    return data


def _show_prescription(rx: PrescriptionOut, supervised: bool | None = None) -> None:
    out.print(
        f"[bold]Plan v{rx.version}[/] ({words(DECISION_WORDS, rx.decision)}): "
        f"{rx.duration_min:g} min backward walking at {speed_words(rx.speed_m_s)}, incline "
        f"{rx.incline_pct:g} %, on {words(SURFACE_WORDS, rx.surface)}, "
        f"{rx.sessions_per_week} times a week"
    )
    if supervised is not None:
        out.print("Supervised: [bold]yes[/]" if supervised else "Supervised: no (allowed alone)")
    _show_reasons(rx.reasons)


def _show_restrictions(restrictions: Any) -> None:
    """What stops or limits backward walking, what to do, and who decides."""
    if not restrictions:
        return
    out.print("[bold]Restrictions[/] (only a clinician lifts them, with `retrowalk clear`):")
    for r in restrictions:
        out.print(f"  [bold]{r.title}[/] — {r.summary}", highlight=False)
        for step in (r.emergency, *r.what_to_do):
            if step:
                out.print(f"    → {step}", highlight=False)
        if not r.can_clear and r.cannot_clear_because:
            out.print(f"    [dim]To clear it: {r.cannot_clear_because}[/]", highlight=False)


def _show_reasons(reasons: Any) -> None:
    for reason in reasons:
        # A label the sentence already says ("… (retrowalk policy).") is not repeated.
        labels = [
            x
            for x, on in (("policy", reason.policy), ("extrapolation", reason.extrapolation))
            if on and x not in reason.message
        ]
        tag = f" [dim]({', '.join(labels)})[/]" if labels else ""
        out.print(f"  • {reason.message}{tag}")


# --- init and walkers -----------------------------------------------------------------------------

walker_app = typer.Typer(help="Enrol walkers and look them up.", no_args_is_help=True)


def init(database_url: DbOption = None) -> None:
    """Create (or migrate) the database and the local administrator account."""
    ctx, actor = _open(database_url)
    out.print(f"Database ready: {ctx.db.url}")
    out.print(f"Local administrator account id: {actor.account_id}")


@walker_app.command("add")
@_speaks_flags
def walker_add(
    email: Annotated[str, typer.Option(help="The walker's email (unique).")],
    name: Annotated[str, typer.Option(help="Display name.")],
    age: Annotated[
        int, typer.Option(help=f"Age in whole years ({AGE_MIN_YEARS}–{AGE_MAX_YEARS}).")
    ],
    sex: Annotated[str, typer.Option(help="female or male (the chair-stand norms).")],
    knee: Annotated[str, typer.Option(help="oa or patellofemoral_pain.")],
    side: Annotated[str, typer.Option(help="left, right or both.")] = "both",
    timezone: Annotated[str, typer.Option(help="IANA time zone, e.g. Europe/London.")] = "UTC",
    clinician_id: Annotated[
        int | None, typer.Option(help="The supervising clinician's account id.")
    ] = None,
    database_url: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Enrol a walker."""
    ctx, actor = _open(database_url)
    walker = walkers.enrol_walker(
        ctx,
        actor,
        {
            "email": email,
            "display_name": name,
            "age_years": age,
            "sex": sex,
            "knee_condition": knee,
            "knee_side": side,
            "timezone": timezone,
            "clinician_id": clinician_id,
        },
    )
    if as_json:
        _print_json(walker.model_dump(mode="json"))
        return
    out.print(f"Enrolled walker {walker.id}: {walker.display_name} <{walker.email}>")


@walker_app.command("list")
def walker_list(database_url: DbOption = None, as_json: JsonOption = False) -> None:
    """Every walker, with the flags a clinician should look at."""
    ctx, actor = _open(database_url)
    rows = clinician.walker_flags(ctx, actor)
    if as_json:
        _print_json([r.model_dump(mode="json") for r in rows])
        return
    table = Table("id", "name", "knee", "last session", "plan", "needs a look")
    for r in rows:
        table.add_row(
            str(r.walker.id),
            r.walker.display_name,
            f"{words(CONDITION_SHORT_WORDS, r.walker.knee_condition)} ({r.walker.knee_side})",
            str(r.last_session_on or "—"),
            f"v{r.current_prescription_version}" if r.current_prescription_version else "—",
            word_list(FLAG_WORDS, r.flags),
        )
    out.print(table)
    for r in rows:
        for detail in r.details:
            out.print(f"  {r.walker.display_name} ({r.walker.id}): {detail}")


@walker_app.command("show")
def walker_show(
    walker_id: WalkerArg, database_url: DbOption = None, as_json: JsonOption = False
) -> None:
    """One walker's profile and current plan."""
    ctx, actor = _open(database_url)
    walker = walkers.get_walker(ctx, actor, walker_id)
    rx = plans.current_prescription(ctx, actor, walker_id)
    if as_json:
        _print_json(
            {
                "walker": walker.model_dump(mode="json"),
                "prescription": rx.model_dump(mode="json") if rx else None,
            }
        )
        return
    out.print(
        f"[bold]{walker.display_name}[/] <{walker.email}> — walker {walker.id}, "
        f"{walker.age_years} years, {walker.sex}, "
        f"{knee(walker.knee_condition, walker.knee_side)}, time zone {walker.timezone}"
    )
    if rx is None:
        out.print("No plan yet.")
    else:
        _show_prescription(rx)


# --- screening, assessment, plan ------------------------------------------------------------------


def screen(
    walker_id: WalkerArg,
    answers: Annotated[
        Path | None,
        typer.Option(help="JSON answers file (the shape of `retrowalk start --answers`)."),
    ] = None,
    parq_yes: Annotated[
        list[int] | None, typer.Option("--parq-yes", help="A PAR-Q item (1–7) answered YES.")
    ] = None,
    red_flag: Annotated[
        list[str] | None, typer.Option("--red-flag", help="A knee red flag code the walker has.")
    ] = None,
    used_to_activity: Annotated[
        bool, typer.Option("--used-to-activity/--not-used-to-activity")
    ] = True,
    fell: Annotated[bool, typer.Option("--fell", help="Fell in the past 12 months.")] = False,
    unsteady: Annotated[bool, typer.Option("--unsteady", help="Feels unsteady.")] = False,
    worried: Annotated[bool, typer.Option("--worried", help="Worries about falling.")] = False,
    fever: Annotated[bool, typer.Option("--fever", help="Has a fever or feels unwell.")] = False,
    walking_aid: Annotated[
        bool, typer.Option("--walking-aid", help="Uses a cane, crutches or a walker.")
    ] = False,
    anticoagulant: Annotated[
        bool, typer.Option("--anticoagulant", help="Takes a blood-thinning medicine.")
    ] = False,
    recent_knee_surgery: Annotated[
        bool,
        typer.Option(
            "--recent-knee-surgery", help="Had knee surgery in the last 12 weeks (policy)."
        ),
    ] = False,
    at: AtOption = None,
    database_url: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Screen a walker: PAR-Q, knee red flags, STEADI and the §7.6 questions.

    A later screening only adds restrictions: a red flag or a clearance requirement stays
    until a clinician clears it (`retrowalk clear`)."""
    if answers is not None:
        raw = _read_json_file(answers, "--answers")
        keys = (
            "used_to_activity",
            "parq",
            "red_flags",
            "steadi",
            "fever_or_unwell",
            "uses_walking_aid",
            "takes_anticoagulant",
            "recent_knee_surgery",
        )
        data: dict[str, Any] = {k: raw[k] for k in keys if k in raw}
    else:
        items = set(parq_yes or [])
        bad = sorted(i for i in items if not 1 <= i <= 7)
        if bad:
            raise InvalidRequest(f"--parq-yes: {bad} are not PAR-Q items; expected 1 to 7.")
        data = {
            "used_to_activity": used_to_activity,
            "parq": [i in items for i in range(1, 8)],
            "red_flags": red_flag or [],
            "steadi": {
                "fell_past_12_months": fell,
                "feels_unsteady": unsteady,
                "worries_about_falling": worried,
            },
            "fever_or_unwell": fever,
            "uses_walking_aid": walking_aid,
            "takes_anticoagulant": anticoagulant,
            "recent_knee_surgery": recent_knee_surgery,
        }
    ctx, actor = _open(database_url)
    result = screening.screen_walker(
        ctx.at(_at(at)),
        actor,
        walker_id,
        data,
    )
    if as_json:
        _print_json(result.model_dump(mode="json"))
        return
    out.print(f"Screening outcome: [bold]{result.outcome.replace('_', ' ')}[/]")
    _show_reasons(result.reasons)
    for action in result.result.get("actions", ()):
        out.print(f"→ {action}")
    _show_restrictions(result.restrictions)


def assess(
    walker_id: WalkerArg,
    answers: Annotated[
        Path | None,
        typer.Option(help='JSON file with a "tests" object (as `retrowalk start`) or the fields.'),
    ] = None,
    tug_s: Annotated[float | None, typer.Option(help="Timed Up and Go, seconds.")] = None,
    tandem_s: Annotated[float | None, typer.Option(help="Tandem stance held, seconds.")] = None,
    chair_stands: Annotated[int | None, typer.Option(help="30-s chair stand count.")] = None,
    backward_3m_s: Annotated[float | None, typer.Option(help="3-m backward walk, seconds.")] = None,
    used_arms: Annotated[
        bool, typer.Option("--used-arms", help="Needed the arms to stand (chair stand scores 0).")
    ] = False,
    treadmill_up: Annotated[
        float | None,
        typer.Option("--treadmill-up", help="Treadmill test: comfortable speed going up, m/s."),
    ] = None,
    treadmill_down: Annotated[
        float | None,
        typer.Option(
            "--treadmill-down", help="Treadmill test: comfortable speed coming down, m/s."
        ),
    ] = None,
    gait_speed: Annotated[float | None, typer.Option(help="Gait speed, m/s.")] = None,
    koos: Annotated[Path | None, typer.Option(help="JSON file: KOOS item code → 0–4.")] = None,
    kind: Annotated[str, typer.Option(help="baseline or reassessment.")] = "baseline",
    at: AtOption = None,
    database_url: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record the baseline tests (or a reassessment) and questionnaires.

    Repeated tests never reset a plan: they can only make it safer (more supervision). A low
    fall risk needs the Timed Up and Go, the chair stand or tandem stance, and the questions
    about falls; with any skipped the risk is "not known" (every session supervised)."""
    data: dict[str, Any] = {"kind": kind}
    if answers is not None:
        raw = _read_json_file(answers, "--answers")
        data.update(raw.get("tests", raw) if isinstance(raw.get("tests", raw), dict) else {})
        for key in (
            "age_years",
            "sex",
            "knee_condition",
            "surface",
            "parq",
            "red_flags",
            "used_to_activity",
            "fever_or_unwell",
            "uses_walking_aid",
            "takes_anticoagulant",
            "recent_knee_surgery",
        ):
            data.pop(key, None)
    for key, value in (
        ("tug_s", tug_s),
        ("tandem_stance_s", tandem_s),
        ("chair_stand_count", chair_stands),
        ("backward_walk_3m_s", backward_3m_s),
        ("treadmill_speed_up_m_s", treadmill_up),
        ("treadmill_speed_down_m_s", treadmill_down),
        ("gait_speed_m_s", gait_speed),
    ):
        if value is not None:
            data[key] = value
    if used_arms:
        data["chair_stand_used_arms"] = True
    if koos is not None:
        data["koos_answers"] = _read_json_file(koos, "--koos")
    moment = _at(at)
    ctx, actor = _open(database_url)
    result = assessments.record_assessment(
        ctx.at(moment),
        actor,
        walker_id,
        data,
    )
    if as_json:
        _print_json(result.model_dump(mode="json"))
        return
    risk = (result.fall_risk or "not assessed").replace("_", " ")
    speed = speed_words(result.backward_speed_m_s) if result.backward_speed_m_s else "not measured"
    out.print(f"Assessment {result.id} ({result.kind}): fall risk {risk}; backward speed {speed}")
    _show_reasons(result.reasons)


def plan(
    walker_id: WalkerArg,
    surface: Annotated[
        str | None,
        typer.Option(help="One the fall-risk result allows, e.g. treadmill (default: its first)."),
    ] = None,
    at: AtOption = None,
    database_url: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Make the starting plan from the latest screening and assessment."""
    ctx, actor = _open(database_url)
    rx = plans.make_plan(
        ctx.at(_at(at)),
        actor,
        walker_id,
        surface=surface,
    )
    if as_json:
        _print_json(rx.model_dump(mode="json"))
        return
    _show_prescription(rx)


def today(
    walker_id: WalkerArg,
    at: AtOption = None,
    database_url: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Today's prescription in the walker's own time zone."""
    ctx, actor = _open(database_url)
    result = plans.todays_prescription(
        ctx.at(_at(at)),
        actor,
        walker_id,
    )
    if as_json:
        _print_json(result.model_dump(mode="json"))
        return
    out.print(f"[bold]{result.local_date}[/]: {result.message}")
    if result.prescription is not None:
        _show_prescription(result.prescription, result.supervised)
    for why in result.supervision_why:
        out.print(f"  Someone with you: {why}.", highlight=False)
    if result.step_rate_per_min is not None:
        out.print(f"  Step rate: {result.step_rate_per_min:g} steps a minute (your own cadence).")
    _show_restrictions(result.restrictions)
    if result.reassessment_due:
        out.print("The tests and KOOS are due again (`retrowalk assess --kind reassessment`).")


# --- sessions and check-ins -----------------------------------------------------------------------


def log(
    walker_id: WalkerArg,
    pain_before: Annotated[int, typer.Option(help=f"Pain before, 0–{NPRS_MAX}.")],
    pain_peak: Annotated[int, typer.Option(help=f"Worst pain during, 0–{NPRS_MAX}.")],
    pain_after: Annotated[int, typer.Option(help=f"Pain after, 0–{NPRS_MAX}.")],
    effort: Annotated[int, typer.Option(help=f"Effort, Borg CR10 0–{CR10_MAX}.")],
    as_prescribed: Annotated[
        bool, typer.Option("--as-prescribed", help="Minutes, speed, surface, incline as planned.")
    ] = False,
    from_recording: Annotated[
        Path | None,
        typer.Option(
            "--from-recording",
            help="Take minutes, distance, speed (and start time) from a phone/watch recording.",
        ),
    ] = None,
    step_length_m: Annotated[
        float | None,
        typer.Option(help="Step length in m, to estimate distance from steps (recordings)."),
    ] = None,
    minutes: Annotated[float | None, typer.Option(help="Minutes walked backward.")] = None,
    speed: Annotated[float | None, typer.Option(help="Speed, m/s.")] = None,
    distance: Annotated[float | None, typer.Option(help="Distance, m.")] = None,
    surface: Annotated[
        str | None, typer.Option(help=f"Surface: {', '.join(SURFACE_WORDS)}.")
    ] = None,
    incline: Annotated[float | None, typer.Option(help="Incline, %.")] = None,
    supervised: Annotated[bool | None, typer.Option("--supervised/--alone")] = None,
    adverse: Annotated[
        list[str] | None,
        typer.Option(help="fall, near_fall, dizziness, chest_pain or sharp_knee_pain."),
    ] = None,
    stopped_early: Annotated[bool, typer.Option("--stopped-early")] = False,
    note: Annotated[str | None, typer.Option(help="Free note.")] = None,
    key: Annotated[
        str | None, typer.Option(help="Client key: the same key twice is stored once.")
    ] = None,
    at: AtOption = None,
    database_url: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Log a session (pain, effort, what was done)."""
    moment = _at(at)
    ctx, actor = _open(database_url)
    data: dict[str, Any] = {
        "client_key": key or f"cli-{secrets.token_hex(8)}",
        "pain_before_nprs": pain_before,
        "pain_peak_nprs": pain_peak,
        "pain_after_nprs": pain_after,
        "effort_cr10": effort,
        "adverse_events": adverse or [],
        "completed": not stopped_early,
        "note": note,
    }
    if moment is not None:
        data["performed_at"] = moment
    if as_prescribed:
        now_today = plans.todays_prescription(
            ctx.at(moment),
            actor,
            walker_id,
        )
        rx = now_today.prescription
        if rx is None:
            raise InvalidRequest(f"--as-prescribed: there is no plan yet ({now_today.message})")
        data.update(
            duration_min=rx.duration_min,
            speed_m_s=rx.speed_m_s,
            surface=rx.surface.value,
            incline_pct=rx.incline_pct,
            supervised=now_today.supervised,
        )
    if from_recording is not None:
        from retrowalk.services.recordings import session_from_recording

        recorded = session_from_recording(from_recording, step_length_m)
        data["duration_min"] = round(recorded.duration_min, 2)
        # A recording without GPS (and no step length) cannot tell distance or speed: keep
        # what --as-prescribed or --speed/--distance say rather than erase it.
        if recorded.distance_m is not None:
            data["distance_m"] = recorded.distance_m
        if recorded.speed_m_s is not None:
            data["speed_m_s"] = recorded.speed_m_s
        if moment is None and recorded.performed_at is not None:
            data["performed_at"] = recorded.performed_at
        extra = f"; {recorded.steps} steps" if recorded.steps is not None else ""
        if recorded.distance_m is not None and recorded.speed_m_s is not None:
            extra += f"; {recorded.distance_m:.0f} m at {recorded.speed_m_s:.2f} m/s"
        if recorded.distance_is_estimate:
            extra += "; distance estimated from steps × step length"
        if not as_json:
            out.print(
                f"From {from_recording.name}: {recorded.duration_min:.1f} min walking{extra}."
            )
    for name, value in (
        ("duration_min", minutes),
        ("speed_m_s", speed),
        ("distance_m", distance),
        ("surface", surface),
        ("incline_pct", incline),
        ("supervised", supervised),
    ):
        if value is not None:
            data[name] = value
    for needed, flag in (
        ("duration_min", "--minutes"),
        ("surface", "--surface"),
        ("supervised", "--supervised/--alone"),
    ):
        if needed not in data:
            allowed = f" (one of: {', '.join(SURFACE_WORDS)})" if needed == "surface" else ""
            raise InvalidRequest(f"{flag} is required{allowed}, or use --as-prescribed.")
    if data.get("speed_m_s") is None and data.get("distance_m") is None:
        source = (
            f"{from_recording.name} has no GPS, so it cannot tell the speed"
            if from_recording is not None
            else "the speed is never guessed"
        )
        raise InvalidRequest(
            f"--speed or --distance is required: {source}; give --speed (m/s), --distance (m), "
            "--step-length-m (measured over a known distance) or --as-prescribed.",
            field="speed_m_s",
        )
    result = sessions.log_session(
        ctx.at(moment),
        actor,
        walker_id,
        data,
    )
    if as_json:
        _print_json(result.model_dump(mode="json"))
        return
    if result.created:
        out.print(f"Logged session {result.id} ({result.local_date}, key {result.client_key}).")
    else:
        out.print(
            f"Already logged as session {result.id} (key {result.client_key}); nothing added."
        )
    for notice in result.notices:
        out.print(f"[bold yellow]Please note:[/] {notice}", highlight=False)
    if result.adverse_events:
        out.print("[bold red]Stop the session now.[/] A clinician will review what happened.")


def clear(
    walker_id: WalkerArg,
    scope: Annotated[
        str,
        typer.Option(
            help=(
                "The restriction to lift, exactly that one: red_flag, adverse_event (reviewed), "
                "rest_day, clearance_required (or start), fall_risk (after a low-risk "
                "reassessment) or walking_aid."
            )
        ),
    ],
    reason: Annotated[str, typer.Option(help="Who cleared and why, in a sentence.")],
    at: AtOption = None,
    database_url: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """A clinician lifts one restriction, with a reason (RULES.md §7.1)."""
    ctx, actor = _open(database_url)
    result = clinician.clear_walker(
        ctx.at(_at(at)),
        actor,
        walker_id,
        {"scope": scope, "reason": reason},
    )
    if as_json:
        _print_json(result.model_dump(mode="json"))
        return
    out.print(f"Clearance {result.id} ({result.scope.replace('_', ' ')}) recorded: {result.reason}")


def adjust(
    walker_id: WalkerArg,
    reason: Annotated[str, typer.Option(help="Why the plan changes, in a sentence.")],
    minutes: Annotated[int | None, typer.Option(help="Minutes per session.")] = None,
    speed: Annotated[float | None, typer.Option(help="Speed, m/s.")] = None,
    incline: Annotated[int | None, typer.Option(help="Incline, % (0, 5 or 10).")] = None,
    sessions_per_week: Annotated[int | None, typer.Option(help="Sessions a week.")] = None,
    surface: Annotated[str | None, typer.Option(help="Surface.")] = None,
    at: AtOption = None,
    database_url: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """A clinician's change to the current plan (a new version, with the reason)."""
    ctx, actor = _open(database_url)
    data: dict[str, Any] = {"reason": reason}
    for name, value in (
        ("duration_min", minutes),
        ("speed_m_s", speed),
        ("incline_pct", incline),
        ("sessions_per_week", sessions_per_week),
        ("surface", surface),
    ):
        if value is not None:
            data[name] = value
    rx = clinician.adjust_prescription(
        ctx.at(_at(at)),
        actor,
        walker_id,
        data,
    )
    if as_json:
        _print_json(rx.model_dump(mode="json"))
        return
    _show_prescription(rx)


def note(
    walker_id: WalkerArg,
    text: Annotated[str, typer.Argument(help="The note.")],
    at: AtOption = None,
    database_url: DbOption = None,
) -> None:
    """A clinician's note about a walker."""
    ctx, actor = _open(database_url)
    result = clinician.add_note(
        ctx.at(_at(at)),
        actor,
        walker_id,
        {"text": text},
    )
    out.print(f"Note {result.id} added.")


def checkin(
    walker_id: WalkerArg,
    pain: Annotated[int, typer.Option(help=f"Knee pain this morning, 0–{NPRS_MAX}.")],
    stiffness: Annotated[int, typer.Option(help=f"Stiffness this morning, 0–{NPRS_MAX}.")],
    session_id: Annotated[
        int | None, typer.Option("--session", help="Session id (default: the last).")
    ] = None,
    red_flag: Annotated[
        list[str] | None,
        typer.Option(
            "--red-flag",
            help=(
                "A warning sign new since the session: calf_pain_swelling_warmth, "
                "hot_swollen_knee, locked_knee, knee_giving_way or cannot_bear_weight."
            ),
        ),
    ] = None,
    at: AtOption = None,
    database_url: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The next-morning check-in: decides progress, hold or regress, and the next plan."""
    ctx, actor = _open(database_url)
    data: dict[str, Any] = {
        "pain_nprs": pain,
        "stiffness_nprs": stiffness,
        "session_id": session_id,
        "new_red_flags": red_flag or [],
    }
    moment = _at(at)
    if moment is not None:
        data["at"] = moment
    result = checkins.morning_checkin(ctx, actor, walker_id, data)
    if as_json:
        _print_json(result.model_dump(mode="json"))
        return
    out.print(
        f"Decision: [bold]{result.decision}[/] ({words(CHECKIN_DECISION_WORDS, result.decision)})"
    )
    _show_reasons(result.reasons)
    if result.next_prescription is not None:
        _show_prescription(result.next_prescription.model_copy(update={"reasons": ()}))
    _show_restrictions(result.restrictions)


# --- history and progress -------------------------------------------------------------------------


def history_cmd(
    walker_id: WalkerArg,
    weeks: Annotated[int, typer.Option(help="How many weeks back.")] = 12,
    at: AtOption = None,
    database_url: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Sessions, check-ins and every plan decision with its reasons."""
    ctx, actor = _open(database_url)
    result = history.walker_history(
        ctx.at(_at(at)),
        actor,
        walker_id,
        weeks=weeks,
    )
    if as_json:
        _print_json(result.model_dump(mode="json"))
        return
    table = Table(
        "date",
        "min",
        "speed",
        "pain before / worst / after",
        "effort",
        "problems",
        "next morning pain / stiffness",
        "then",
    )
    table.columns[0].no_wrap = True
    by_session = {c.session_id: c for c in result.checkins}
    missed = {m.session_id: m for m in result.missed_reports}
    for s in result.sessions:
        c = by_session.get(s.id)
        table.add_row(
            str(s.local_date),
            f"{s.duration_min:g}",
            speed_words(s.speed_m_s) if s.speed_m_s else "—",
            f"{s.pain_before_nprs} / {s.pain_peak_nprs} / {s.pain_after_nprs}",
            str(s.effort_cr10),
            f"[red]{word_list(ADVERSE_EVENT_WORDS, s.adverse_events)}[/]"
            if s.adverse_events
            else "—",
            f"{c.pain_nprs} / {c.stiffness_nprs}"
            if c
            else ("no report" if s.id in missed else "—"),
            words(DECISION_WORDS, c.decision)
            if c
            else (words(DECISION_WORDS, missed[s.id].decision) if s.id in missed else "—"),
        )
    out.print(table)
    out.print("[bold]Plan decisions[/]")
    for p in result.prescriptions:
        out.print(
            f"v{p.version} {p.effective_from} [bold]{words(DECISION_WORDS, p.decision)}[/]: "
            f"{p.duration_min:g} min, "
            f"{speed_words(p.speed_m_s)}, incline {p.incline_pct:g} %"
        )
        _show_reasons(p.reasons)
    out.print("[bold]Screenings[/]")
    for sc in result.screenings:
        out.print(f"{sc.created_at:%Y-%m-%d %H:%M} UTC: {sc.outcome.replace('_', ' ')}")
    record = result.restrictions
    if record is not None:
        out.print("[bold]Clearances[/] (who, when, why)")
        for lifted in record.lifted:
            who = lifted.cleared_by_name or f"account {lifted.cleared_by}"
            out.print(
                f"{lifted.at:%Y-%m-%d %H:%M} UTC: {lifted.kind.value.replace('_', ' ')} "
                f"cleared by {who}: {lifted.reason}",
                highlight=False,
            )
        if not record.lifted:
            out.print("none")
        _show_restrictions(record.active)


BARS = " ▁▂▃▄▅▆▇█"


def _bar(value: float | None, top: float) -> str:
    if value is None or top <= 0:
        return " "
    return BARS[min(len(BARS) - 1, round(value / top * (len(BARS) - 1)))]


def progress(
    walker_id: WalkerArg,
    weeks: Annotated[int, typer.Option(help="How many weeks back.")] = 12,
    at: AtOption = None,
    database_url: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """A compact chart of pain, minutes and speed per week."""
    ctx, actor = _open(database_url)
    rows = weekly_progress(
        ctx.at(_at(at)),
        actor,
        walker_id,
        weeks=weeks,
    )
    if as_json:
        _print_json([r.model_dump(mode="json") for r in rows])
        return
    top_min = max((r.minutes_total for r in rows), default=0.0)
    top_speed = max((r.speed_mean_m_s or 0.0 for r in rows), default=0.0)
    table = Table("week of", "sessions", f"peak pain (0–{NPRS_MAX})", "minutes", "speed m/s (km/h)")
    for r in rows:
        pain = f"{r.pain_peak_mean_nprs:.1f}" if r.pain_peak_mean_nprs is not None else "—"
        speed = (
            f"{r.speed_mean_m_s:.2f} ({r.speed_mean_m_s * KM_H_PER_M_S:.1f})"
            if r.speed_mean_m_s is not None
            else "—"
        )
        table.add_row(
            str(r.week_start),
            str(r.sessions),
            f"{_bar(r.pain_peak_mean_nprs, NPRS_MAX)} {pain}",
            f"{_bar(r.minutes_total, top_min)} {r.minutes_total:g}",
            f"{_bar(r.speed_mean_m_s, top_speed)} {speed}",
        )
    out.print(table)
    out.print(
        f"[dim]Pain 0–{NPRS_MAX} during sessions (the pain-monitoring model is from Achilles "
        "tendinopathy: an extrapolation to the knee).[/]"
    )


# --- export, import, backup, restore, demo --------------------------------------------------------

FormatOption = Annotated[
    Literal["json", "csv"], typer.Option("--format", help="json (one file) or csv (a folder).")
]


def export(
    path: Annotated[Path, typer.Argument(help="JSON file, or folder for CSV.")],
    fmt: FormatOption = "json",
    force: Annotated[
        bool, typer.Option("--force", help="Replace an export that is already there.")
    ] = False,
    database_url: DbOption = None,
) -> None:
    """Export every record (JSON or CSV); `retrowalk import` reads it back exactly."""
    _check_new_path(path, fmt, force)
    ctx, actor = _open(database_url)
    try:
        transfer.export_to(ctx, actor, path, fmt)
    except OSError as exc:
        raise InvalidRequest(f"{path} could not be written: {_os_words(exc)}.") from None
    out.print(f"Exported to {path} ({fmt}).")


def _os_words(exc: OSError) -> str:
    """``[Errno 28] No space left on device`` → "no space left on device"."""
    return (exc.strerror or str(exc)).lower()


def _check_new_path(path: Path, fmt: str, force: bool) -> None:
    """Refuse to write over what is there (unless ``force``), or into a missing folder."""
    if not path.parent.is_dir():
        raise InvalidRequest(f"{path} cannot be written: the folder {path.parent} does not exist.")
    if not path.exists() and not path.is_symlink():
        return
    if not path.is_file() and not path.is_dir():
        raise InvalidRequest(f"{path} is not a regular file or folder; choose another name.")
    if fmt == "json" and path.is_dir():
        raise InvalidRequest(f"{path} is a folder; give a file name for a JSON export.")
    if fmt == "csv" and path.is_file():
        raise InvalidRequest(f"{path} is a file; give a folder name for a CSV export.")
    if not force:
        raise InvalidRequest(
            f"{path} already exists; add --force to replace it, or choose another name."
        )


def import_cmd(
    path: Annotated[Path, typer.Argument(help="JSON file, or folder of CSV files.")],
    fmt: Annotated[
        Literal["json", "csv"] | None,
        typer.Option(
            "--format", help="json (one file) or csv (a folder); by default, from the path."
        ),
    ] = None,
    database_url: DbOption = None,
) -> None:
    """Import an export into an EMPTY database (ids kept)."""
    if fmt is None:
        fmt = "csv" if path.is_dir() else "json"
    ctx = build_context(database_url)
    count = transfer.import_from(ctx, path, fmt)
    out.print(f"Imported {count} rows from {path}.")


def backup(
    path: Annotated[Path, typer.Argument(help="The new backup file.")],
    database_url: DbOption = None,
) -> None:
    """A consistent copy of the live database (SQLite backup API; PostgreSQL: an export)."""
    if not path.parent.is_dir():
        raise InvalidRequest(f"{path} cannot be written: the folder {path.parent} does not exist.")
    ctx = open_database(database_url)
    try:
        how = backup_database(ctx, path)
    except BackupError as exc:
        raise InvalidRequest(str(exc)) from None
    except OSError as exc:
        raise InvalidRequest(f"{path} could not be written: {_os_words(exc)}.") from None
    out.print(
        f"Backed up to {path} "
        f"({'SQLite online backup' if how == 'sqlite-backup' else 'logical export'})."
    )


def restore(
    path: Annotated[Path, typer.Argument(help="A file made by `retrowalk backup`.")],
    database_url: DbOption = None,
) -> None:
    """Restore a backup (SQLite: replaces the database; PostgreSQL: into an empty one)."""
    ctx = open_database(database_url, migrate=False)
    try:
        restore_database(ctx, path)
    except BackupError as exc:
        raise InvalidRequest(str(exc)) from None
    out.print(f"Restored from {path}.")


def demo(
    seed: Annotated[
        int, typer.Option(help="Random seed: the same seed gives the same walker.")
    ] = 1,
    database_url: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Create a realistic six-week walker through the real use cases (deterministic)."""
    from retrowalk.services.demo import run_demo

    ctx, actor = _open(database_url)
    result = run_demo(ctx, actor, seed=seed)
    if as_json:
        _print_json(result)
        return
    decisions = ", ".join(
        f"{words(DECISION_WORDS, name)} {count}×" for name, count in result["decisions"].items()
    )
    out.print(
        f"Demo walker {result['walker_id']} ({result['email']}): {result['sessions']} sessions, "
        f"{result['checkins']} check-ins over six weeks. Decisions: {decisions or 'none'}."
    )
    out.print(f"See: retrowalk history {result['walker_id']} --weeks 8 --at {result['until']}")


def register(app: typer.Typer) -> None:
    """Add every tracking command to the root ``retrowalk`` app."""
    app.command("init")(_speaks_flags(init))
    app.add_typer(walker_app, name="walker")
    app.command("screen")(_speaks_flags(screen))
    app.command("assess")(_speaks_flags(assess))
    app.command("plan")(_speaks_flags(plan))
    app.command("today")(_speaks_flags(today))
    app.command("log")(_speaks_flags(log))
    app.command("checkin")(_speaks_flags(checkin))
    app.command("clear")(_speaks_flags(clear))
    app.command("adjust")(_speaks_flags(adjust))
    app.command("note")(_speaks_flags(note))
    app.command("history")(_speaks_flags(history_cmd))
    app.command("progress")(_speaks_flags(progress))
    app.command("export")(_speaks_flags(export))
    app.command("import")(_speaks_flags(import_cmd))
    app.command("backup")(_speaks_flags(backup))
    app.command("restore")(_speaks_flags(restore))
    app.command("demo")(_speaks_flags(demo))
