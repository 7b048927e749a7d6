"""How much of the machine other work took while a step ran (a test suite beside the benchmark, say).

Samples every process's CPU time from /proc every two seconds. The benchmark's own share is this process, its
children (gunicorn) and the PostgreSQL backends connected to the benchmark's database (their process title
names it); everything else counts as other work.
"""

import os
import threading
import time
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _processes():
    """{pid: (parent, cpu seconds)} for every process that can be read."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        fields = text.rsplit(")", 1)[1].split()
        found[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS)
    return found


def _title(pid):
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class CpuWatch:
    def __init__(self, database, interval=2.0):
        self.database = f" {database} "
        self.interval = interval
        self.ours = 0.0
        self.others = 0.0
        self.titles = {}
        self.stop_event = threading.Event()
        self.thread = None

    def __enter__(self):
        self.last = _processes()
        self.started = time.monotonic()
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        self.thread.join()
        self.sample()
        self.seconds = time.monotonic() - self.started
        return False

    def loop(self):
        while not self.stop_event.wait(self.interval):
            self.sample()

    def ours_pids(self, processes):
        children = {}
        for pid, (parent, _cpu) in processes.items():
            children.setdefault(parent, []).append(pid)
        mine, stack = set(), [os.getpid()]
        while stack:
            pid = stack.pop()
            mine.add(pid)
            stack.extend(children.get(pid, []))
        return mine

    def sample(self):
        now = _processes()
        mine = self.ours_pids(now)
        for pid, (_parent, cpu) in now.items():
            previous = self.last.get(pid)
            spent = cpu - previous[1] if previous else 0.0
            if spent <= 0:
                continue
            if pid not in self.titles:
                self.titles[pid] = _title(pid)
            if pid in mine or self.is_ours(pid):
                self.ours += spent
            else:
                self.others += spent
        self.last = now

    def is_ours(self, pid):
        title = self.titles.get(pid) or _title(pid)
        if self.database in title:
            return True
        # A parallel query's helpers are named after the backend that leads them.
        marker = "parallel worker for PID "
        if marker in title:
            leader = title.split(marker, 1)[1].split()[0]
            if leader.isdigit():
                return self.database in self.titles.setdefault(int(leader), _title(int(leader)))
        return False

    def summary(self):
        return {
            "seconds": round(self.seconds),
            "benchmark_cores": round(self.ours / self.seconds, 2),
            "other_processes_cores": round(self.others / self.seconds, 2),
            "load_average_1m_after": round(os.getloadavg()[0], 2),
        }
