"""Where the machine's CPU went during a phase of a benchmark: server, database, client, idle.

Read from ``/proc`` (Linux only; elsewhere every figure is zero). The benchmarks share two cores
between the client, gunicorn and the database, so a ratio alone cannot say which side a gain or a
loss came from; CPU milliseconds per request can.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
GROUPS = ("server", "database", "redis", "nginx", "watchers", "client")


@dataclass(frozen=True)
class Snapshot:
    """CPU seconds used so far per group, and the machine's idle seconds."""

    used: dict[str, float]
    idle: float


def _group(command: str) -> str | None:
    if "gunicorn" in command:
        return "server"
    if command and "postgres" in command.split(maxsplit=1)[0]:
        return "database"
    if "redis-server" in command:
        return "redis"
    if command.startswith("nginx"):
        return "nginx"
    if "watch_clients" in command:
        return "watchers"
    return None


def snapshot() -> Snapshot:
    """Per-group CPU seconds of every live process.

    The client is this process and the children it has waited for (the client pools exit at the
    end of each phase), as ``os.times`` counts them.
    """
    if not PROC.exists():
        return Snapshot(dict.fromkeys(GROUPS, 0.0), 0.0)
    used = dict.fromkeys(GROUPS, 0.0)
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        group = _group(command)
        if group:
            fields = raw[raw.rindex(")") + 2 :].split()
            used[group] += (int(fields[11]) + int(fields[12])) / TICK
    times = os.times()
    used["client"] = times.user + times.system + times.children_user + times.children_system
    idle = int((PROC / "stat").read_text().split("\n", 1)[0].split()[4]) / TICK
    return Snapshot(used, idle)


def per_request(before: Snapshot, after: Snapshot, requests: int) -> str:
    """One line: CPU milliseconds per request for each group, and idle, over the phase."""
    if not requests:
        return "no requests"
    parts = [
        f"{group} {1000 * (after.used[group] - before.used[group]) / requests:.2f}"
        for group in GROUPS
        if after.used[group] - before.used[group] > 0
    ]
    parts.append(f"idle {1000 * (after.idle - before.idle) / requests:.2f}")
    return "CPU ms per request: " + ", ".join(parts)


def shares(snapshots: list[Snapshot]) -> str:
    """Where the CPU went over (before, after) pairs of snapshots, as shares of all of it."""
    used = dict.fromkeys(GROUPS, 0.0)
    idle = 0.0
    for before, after in zip(snapshots[::2], snapshots[1::2], strict=True):
        for group in GROUPS:
            used[group] += after.used[group] - before.used[group]
        idle += after.idle - before.idle
    total = sum(used.values()) + idle
    if not total:
        return "no CPU measured"
    parts = [f"{group} {used[group] / total:.0%}" for group in GROUPS]
    return "CPU: " + ", ".join([*parts, f"idle {idle / total:.0%}"])
