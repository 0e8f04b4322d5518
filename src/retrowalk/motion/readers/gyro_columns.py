"""A generic table's gyroscope columns: found by name, their unit read from the header.

The unit is never guessed from the values. Phones' gyroscopes give rad/s (Android, Sensor
Logger, phyphox) but the browser's DeviceMotion and many watches give deg/s; the two differ
57-fold, and a slow turn in deg/s (20°/s) looks like a fast spin in rad/s, so a turn on the
spot would be counted where the walker only swayed. A gyroscope column must therefore say
its unit (``gyro_x (rad/s)``, ``gyro_x [deg/s]``, ``gyro_x_dps`` …), or the caller gives it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from retrowalk.motion.errors import RecordingFormatError

GYRO_UNITS = ("auto", "rad/s", "deg/s")
"""``auto``: from the header (refused when the header does not say)."""
SCALE_TO_RAD_S = {"rad/s": 1.0, "deg/s": math.pi / 180.0}
_BASES = ("gyro_", "gyr_", "gyroscope_", "omega_", "w")
"""Names of the three axes: ``gyro_x``, ``gyr_x``, ``gyroscope_x``, ``omega_x``, ``wx``. Not
``gx``: it is gravity in as many files as it is a gyroscope."""
_UNIT_WORDS = {
    "rad/s": "rad/s",
    "rad/sec": "rad/s",
    "rad*s^-1": "rad/s",
    "rads^-1": "rad/s",
    "rad_s": "rad/s",
    "rads": "rad/s",
    "deg/s": "deg/s",
    "deg/sec": "deg/s",
    "degree/s": "deg/s",
    "degrees/s": "deg/s",
    "°/s": "deg/s",
    "dps": "deg/s",
    "deg_s": "deg/s",
}
_SUFFIXES = ("rad_s", "rads", "deg_s", "dps")
"""A unit written into the name itself: ``gyro_x_rad_s``, ``gyro_x_dps``."""
_NAME = re.compile(r"^(?P<name>[^(\[]*?)\s*(?:[(\[](?P<unit>[^)\]]*)[)\]])?$")


@dataclass(frozen=True)
class GyroColumns:
    """Where the angular rate is (x, y, z column indexes) and how it becomes rad/s."""

    names: tuple[str, str, str]
    index: tuple[int, int, int]
    scale: float


def _normal(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def split_unit(header: str) -> tuple[str, str | None]:
    """``"Gyro X (deg/s)"`` → ``("gyro_x", "deg/s")``: the normalised name, and the unit text
    as written (``None`` where there is none)."""
    found = _NAME.match(header.strip())
    name, unit = (found.group("name"), found.group("unit")) if found else (header, None)
    name = _normal(name)
    if unit is None:
        for suffix in _SUFFIXES:
            if name.endswith("_" + suffix):
                return name[: -len(suffix) - 1], suffix
    return name, None if unit is None else unit.strip()


def _axis(name: str) -> str | None:
    for base in _BASES:
        if name in (f"{base}x", f"{base}y", f"{base}z"):
            return name[-1]
    return None


def _unit_of(path: Path, names: list[str], given: str) -> float:
    """The scale to rad/s of the named columns, from their header and ``given``."""
    said: dict[str, str] = {}
    for header in names:
        text = split_unit(header)[1]
        if text is None:
            continue
        unit = _UNIT_WORDS.get(text.lower().replace(" ", ""))
        if unit is None:
            raise RecordingFormatError(
                path,
                f"the gyroscope column {header!r} is in {text!r}, which is not an angular rate "
                "retrowalk reads; give it in rad/s or deg/s",
                line=1,
            )
        said[header] = unit
    units = set(said.values())
    if len(units) > 1 or (said and len(said) < len(names)):
        listed = ", ".join(f"{h!r} ({said.get(h, 'no unit')})" for h in names)
        raise RecordingFormatError(
            path,
            f"the gyroscope columns do not say one unit ({listed}); head all three in "
            "rad/s or all three in deg/s",
            line=1,
        )
    if units and given != "auto" and units != {given}:
        raise RecordingFormatError(
            path,
            f"the gyroscope columns say {units.pop()} but gyro_unit is {given}",
            line=1,
        )
    unit = units.pop() if units else given
    if unit == "auto":
        first = names[0]
        raise RecordingFormatError(
            path,
            f"the gyroscope columns {', '.join(repr(n) for n in names)} do not say their "
            f"unit, which cannot be told from the values (rad/s and deg/s differ 57-fold); "
            f"head them like '{first} (rad/s)' or '{first} (deg/s)'",
            line=1,
        )
    return SCALE_TO_RAD_S[unit]


def find_gyro_columns(
    path: Path, header: list[str], named: tuple[str, str, str] | None, unit: str = "auto"
) -> GyroColumns | None:
    """The gyroscope columns of ``header``: those ``named`` by the caller, else the three
    recognised by name; ``None`` where there is none. Only some of the three axes, two
    columns for one axis, or a unit that is missing, unknown or not the same on all three
    are refused, naming the columns."""
    if named is not None:
        absent = [n for n in named if n not in header]
        if absent:
            raise RecordingFormatError(
                path, f"there is no column {absent[0]!r} (columns: {', '.join(header)})", line=1
            )
        index = tuple(header.index(n) for n in named)
        return GyroColumns(named, (index[0], index[1], index[2]), _unit_of(path, list(named), unit))
    by_axis: dict[str, list[int]] = {}
    for i, column in enumerate(header):
        axis = _axis(split_unit(column)[0])
        if axis is not None:
            by_axis.setdefault(axis, []).append(i)
    if not by_axis:
        return None
    doubled = [a for a, found in by_axis.items() if len(found) > 1]
    if doubled:
        twice = ", ".join(repr(header[i]) for i in by_axis[doubled[0]])
        raise RecordingFormatError(
            path, f"two gyroscope {doubled[0]} columns ({twice}); keep one", line=1
        )
    if len(by_axis) < 3:
        found = ", ".join(repr(header[by_axis[a][0]]) for a in sorted(by_axis))
        lacking = ", ".join(a for a in "xyz" if a not in by_axis)
        raise RecordingFormatError(
            path,
            f"gyroscope columns {found} but none for {lacking}; give all three axes, or none",
            line=1,
        )
    x, y, z = (by_axis[a][0] for a in "xyz")
    names = (header[x], header[y], header[z])
    return GyroColumns(names, (x, y, z), _unit_of(path, list(names), unit))
