"""Resident memory of running processes, read from /proc (Linux)."""

from __future__ import annotations

from pathlib import Path


def _status_kib(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def descendants(pid: int) -> list[int]:
    """The process and all its children, grandchildren ..."""
    found = [pid]
    for current in found:
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        found.extend(int(c) for c in children)
    return found


def process_memory_mb(pid: int) -> dict[str, float]:
    """Peak and current resident memory (MB) of a process tree (peak: the kernel's high-water mark)."""
    tree = descendants(pid)
    peak = sum(_status_kib(p, "VmHWM") for p in tree)
    current = sum(_status_kib(p, "VmRSS") for p in tree)
    return {"peak_mb": round(peak / 1024, 1), "rss_mb": round(current / 1024, 1), "processes": len(tree)}
