"""Shared plumbing: machine description, statistics, text tables and the JSON result files."""

import datetime
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"


def cpu_model() -> str:
    """The CPU's model name (from /proc/cpuinfo on Linux)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    return None


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _git(*args: str) -> str | None:
    try:
        result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                                timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def load_average() -> list[float]:
    """1, 5 and 15 minute load averages."""
    return [round(x, 2) for x in os.getloadavg()]


def machine_info() -> dict:
    """Where a measurement was taken: CPU, cores, memory, versions, load and git state."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    dirty = _git("status", "--porcelain")
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "memory_gib": _memory_gib(),
        "gpu": Path("/dev/nvidia0").exists(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "versions": {name: _version(name) for name in (
            "torch", "numpy", "matplotlib", "ipywidgets", "nbclient", "nbgrader", "nbval",
            "pytest", "pytest-xdist", "ipykernel")},
        "load_average_at_start": load_average(),
        "git_commit": _git("rev-parse", "--short", "HEAD"),
        "git_dirty": bool(dirty) if dirty is not None else None,
        "started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), linear interpolation between closest ranks (NumPy's default)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def target(what: str, limit: str, value: float | None, met: bool | None) -> dict:
    """One target line: what is measured, the limit, the measured value and whether it is met."""
    return {"what": what, "target": limit, "value": value, "met": met}


def mark(met: bool | None) -> str:
    return "n/a" if met is None else ("met" if met else "MISSED")


def table(headers: Sequence[str], rows: Sequence[Sequence], markdown: bool = False) -> str:
    """A plain aligned text table (or a markdown one); numbers are right-aligned."""
    cells = [[str(h) for h in headers]] + [[_cell(v) for v in row] for row in rows]
    numeric = [all(_is_number(row[i]) or row[i] is None for row in rows)
               and any(_is_number(row[i]) for row in rows) for i in range(len(headers))]
    if markdown:
        lines = ["| " + " | ".join(cells[0]) + " |",
                 "|" + "|".join("---:" if n else "---" for n in numeric) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in cells[1:]]
        return "\n".join(lines)
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for index, row in enumerate(cells):
        lines.append("  ".join(v.rjust(w) if numeric[i] else v.ljust(w)
                               for i, (v, w) in enumerate(zip(row, widths, strict=True))).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 0.1 else f"{value:.1f}" if value >= 10 \
            else f"{value:.2f}"
    return str(value)


def write_results(name: str, payload: dict) -> Path:
    """Write ``benchmarks/results/<name>.json`` (atomically) and return its path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = {**payload, "load_average_at_end": load_average(),
               "finished": datetime.datetime.now(datetime.timezone.utc).isoformat(
                   timespec="seconds")}
    path = RESULTS / f"{name}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(payload, indent=2, sort_keys=False) + "\n")
    tmp.replace(path)
    return path


def read_results(name: str) -> dict | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def venv_env() -> dict[str, str]:
    """Environment for child processes: this interpreter's scripts (nbgrader, alembic) on PATH."""
    env = dict(os.environ)
    scripts = str(Path(sys.executable).parent)
    env["PATH"] = scripts + os.pathsep + env.get("PATH", "")
    env.setdefault("PYTHONHASHSEED", "0")
    return env


def wait_for_quiet(threshold: float, max_minutes: float, poll_s: float = 60.0) -> bool:
    """Poll the 1-minute load average until it is below ``threshold``; False after the limit."""
    deadline = time.monotonic() + max_minutes * 60
    while True:
        one = os.getloadavg()[0]
        if one < threshold:
            print(f"load average {one:.2f} < {threshold}: starting", flush=True)
            return True
        if time.monotonic() >= deadline:
            print(f"load average still {one:.2f} after {max_minutes:g} min: giving up waiting",
                  flush=True)
            return False
        print(f"load average {one:.2f} >= {threshold}: waiting {poll_s:.0f} s", flush=True)
        time.sleep(poll_s)


def header(title: str, machine: dict) -> str:
    load = ", ".join(f"{x:.2f}" for x in machine["load_average_at_start"])
    return (f"== {title} ==\n{machine['cpu']} ({machine['usable_cores']} cores), "
            f"Python {machine['python']}, torch {machine['versions']['torch']}, "
            f"load average {load}")
