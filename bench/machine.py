"""The machine's load average and the CPU time of processes during the benchmark."""

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType


@dataclass(frozen=True)
class LoadRange:
    """Lowest and highest 1-minute load average sampled while one part of the run ran."""

    low: float
    high: float

    def text(self) -> str:
        if f"{self.low:.1f}" == f"{self.high:.1f}":
            return f"{self.low:.1f}"
        return f"{self.low:.1f} to {self.high:.1f}"


class LoadSampler:
    """Sample the 1-minute load average on entry, every `interval` seconds and on exit."""

    def __init__(self, interval: float = 2.0) -> None:
        self.interval = interval
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(self.interval):
            self.samples.append(os.getloadavg()[0])

    def __enter__(self) -> "LoadSampler":
        self.samples.append(os.getloadavg()[0])
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append(os.getloadavg()[0])

    def range(self) -> LoadRange:
        return LoadRange(min(self.samples), max(self.samples))


def process_stat(pid: int) -> tuple[str, list[str]] | None:
    """Return the command name and the fields after it of /proc/PID/stat, or None."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name is in parentheses and may itself contain spaces or parentheses.
    name = text[text.index("(") + 1 : text.rindex(")")]
    return name, text[text.rindex(")") + 1 :].split()


def cpu_seconds(pid: int, children: bool = False) -> float | None:
    """Return the user and system CPU seconds of a process on this machine, or None.

    With `children`, add those of its ended child processes that it waited for.
    """
    stat = process_stat(pid)
    if stat is None:
        return None
    # Fields 14 to 17 of /proc/PID/stat: utime, stime, cutime, cstime, in clock ticks.
    fields = stat[1][11:15] if children else stat[1][11:13]
    return sum(int(value) for value in fields) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class SchedulerTime:
    """Seconds a process's threads ran on a CPU and waited, runnable, for one."""

    running: float
    waiting: float

    def __sub__(self, other: "SchedulerTime") -> "SchedulerTime":
        return SchedulerTime(self.running - other.running, self.waiting - other.waiting)

    def __add__(self, other: "SchedulerTime") -> "SchedulerTime":
        return SchedulerTime(self.running + other.running, self.waiting + other.waiting)


NO_TIME = SchedulerTime(0.0, 0.0)


def scheduler_time(pid: int) -> SchedulerTime | None:
    """Return the time the threads of a process ran and waited for a CPU, or None.

    Read from /proc/PID/task/*/schedstat, whose first two fields are nanoseconds on a CPU
    and nanoseconds runnable on a run queue. Threads that ended are not counted. None when
    the process is not on this machine or the kernel has no schedstat files.
    """
    total, read = NO_TIME, 0
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            try:
                fields = (task / "schedstat").read_text().split()
            except FileNotFoundError:
                continue  # the thread ended after the listing, or there is no schedstat
            total += SchedulerTime(int(fields[0]) / 1e9, int(fields[1]) / 1e9)
            read += 1
    except (OSError, IndexError, ValueError):
        return None
    return total if read else None
