"""What the load test samples each second: consumer lag, and each process's CPU and memory.

CPU and RSS come from /proc/<pid>/stat and /proc/<pid>/status (Linux), with no extra dependency.
A process counts with its descendants: a worker's extraction process is part of the worker.
Lag is the end offsets of `articles` minus the offsets the workers' consumer group committed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def parse_stat_cpu(text: str, ticks: int = CLOCK_TICKS) -> float:
    """User + system CPU seconds from the text of /proc/<pid>/stat."""
    # The command name (field 2) is in parentheses and may hold spaces: split after the last ')'.
    fields = text[text.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime: fields 14 and 15


def parse_stat_parent(text: str) -> int:
    """The parent pid from the text of /proc/<pid>/stat (field 4)."""
    return int(text[text.rindex(")") + 2:].split()[1])


def descendants(pid: int, proc: Path = Path("/proc")) -> list[int]:
    """Every live descendant of `pid` (children, their children, ...), from each /proc/*/stat."""
    children: dict[int, list[int]] = {}
    for entry in proc.iterdir():
        if entry.name.isdigit():
            try:
                parent = parse_stat_parent((entry / "stat").read_text())
            except (OSError, ValueError):  # gone meanwhile
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def parse_status_rss(text: str) -> int | None:
    """Resident set size in bytes from the text of /proc/<pid>/status."""
    for line in text.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024  # reported in kB
    return None


def cpu_percent(cpu_before: float, cpu_after: float, wall_seconds: float) -> float | None:
    """CPU use over an interval, in percent of one core (200 = two cores busy)."""
    if wall_seconds <= 0:
        return None
    return 100.0 * (cpu_after - cpu_before) / wall_seconds


class ProcessSampler:
    """CPU % (since the previous sample) and RSS of named processes."""

    def __init__(self, pids: dict[str, int], proc: Path = Path("/proc"),
                 clock: Callable[[], float] = time.monotonic):
        self.pids = dict(pids)
        self.proc = proc
        self.clock = clock
        self.last: dict[str, tuple[float, float]] = {}

    def read(self, pid: int) -> tuple[float, int | None] | None:
        """CPU seconds and RSS of `pid` and its descendants; None once `pid` is gone."""
        own = self.read_one(pid)
        if own is None:
            return None
        cpu, rss = own
        for child in descendants(pid, self.proc):
            reading = self.read_one(child)
            if reading is not None:
                cpu += reading[0]
                rss = None if rss is None or reading[1] is None else rss + reading[1]
        return cpu, rss

    def read_one(self, pid: int) -> tuple[float, int | None] | None:
        try:
            stat = (self.proc / str(pid) / "stat").read_text()
            status = (self.proc / str(pid) / "status").read_text()
        except OSError:  # the process is gone
            return None
        return parse_stat_cpu(stat), parse_status_rss(status)

    def sample(self) -> dict[str, dict[str, float | None]]:
        now = self.clock()
        out: dict[str, dict[str, float | None]] = {}
        for name, pid in self.pids.items():
            reading = self.read(pid)
            if reading is None:
                continue
            cpu, rss = reading
            before = self.last.get(name)
            self.last[name] = (now, cpu)
            out[name] = {
                "cpu_percent": cpu_percent(before[1], cpu, now - before[0]) if before else None,
                "rss_mb": rss / 2**20 if rss is not None else None,
                "cpu_seconds": cpu,
            }
        return out


def lag(end_offsets: dict, committed: dict) -> int:
    """Messages not yet committed by the group, summed over partitions (no commit = offset 0)."""
    return sum(max(end - max(committed.get(tp, 0), 0), 0) for tp, end in end_offsets.items())


class LagProbe:
    """The consumer lag of one group on one topic, with an admin client and a group-less consumer."""

    def __init__(self, bootstrap: str, group: str, topic: str, partitions: int,
                 security: dict | None = None):
        self.group = group
        self.topic = topic
        self.partitions = [TopicPartition(topic, p) for p in range(partitions)]
        self.admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **(security or {}))
        self.consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                                         **(security or {}))

    async def start(self) -> None:
        await self.admin.start()
        await self.consumer.start()

    async def stop(self) -> None:
        await self.consumer.stop()
        await self.admin.close()

    async def sample(self) -> int:
        ends = await self.consumer.end_offsets(self.partitions)
        offsets = await self.admin.list_consumer_group_offsets(self.group,
                                                               partitions=self.partitions)
        return lag(ends, {tp: meta.offset for tp, meta in offsets.items()})

    async def members(self) -> tuple[str, int]:
        """The group's state (`Stable`, `PreparingRebalance`, ...) and how many members it has."""
        responses = await self.admin.describe_consumer_groups([self.group])
        for response in responses:
            for group in response.groups:
                # DescribeGroups v0+: (error_code, group_id, state, protocol_type, protocol,
                # members, ...)
                if group[1] == self.group:
                    return group[2], len(group[5])
        return "Dead", 0
