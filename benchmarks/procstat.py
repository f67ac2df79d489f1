"""What the benchmarks measure about processes and the machine, read from /proc (Linux), in one place.

A server is measured as its process tree (the web process and its query workers); CPU is split between
that server, its workers, the benchmark itself and every other process, because on a shared machine the
others skew every figure and a reader needs to see how much.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass


def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile of `values` (nan when empty)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def tree(pid: int) -> list[int]:
    """`pid` and every process descended from it."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, ()))
    return found


def pss(pid: int) -> int:
    """Bytes of proportional set size of one process (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def tree_pss(pid: int) -> tuple[int, int]:
    """(total PSS in bytes, number of processes) of `pid`'s tree."""
    pids = tree(pid)
    return sum(pss(p) for p in pids), len(pids)


def cpu_ticks(pid: int) -> tuple[int, int]:
    """CPU time of the process `pid` itself and of its descendants (those it reaped included), in ticks."""
    own = rest = 0
    for p in tree(pid):
        try:
            with open(f"/proc/{p}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if p == pid:
            own = int(fields[11]) + int(fields[12])
            rest += int(fields[13]) + int(fields[14])
        else:
            rest += int(fields[11]) + int(fields[12])
    return own, rest


def machine_busy() -> tuple[int, int]:
    """(busy, total) clock ticks of all CPUs since boot."""
    with open("/proc/stat", encoding="ascii") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


@dataclass(frozen=True)
class Cores:
    """Cores used over an interval: by all, and split between server, its workers, this benchmark, others."""

    used: float
    available: float
    server: float
    workers: float
    bench: float
    other: float


class CpuShare:
    """Who used the machine's CPU between being made and `stop()`."""

    def __init__(self, server_pid: int):
        self.pid = server_pid
        self.t0, self.m0, self.s0, self.b0 = time.monotonic(), machine_busy(), cpu_ticks(server_pid), self._own()

    @staticmethod
    def _own() -> float:
        t = os.times()
        return t.user + t.system

    def stop(self) -> Cores:
        tick = os.sysconf("SC_CLK_TCK")
        wall = max(time.monotonic() - self.t0, 1e-9)
        busy, total = machine_busy()
        own, rest = cpu_ticks(self.pid)
        used = (busy - self.m0[0]) / tick / wall
        server, workers = (own - self.s0[0]) / tick / wall, max(0, rest - self.s0[1]) / tick / wall
        bench = (self._own() - self.b0) / wall
        return Cores(used, (total - self.m0[1]) / tick / wall, server, workers, bench,
                     max(0.0, used - server - workers - bench))
