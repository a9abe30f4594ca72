"""Resident memory of server processes and their children, read from /proc (Linux)."""

from __future__ import annotations

from pathlib import Path


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return "?"


def rss_mb(pids: list[int]) -> dict[str, float]:
    """Each process and each of its children by name and pid, in MB, and their sum per tree."""
    found: dict[str, float] = {}
    for pid in pids:
        tree = [pid, *_children(pid)]
        total = 0.0
        for member in tree:
            mb = _rss_kb(member) / 1024
            total += mb
            found[f"{_name(member)} {member}{' (main)' if member == pid else ''}"] = mb
        found[f"{_name(pid)} total"] = total
    return found
