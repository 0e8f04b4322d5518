"""Write the small, faithfully formatted export files the reader tests use.

Run from the project root: ``.venv/bin/python -m tests.motion.data.make_fixtures``.
Formats follow ../shared/formats/sensor-exports.md (real column names, separators, decimal
comma, zip layout, Sensor Logger's z,y,x column order and string-valued JSON). Every file
holds the same walk: 3 s still, 20 s at 110 steps/min (36–37 steps), 3 s still, 50 Hz.
"""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from tests.motion.synth import G, fit_file, straight_walk, walking

HERE = Path(__file__).parent
START = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
START_NS = int(START.timestamp()) * 1_000_000_000
CADENCE_SPM = 110.0
WALK_S = 20.0


def walk() -> tuple[np.ndarray, np.ndarray]:
    return walking(
        CADENCE_SPM,
        WALK_S,
        50.0,
        rest_before_s=3.0,
        rest_after_s=3.0,
        seed=7,
        direction=(0.2, 0.9, 0.4),
    )


def phyphox_rows(t, xyz, sep: str, decimal: str) -> list[str]:
    def num(v: float) -> str:
        text = f"{v:.9E}"
        return text.replace(".", ",") if decimal == "," else text

    rows = []
    for ti, (x, y, z) in zip(t, xyz, strict=True):
        absolute = float(np.sqrt(x * x + y * y + z * z))
        rows.append(sep.join(num(v) for v in (ti, x, y, z, absolute)))
    return rows


def phyphox_header(sep: str, prefix: str = "Acceleration", unit: str = "m/s^2") -> str:
    names = [
        "Time (s)",
        f"{prefix} x ({unit})",
        f"{prefix} y ({unit})",
        f"{prefix} z ({unit})",
        f"Absolute acceleration ({unit})",
    ]
    return sep.join(f'"{n}"' for n in names)


def write_phyphox() -> None:
    t, xyz = walk()
    raw = "\n".join([phyphox_header(","), *phyphox_rows(t, xyz, ",", ".")]) + "\n"
    device = '"property","value"\n"deviceModel","Pixel 7"\n"deviceBrand","Google"\n'
    start_s = START.timestamp()
    time_csv = (
        '"event","experiment time","system time","system time text"\n'
        f'"START",0.000000000E0,{start_s:.3f},"2026-03-14 09:30:00.000 UTC+00:00"\n'
        f'"PAUSE",{t[-1]:.9E},{start_s + t[-1]:.3f},"2026-03-14 09:30:26.000 UTC+00:00"\n'
    )
    with zipfile.ZipFile(HERE / "phyphox_acceleration.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("Raw Data.csv", raw)
        z.writestr("meta/device.csv", device)
        z.writestr("meta/time.csv", time_csv)

    semi = "\n".join([phyphox_header(";"), *phyphox_rows(t, xyz, ";", ",")]) + "\n"
    (HERE / "phyphox_semicolon_decimal_comma.csv").write_text(semi)

    tab = "\n".join([phyphox_header("\t"), *phyphox_rows(t, xyz, "\t", ",")]) + "\n"
    gyro_header = "\t".join(
        f'"{n}"'
        for n in (
            "Time (s)",
            "Gyroscope x (rad/s)",
            "Gyroscope y (rad/s)",
            "Gyroscope z (rad/s)",
            "Absolute (rad/s)",
        )
    )
    gyro = np.column_stack([np.sin(t), np.cos(t), 0.1 * t])
    gyro_rows = phyphox_rows(t, gyro, "\t", ",")
    gps_names = [
        "Time (s)",
        "Latitude (°)",
        "Longitude (°)",
        "Altitude (m)",
        "Altitude WGS84 (m)",
        "Speed (m/s)",
        "Direction (°)",
        "Distance (km)",
        "Horizontal Accuracy (m)",
        "Vertical Accuracy (m)",
        "Satellites",
    ]
    gps_lines = ["\t".join(f'"{n}"' for n in gps_names)]
    for i, (stamp, lat, lon, speed) in enumerate(straight_walk(START, 27, 1.0)):
        values = [float(i), lat, lon, 60.0, 108.0, speed, 0.0, i / 1000, 4.0, 6.0, 9.0]
        gps_lines.append("\t".join(f"{v:.9E}".replace(".", ",") for v in values))
        del stamp
    with zipfile.ZipFile(HERE / "phyphox_tab_decimal_comma.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("Accelerometer.csv", tab)
        z.writestr("Gyroscope.csv", "\n".join([gyro_header, *gyro_rows]) + "\n")
        z.writestr("Location.csv", "\n".join(gps_lines) + "\n")

    lin = t, xyz - np.mean(xyz, axis=0)
    linear = (
        "\n".join([phyphox_header(",", "Linear Acceleration"), *phyphox_rows(*lin, ",", ".")])
        + "\n"
    )
    (HERE / "phyphox_linear_acceleration.csv").write_text(linear)

    lines = raw.splitlines()
    lines[41] = lines[41].replace(lines[41].split(",")[2], "n/a", 1)  # line 42, y column
    (HERE / "phyphox_broken_value.csv").write_text("\n".join(lines[:80]) + "\n")


def sensor_logger_csv(t, xyz, sign: float = 1.0) -> str:
    rows = ["time,seconds_elapsed,z,y,x"]
    for ti, (x, y, z) in zip(t, xyz, strict=True):
        ns = START_NS + round(ti * 1e9)
        rows.append(f"{ns},{ti:.6f},{sign * z:.6f},{sign * y:.6f},{sign * x:.6f}")
    return "\n".join(rows) + "\n"


def metadata_csv(platform: str) -> str:
    header = (
        "version,device name,recording time,platform,appVersion,device id,sensors,"
        "sampleRateMs,standardisation,recording epoch time,recording timezone"
    )
    device = "Pixel 7" if platform == "android" else "iPhone 13"
    row = (
        f'3,{device},2026-03-14_09-30-00,{platform},1.40.1,abc123,"Accelerometer|Gravity",'
        f"20,false,{START_NS // 1_000_000},Europe/London"
    )
    return header + "\n" + row + "\n"


def write_sensor_logger() -> None:
    t, total = walk()
    gravity = np.tile(np.mean(total, axis=0), (t.size, 1))
    linear = total - gravity
    location = [
        "time,seconds_elapsed,bearingAccuracy,speedAccuracy,verticalAccuracy,"
        "horizontalAccuracy,speed,bearing,altitude,longitude,latitude"
    ]
    for i, (_, lat, lon, speed) in enumerate(straight_walk(START, 27, 1.0)):
        ns = START_NS + i * 1_000_000_000
        location.append(f"{ns},{i:.6f},10,0.5,3,5,{speed if i else -1},0,60,{lon:.8f},{lat:.8f}")
    gyro = np.column_stack([np.sin(t), np.cos(t), 0.1 * t])
    with zipfile.ZipFile(HERE / "sensor_logger_android.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("TotalAcceleration.csv", sensor_logger_csv(t, total))
        z.writestr("Accelerometer.csv", sensor_logger_csv(t, linear))
        z.writestr("Gravity.csv", sensor_logger_csv(t, gravity))
        z.writestr("Gyroscope.csv", sensor_logger_csv(t, gyro))
        z.writestr("Location.csv", "\n".join(location) + "\n")
        z.writestr("Metadata.csv", metadata_csv("android"))
    # iOS without standardisation: every acceleration axis has the opposite sign
    with zipfile.ZipFile(HERE / "sensor_logger_ios.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("Accelerometer.csv", sensor_logger_csv(t, linear, sign=-1.0))
        z.writestr("Gravity.csv", sensor_logger_csv(t, gravity, sign=-1.0))
        z.writestr("Metadata.csv", metadata_csv("ios"))
    records = []
    for ti, (x, y, z) in zip(t, total, strict=True):
        records.append(
            {
                "sensor": "TotalAcceleration",
                "time": str(START_NS + round(ti * 1e9)),
                "seconds_elapsed": f"{ti:.6f}",
                "z": f"{z:.6f}",
                "y": f"{y:.6f}",
                "x": f"{x:.6f}",
            }
        )
    (HERE / "sensor_logger_android.json").write_text(json.dumps(records))
    broken = records[:50]
    broken[20] = {**broken[20], "y": "oops"}
    (HERE / "sensor_logger_broken.json").write_text(json.dumps(broken))


def write_fit_and_gpx() -> None:
    points = straight_walk(START, 61, 1.2)  # 60 s at 1.2 m/s: 72 m
    data = fit_file(points)
    (HERE / "walk.fit").write_bytes(data)
    (HERE / "walk_truncated.fit").write_bytes(data[: len(data) // 2])
    damaged = bytearray(data)
    damaged[40] ^= 0xFF
    (HERE / "walk_damaged.fit").write_bytes(bytes(damaged))
    gpx = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<gpx version="1.1" creator="retrowalk tests" xmlns="http://www.topografix.com/GPX/1/1">',
        "<metadata><time>2026-03-14T09:30:00Z</time></metadata>",
        "<trk><name>walk</name><trkseg>",
    ]
    for stamp, lat, lon, _ in points:
        gpx.append(
            f'<trkpt lat="{lat:.8f}" lon="{lon:.8f}"><ele>60.0</ele>'
            f"<time>{stamp.strftime('%Y-%m-%dT%H:%M:%SZ')}</time></trkpt>"
        )
    gpx += ["</trkseg></trk>", "</gpx>"]
    (HERE / "walk.gpx").write_text("\n".join(gpx) + "\n")
    (HERE / "broken.gpx").write_text("\n".join(gpx[:8]) + "\n<trkpt lat=\n")


def write_generic() -> None:
    t, xyz = walk()
    g = xyz / G
    rows = [
        (f"{round(ti * 1000) + 1_700_000}", f"{x:.5f}", f"{y:.5f}", f"{z:.5f}")
        for ti, (x, y, z) in zip(t, g, strict=True)
    ]
    # out-of-order and duplicated rows, as some loggers write them
    rows[100], rows[101] = rows[101], rows[100]
    rows.insert(200, rows[199])
    rows.insert(300, rows[299])
    text = "ms_since_boot,ax_g,ay_g,az_g\n" + "\n".join(",".join(r) for r in rows) + "\n"
    (HERE / "generic_ms_g.csv").write_text(text)
    iso = ["timestamp;acc_x;acc_y;acc_z"]
    for ti, (x, y, z) in zip(t, xyz, strict=True):
        stamp = datetime.fromtimestamp(START.timestamp() + ti, tz=UTC).isoformat()
        iso.append(f"{stamp};{x:.5f};{y:.5f};{z:.5f}".replace(".", ","))
    (HERE / "generic_iso_semicolon.csv").write_text("\n".join(iso) + "\n")
    bad = text.splitlines()[:60]
    bad[33] = bad[33].split(",")[0] + ",0.1,,0.98"
    (HERE / "generic_broken.csv").write_text("\n".join(bad) + "\n")


if __name__ == "__main__":
    write_phyphox()
    write_sensor_logger()
    write_fit_and_gpx()
    write_generic()
