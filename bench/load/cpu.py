"""CPU time per process group, read from /proc (utime + stime of each process, in seconds).

Groups: the load tool (LOAD_TOOL_PID, else this process), gunicorn (LOAD_GUNICORN_PID and its
children), the Celery worker (LOAD_CELERY_PID and children), PostgreSQL backends of the bench
database (LOAD_DATABASE in their command line), other PostgreSQL processes (other databases,
background writers), Redis, and the rest: the machine's busy time (/proc/stat) minus the groups,
so processes that started or ended inside the window are not lost.
"""

import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
GROUPS = (
    "load tool",
    "gunicorn",
    "celery",
    "postgresql (bench db)",
    "postgresql (other)",
    "redis",
    "rest",
)


def _stat(pid):
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()
    # fields[1] = ppid, fields[11] = utime, fields[12] = stime (after pid and comm)
    return name, int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK


def _cmdline(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _machine_busy():
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / TICK


def cpu_snapshot():
    """{group: cpu seconds so far} for the processes alive now, plus the machine's busy time."""
    roots = {
        "load tool": {int(os.environ.get("LOAD_TOOL_PID") or os.getpid())},
        "gunicorn": {int(p) for p in os.environ.get("LOAD_GUNICORN_PID", "").split(",") if p},
        "celery": {int(p) for p in os.environ.get("LOAD_CELERY_PID", "").split(",") if p},
    }
    database = os.environ.get("LOAD_DATABASE", "")
    procs = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(entry)
            if stat:
                procs[int(entry)] = stat
    per_process = {}
    for pid, (name, ppid, cpu) in procs.items():
        group = None
        for key, root in roots.items():
            if pid in root or ppid in root:
                group = key
        if group is None and name in ("postgres", "postmaster"):
            group = (
                "postgresql (bench db)"
                if database and f" {database} " in _cmdline(pid)
                else "postgresql (other)"
            )
        if group is None and name.startswith("redis"):
            group = "redis"
        if group is not None:
            per_process[str(pid)] = [group, cpu]
    return {"processes": per_process, "machine busy": _machine_busy()}


def cpu_split(before, after, seconds):
    """CPU cores used by each group over the window, process by process: one that started
    inside the window counts from zero; one that ended inside it (a database connection
    closed at CONN_MAX_AGE) is lost to the groups and counted in "rest"."""
    out = dict.fromkeys(GROUPS[:-1], 0.0)
    for pid, (group, cpu) in after["processes"].items():
        old = before["processes"].get(pid)
        start = old[1] if old and old[0] == group and old[1] <= cpu else 0.0
        out[group] += (cpu - start) / seconds
    busy = (after["machine busy"] - before["machine busy"]) / seconds
    out["rest"] = max(busy - sum(out.values()), 0.0)
    out["machine busy"] = busy
    return out
