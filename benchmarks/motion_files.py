"""Write a long recording in every format retrowalk reads, chunk by chunk.

The same samples (``(unix_time_s, xyz_m_s2)`` chunks, e.g. the synthetic day of
``bench_motion_day``) become a phyphox zip, a Sensor Logger zip and JSON export, a generic
CSV, an Oxford recording folder and an IPOL trial file; a GPS walk becomes a FIT activity
(with a session that holds the watch's strides) and a GPX track. Layouts follow
``../shared/formats/sensor-exports.md`` and the data sets' READMEs. Nothing is held whole, so
a 24-hour file is written in bounded memory; the speed benchmark and the memory test share
these writers.
"""

from __future__ import annotations

import gzip
import struct
import zipfile
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import numpy as np
from numpy.typing import NDArray

Chunk = tuple[NDArray[np.float64], NDArray[np.float64]]
ACC_FORMATS = ("phyphox", "sensor-logger", "sensor-logger-json", "csv", "oxford", "ipol")
GPS_FORMATS = ("fit", "gpx")
FIT_EPOCH_S = 631065600  # 1989-12-31T00:00:00Z as a UNIX time
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


def _lines(rows: Iterable[str], out: IO[bytes]) -> None:
    out.write(("\n".join(rows) + "\n").encode())


def _phyphox_set(
    archive: zipfile.ZipFile, name: str, quantity: str, chunks: Iterable[Chunk], first: float | None
) -> float | None:
    """One phyphox set (``Time (s)``, x, y, z, absolute) on experiment time from ``first``."""
    unit = "rad/s" if quantity == "Gyroscope" else "m/s^2"
    with archive.open(name, "w", force_zip64=True) as out:
        names = ["Time (s)"] + [f"{quantity} {a} ({unit})" for a in "xyz"]
        names.append(f"Absolute {'(rad/s)' if unit == 'rad/s' else 'acceleration (m/s^2)'}")
        out.write((",".join(f'"{n}"' for n in names) + "\n").encode())
        for t, xyz in chunks:
            first = float(t[0]) if first is None else first
            magnitude = np.linalg.norm(xyz, axis=1)
            table = np.column_stack((t - first, xyz, magnitude)).tolist()
            row = "{:.9E},{:.9E},{:.9E},{:.9E},{:.9E}".format
            _lines((row(*r) for r in table), out)
    return first


def write_phyphox(path: Path, chunks: Iterable[Chunk], gyro: Iterable[Chunk] | None = None) -> None:
    """A phyphox zip: ``Raw Data.csv`` (Acceleration with g) and ``meta/`` files; with
    ``gyro`` (rad/s, on its own times), a two-file export: ``Accelerometer.csv`` and
    ``Gyroscope.csv``, as a phyphox experiment with both sensors writes it."""
    acc_name = "Raw Data.csv" if gyro is None else "Accelerometer.csv"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        first = _phyphox_set(archive, acc_name, "Acceleration", chunks, None)
        if gyro is not None:
            _phyphox_set(archive, "Gyroscope.csv", "Gyroscope", gyro, first)
        start = first or 0.0
        archive.writestr(
            "meta/time.csv",
            '"event","experiment time","system time","system time text"\n'
            f'"START",0.000000000E0,{start:.3f},"{datetime.fromtimestamp(start, UTC)}"\n',
        )
        archive.writestr("meta/device.csv", '"property","value"\n"deviceModel","Bench"\n')


def _sensor_logger_member(
    archive: zipfile.ZipFile, name: str, chunks: Iterable[Chunk], first: int | None
) -> int | None:
    """One Sensor Logger sensor file (``time,seconds_elapsed,z,y,x``)."""
    with archive.open(name, "w", force_zip64=True) as out:
        out.write(b"time,seconds_elapsed,z,y,x\n")
        for t, xyz in chunks:
            ns = np.round(t * 1e9).astype(np.int64)
            first = int(ns[0]) if first is None else first
            elapsed = (ns - first) * 1e-9
            rows = zip(ns.tolist(), elapsed.tolist(), xyz[:, ::-1].tolist(), strict=True)
            row = "{},{:.6f},{:.6f},{:.6f},{:.6f}".format
            _lines((row(n, e, *v) for n, e, v in rows), out)
    return first


def write_sensor_logger(
    path: Path, chunks: Iterable[Chunk], gyro: Iterable[Chunk] | None = None
) -> None:
    """A Sensor Logger zip: ``TotalAcceleration.csv`` (``time,seconds_elapsed,z,y,x``), and
    ``Gyroscope.csv`` (rad/s, on its own times) with ``gyro``."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        first = _sensor_logger_member(archive, "TotalAcceleration.csv", chunks, None)
        if gyro is not None:
            _sensor_logger_member(archive, "Gyroscope.csv", gyro, first)
        archive.writestr(
            "Metadata.csv",
            "version,device name,recording time,platform,standardisation\n"
            f"3,Bench,{datetime.fromtimestamp((first or 0) * 1e-9, UTC)},android,false\n",
        )


def write_sensor_logger_json(path: Path, chunks: Iterable[Chunk]) -> None:
    """A Sensor Logger JSON export: one array of string-valued records."""
    first: int | None = None
    with path.open("wb") as out:
        out.write(b"[")
        lead = ""
        for t, xyz in chunks:
            ns = np.round(t * 1e9).astype(np.int64)
            first = int(ns[0]) if first is None else first
            elapsed = (ns - first) * 1e-9
            rows = zip(ns.tolist(), elapsed.tolist(), xyz.tolist(), strict=True)
            row = (
                '{{"sensor":"TotalAcceleration","time":"{}","seconds_elapsed":"{:.6f}",'
                '"z":"{:.6f}","y":"{:.6f}","x":"{:.6f}"}}'
            ).format
            text = ",".join(row(n, e, v[2], v[1], v[0]) for n, e, v in rows)
            out.write((lead + text).encode())
            lead = ","
        out.write(b',{"sensor":"Metadata","platform":"android","device name":"Bench"}]')


def write_csv(path: Path, chunks: Iterable[Chunk], gyro: Iterable[Chunk] | None = None) -> None:
    """A generic CSV: ``timestamp`` (UNIX milliseconds), ``acc_x,acc_y,acc_z`` in m/s²; with
    ``gyro`` (rad/s, chunk by chunk at the acceleration's own times), ``gyro_x (rad/s)`` …
    in the same rows."""
    gyro_chunks = None if gyro is None else iter(gyro)
    with path.open("wb") as out:
        names = "timestamp,acc_x,acc_y,acc_z"
        if gyro_chunks is not None:
            names += ",gyro_x (rad/s),gyro_y (rad/s),gyro_z (rad/s)"
        out.write((names + "\n").encode())
        for t, xyz in chunks:
            ms = np.round(t * 1e3).astype(np.int64).tolist()
            if gyro_chunks is None:
                rows = zip(ms, xyz.tolist(), strict=True)
                row = "{},{:.5f},{:.5f},{:.5f}".format
                _lines((row(m, *v) for m, v in rows), out)
                continue
            t_gyro, rate = next(gyro_chunks)
            assert np.array_equal(t_gyro, t), "a CSV's gyroscope shares the acceleration's rows"
            both = zip(ms, np.hstack((xyz, rate)).tolist(), strict=True)
            row6 = "{},{:.5f},{:.5f},{:.5f},{:.6f},{:.6f},{:.6f}".format
            _lines((row6(m, *v) for m, v in both), out)


def write_oxford(folder: Path, chunks: Iterable[Chunk]) -> Path:
    """An Oxford recording folder: ``accelerometer.csv.gz`` (ns since boot, type 3, x, y, z)."""
    folder.mkdir(parents=True, exist_ok=True)
    boot_offset_ns = 123_456_789_000
    first: float | None = None
    with gzip.open(folder / "accelerometer.csv.gz", "wb", compresslevel=1) as out:
        for t, xyz in chunks:
            first = float(t[0]) if first is None else first
            ns = (np.round((t - first) * 1e9) + boot_offset_ns).astype(np.int64).tolist()
            rows = zip(ns, xyz.tolist(), strict=True)
            row = "{},3,{:.6f},{:.6f},{:.6f}".format
            _lines((row(n, *v) for n, v in rows), out)
    return folder


def write_ipol(path: Path, chunks: Iterable[Chunk], rate_hz: float = 100.0) -> None:
    """An IPOL trial file: frequency line, tab-separated XSens columns (gyro, mag zero)."""
    columns = ["PacketCounter", "Acc_X", "Acc_Y", "Acc_Z", "Gyr_X", "Gyr_Y", "Gyr_Z"]
    columns += ["Mag_X", "Mag_Y", "Mag_Z"]
    first: float | None = None
    with gzip.open(path, "wb", compresslevel=1) as out:
        out.write(f"Acquisition frequency: {rate_hz:g} Hz\n".encode())
        out.write(("\t".join(columns) + "\n").encode())
        for t, xyz in chunks:
            first = float(t[0]) if first is None else first
            packets = np.round((t - first) * rate_hz).astype(np.int64).tolist()
            rows = zip(packets, xyz.tolist(), strict=True)
            row = "{}\t{:.6f}\t{:.6f}\t{:.6f}\t0\t0\t0\t0\t0\t0".format
            _lines((row(p, *v) for p, v in rows), out)


def gps_walk(start_unix_s: float, duration_s: float, speed_m_s: float = 1.0) -> Iterator[Chunk]:
    """GPS fixes once a second, walking a 100 m square at ``speed_m_s`` (time, lat, lon)."""
    metres_per_deg = 6_371_008.8 * np.pi / 180.0
    for a in range(0, int(duration_s), 3600):
        t = start_unix_s + np.arange(a, min(duration_s, a + 3600), dtype=np.float64)
        along = (speed_m_s * (t - start_unix_s)) % 400.0
        side = along // 100.0
        run = along % 100.0
        north = np.select([side == 0, side == 1, side == 2], [run, 100.0, 100.0 - run], 0.0)
        east = np.select([side == 0, side == 1, side == 2], [0.0, run, 100.0], 100.0 - run)
        lat = 51.75 + north / metres_per_deg
        lon = -1.25 + east / (metres_per_deg * np.cos(np.radians(51.75)))
        yield t, np.column_stack((lat, lon))


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


def write_fit(
    path: Path, fixes: Iterable[Chunk], strides: int, cadence_spm: float, sport: int = 11
) -> None:
    """A FIT activity: ``file_id``, one ``record`` per fix, a ``session`` (sport walking = 11)."""
    semicircle = 2**31 / 180.0
    body = bytearray(_definition(0, 0, [(0, 1, 0x00), (1, 2, 0x84), (2, 2, 0x84), (4, 4, 0x86)]))
    record = _definition(1, 20, [(253, 4, 0x86), (0, 4, 0x85), (1, 4, 0x85), (6, 2, 0x84)])
    first = last = None
    for t, latlon in fixes:
        if first is None:
            first = int(t[0])
            body += struct.pack("<BBHHI", 0, 4, 1, 1, first - FIT_EPOCH_S)
            body += record
        for ti, (lat, lon) in zip(t.tolist(), latlon.tolist(), strict=True):
            body += struct.pack(
                "<BIiiH",
                1,
                int(ti) - FIT_EPOCH_S,
                round(lat * semicircle),
                round(lon * semicircle),
                1000,
            )
            last = int(ti)
    assert first is not None
    assert last is not None
    fields = [(253, 4, 0x86), (2, 4, 0x86), (5, 1, 0x00), (7, 4, 0x86), (8, 4, 0x86)]
    fields += [(10, 4, 0x86), (18, 1, 0x02)]
    body += _definition(2, 18, fields)
    timer_ms = (last - first) * 1000
    body += struct.pack(
        "<BIIBIIIB",
        2,
        last - FIT_EPOCH_S,
        first - FIT_EPOCH_S,
        sport,
        timer_ms,
        timer_ms,
        strides,
        round(cadence_spm / 2),
    )
    header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(body), b".FIT")
    header += struct.pack("<H", fit_crc(header))
    data = header + bytes(body)
    path.write_bytes(data + struct.pack("<H", fit_crc(data)))


def write_gpx(path: Path, fixes: Iterable[Chunk]) -> None:
    """A GPX 1.1 track, one ``<trkpt>`` with ``<ele>`` and ``<time>`` per fix."""
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="bench" '
            'xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>\n'
        )
        for t, latlon in fixes:
            for ti, (lat, lon) in zip(t.tolist(), latlon.tolist(), strict=True):
                stamp = datetime.fromtimestamp(ti, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                out.write(
                    f'<trkpt lat="{lat:.7f}" lon="{lon:.7f}"><ele>60.0</ele>'
                    f"<time>{stamp}</time></trkpt>\n"
                )
        out.write("</trkseg></trk></gpx>\n")


def write_format(
    fmt: str,
    folder: Path,
    chunks: Callable[[], Iterable[Chunk]],
    duration_s: float,
    start: float,
    gyro: Callable[[], Iterable[Chunk]] | None = None,
) -> Path:
    """Write one format into ``folder``; returns the path ``retrowalk motion analyze`` takes.

    ``gyro`` (angular rate on its own times) is written by the phyphox and Sensor Logger
    zips, as a file of its own; by the generic CSV in the acceleration's rows (its chunks
    must then be at the acceleration's times)."""
    folder.mkdir(parents=True, exist_ok=True)
    if fmt == "phyphox":
        path = folder / "phyphox.zip"
        write_phyphox(path, chunks(), None if gyro is None else gyro())
    elif fmt == "sensor-logger":
        path = folder / "sensor_logger.zip"
        write_sensor_logger(path, chunks(), None if gyro is None else gyro())
    elif fmt == "sensor-logger-json":
        path = folder / "sensor_logger.json"
        write_sensor_logger_json(path, chunks())
    elif fmt == "csv":
        path = folder / "generic.csv"
        write_csv(path, chunks(), None if gyro is None else gyro())
    elif fmt == "oxford":
        path = write_oxford(folder / "Bench_Day_Hard_InHand_1", chunks())
    elif fmt == "ipol":
        path = folder / "day_lb.txt.gz"
        write_ipol(path, chunks())
    elif fmt == "fit":
        path = folder / "walk.fit"
        steps = round(duration_s * 100 / 60)
        write_fit(path, gps_walk(start, duration_s), strides=steps // 2, cadence_spm=100.0)
    elif fmt == "gpx":
        path = folder / "walk.gpx"
        write_gpx(path, gps_walk(start, duration_s))
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return path
