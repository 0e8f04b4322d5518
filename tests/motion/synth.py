"""Synthetic walking signals and small file writers for the motion tests.

The walking model is deliberately simple: gravity along a fixed direction plus, along it,
one sinusoid per step (and a harmonic) with a little noise — each step is one peak of the
acceleration magnitude, whatever the orientation.
"""

from __future__ import annotations

import struct
from datetime import UTC, datetime

import numpy as np
from numpy.typing import NDArray

G = 9.80665


def walking(
    cadence_spm: float,
    duration_s: float,
    rate_hz: float = 50.0,
    *,
    amplitude_m_s2: float = 2.5,
    rest_before_s: float = 0.0,
    rest_after_s: float = 0.0,
    seed: int = 0,
    direction: tuple[float, float, float] = (0.0, 0.0, 1.0),
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Timestamps (s) and (n, 3) acceleration (m/s², gravity included) of steady walking.

    The walking part holds cadence × duration / 60 steps.
    """
    rng = np.random.default_rng(seed)
    total = rest_before_s + duration_s + rest_after_s
    t = np.arange(0.0, total, 1.0 / rate_hz)
    f = cadence_spm / 60.0
    walking_part = (t >= rest_before_s) & (t < rest_before_s + duration_s)
    phase = 2 * np.pi * f * (t - rest_before_s) - np.pi / 2  # first peak a quarter step in
    vertical = amplitude_m_s2 * (np.sin(phase) + 0.3 * np.sin(2 * phase + 0.4))
    vertical = np.where(walking_part, vertical, 0.0)
    unit = np.asarray(direction, dtype=np.float64)
    unit = unit / np.linalg.norm(unit)
    xyz = (G + vertical)[:, None] * unit[None, :]
    xyz += rng.normal(0.0, 0.05, size=xyz.shape)
    return t, xyz


def rotation(yaw: float, pitch: float, roll: float) -> NDArray[np.float64]:
    """A 3-D rotation matrix from three angles (radians)."""
    cy, sy, cp, sp, cr, sr = (
        np.cos(yaw),
        np.sin(yaw),
        np.cos(pitch),
        np.sin(pitch),
        np.cos(roll),
        np.sin(roll),
    )
    rz = np.array([[cy, -sy, 0], [sy, cy, 0], [0, 0, 1]])
    ry = np.array([[cp, 0, sp], [0, 1, 0], [-sp, 0, cp]])
    rx = np.array([[1, 0, 0], [0, cr, -sr], [0, sr, cr]])
    return rz @ ry @ rx


# --- a minimal FIT encoder (FIT protocol 2.0: header, definitions, data, CRC) -------------

_CRC_TABLE = (
    0x0000,
    0xCC01,
    0xD801,
    0x1400,
    0xF001,
    0x3C00,
    0x2800,
    0xE401,
    0xA001,
    0x6C00,
    0x7800,
    0xB401,
    0x5000,
    0x9C01,
    0x8801,
    0x4400,
)
FIT_EPOCH_S = 631065600  # 1989-12-31T00:00:00Z as a UNIX time


def fit_crc(data: bytes, crc: int = 0) -> int:
    """The FIT CRC-16 (the SDK's nibble-table algorithm)."""
    for byte in data:
        tmp = _CRC_TABLE[crc & 0xF]
        crc = (crc >> 4) & 0x0FFF
        crc = crc ^ tmp ^ _CRC_TABLE[byte & 0xF]
        tmp = _CRC_TABLE[crc & 0xF]
        crc = (crc >> 4) & 0x0FFF
        crc = crc ^ tmp ^ _CRC_TABLE[(byte >> 4) & 0xF]
    return crc


def _definition(local: int, global_num: int, fields: list[tuple[int, int, int]]) -> bytes:
    out = struct.pack("<BBBHB", 0x40 | local, 0, 0, global_num, len(fields))
    for number, size, base_type in fields:
        out += struct.pack("<BBB", number, size, base_type)
    return out


def fit_file(
    points: list[tuple[datetime, float, float, float]],
) -> bytes:
    """A FIT activity with one ``file_id`` and one ``record`` per (time, lat, lon, speed)."""
    semicircle = 2**31 / 180.0
    body = _definition(0, 0, [(0, 1, 0x00), (1, 2, 0x84), (2, 2, 0x84), (4, 4, 0x86)])
    first = int(points[0][0].timestamp()) - FIT_EPOCH_S
    body += struct.pack("<BBHHI", 0, 4, 1, 1, first)  # activity, garmin, product 1
    body += _definition(1, 20, [(253, 4, 0x86), (0, 4, 0x85), (1, 4, 0x85), (6, 2, 0x84)])
    for stamp, lat, lon, speed in points:
        body += struct.pack(
            "<BIiiH",
            1,
            int(stamp.timestamp()) - FIT_EPOCH_S,
            round(lat * semicircle),
            round(lon * semicircle),
            round(speed * 1000),
        )
    header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(body), b".FIT")
    header += struct.pack("<H", fit_crc(header))
    data = header + body
    return data + struct.pack("<H", fit_crc(data))


def straight_walk(
    start: datetime, n: int, speed_m_s: float, lat0: float = 51.75, lon0: float = -1.25
) -> list[tuple[datetime, float, float, float]]:
    """GPS fixes one second apart walking due north at ``speed_m_s``."""
    metres_per_deg_lat = 6_371_008.8 * np.pi / 180.0
    return [
        (
            datetime.fromtimestamp(start.timestamp() + i, tz=UTC),
            lat0 + i * speed_m_s / metres_per_deg_lat,
            lon0,
            speed_m_s,
        )
        for i in range(n)
    ]
