"""Per-kernel memory and process limits with cgroups: v2 where delegated, v1 where mounted.

``run_cgroups`` makes one folder per controller for a grading run (under the grader's own cgroup)
and removes it, with anything left in it, at the end. ``kernel_cgroup`` makes a worker's kernel
cgroup inside it, with the limits written, and returns its ``cgroup.procs`` files: the sandbox binds
them in and the kernel's launcher joins them (``course.grade.confine``). Where neither works (not
root, no writable hierarchy), both return nothing and the kernel gets rlimits instead.
"""

import contextlib
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

ENV = "COURSE_CGROUPS"  # the run's cgroup folders, for the worker processes


def _mounts() -> dict[str, Path]:
    """Mount points of the cgroup hierarchies: v1 ``{"memory": …, "pids": …, "cpu": …}``,
    v2 ``{"v2": …}``."""
    found: dict[str, Path] = {}
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        fields = line.split()
        dash = fields.index("-")
        fstype, options = fields[dash + 1], fields[dash + 3].split(",")
        if fstype == "cgroup":
            for controller in ("memory", "pids", "cpu"):
                if controller in options:
                    found[controller] = Path(fields[4])
        elif fstype == "cgroup2":
            found.setdefault("v2", Path(fields[4]))
    return found


def _own(mount: Path, controller: str) -> Path:
    """This process's cgroup folder in the hierarchy mounted at ``mount``."""
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        number, controllers, path = line.split(":", 2)
        if (controller == "v2" and number == "0") or controller in controllers.split(","):
            return mount / path.lstrip("/")
    raise FileNotFoundError(controller)


def _make_run_folders(name: str) -> list[Path]:
    mounts = _mounts()
    if "memory" in mounts and "pids" in mounts:  # v1: one hierarchy per controller
        folders: list[Path] = []
        try:
            for controller in [c for c in ("memory", "pids", "cpu") if c in mounts]:
                folders.append(_own(mounts[controller], controller) / name)
                folders[-1].mkdir()
        except OSError:
            for folder in folders[:-1]:
                folder.rmdir()
            raise
        return folders
    if "v2" in mounts:
        parent = _own(mounts["v2"], "v2")
        enabled = set((parent / "cgroup.subtree_control").read_text().split())
        if not {"memory", "pids"} <= enabled:
            # refused (EBUSY) while the grader's own cgroup holds processes: then no cgroups
            (parent / "cgroup.subtree_control").write_text("+memory +pids")
        folder = parent / name
        folder.mkdir()
        try:
            (folder / "cgroup.subtree_control").write_text("+memory +pids")
            with contextlib.suppress(OSError):
                (folder / "cgroup.subtree_control").write_text("+cpu")
        except OSError:
            folder.rmdir()
            raise
        return [folder]
    return []


@contextlib.contextmanager
def run_cgroups(name: str | None = None) -> Iterator[list[Path]]:
    """Cgroup folders for one grading run (empty when cgroups cannot be used); removed after."""
    try:
        folders = _make_run_folders(name or f"course-grade-{os.getpid()}")
    except OSError:
        folders = []
    try:
        yield folders
    finally:
        for folder in folders:
            remove(folder)


def kernel_cgroup(parents: list[Path], name: str, memory_bytes: int, tasks: int,
                  cpus: float) -> list[Path]:
    """Create ``name`` under each run folder with the limits set; its ``cgroup.procs`` files.

    Args:
        parents: the run's folders (``run_cgroups``).
        name: the kernel cgroup's name (one per worker: one kernel at a time).
        memory_bytes: memory, tmpfs files included.
        tasks: processes and threads.
        cpus: cores' worth of CPU time (a fork bomb's spinning children share it).
    """
    procs = []
    period = 100_000
    try:
        for parent in parents:
            folder = parent / name
            folder.mkdir(exist_ok=True)
            files = {"pids.max": str(tasks), "cpu.max": f"{int(cpus * period)} {period}",
                     "cpu.cfs_period_us": str(period),
                     "cpu.cfs_quota_us": str(int(cpus * period))}
            if (folder / "memory.max").exists():  # v2
                files.update({"memory.max": str(memory_bytes), "memory.swap.max": "0"})
            elif (folder / "memory.limit_in_bytes").exists():  # v1
                files["memory.limit_in_bytes"] = str(memory_bytes)
            for file, value in files.items():
                if (folder / file).exists():
                    (folder / file).write_text(value)
            procs.append(folder / "cgroup.procs")
    except OSError:
        return []
    return procs


def remove(folder: Path) -> None:
    """Kill every process in ``folder`` and its children, then remove them all."""
    if not folder.is_dir():
        return
    for child in [p for p in folder.iterdir() if p.is_dir()]:
        remove(child)
    for _ in range(50):
        try:
            pids = [int(p) for p in (folder / "cgroup.procs").read_text().split()]
        except OSError:
            pids = []
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        try:
            folder.rmdir()
            return
        except OSError:
            time.sleep(0.05)
