"""Helpers for the grading-kernel tests: a worker's kernel server and notebooks run through it."""

import contextlib
import json
import os
from pathlib import Path

import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from course.grade import limits, zygote
from course.grade.polling import ShortPolls

SMALL = {"tmp_bytes": 8 << 20, "shm_bytes": 4 << 20, "home_bytes": 8 << 20,
         "memory_bytes": 1 << 30, "tasks": 64}


class Client(ShortPolls, NotebookClient):
    pass


@contextlib.contextmanager
def kernel_server(scratch: Path, sandboxed: bool, preload: bool = True, **env: str):
    """Point this process at a fresh kernel server as a grading worker would; stop it after."""
    with pytest.MonkeyPatch.context() as patch, limits.run_cgroups(
            f"course-test-{os.getpid()}-{scratch.name}") as cgroups:
        scratch.mkdir(exist_ok=True)
        for name, value in {"COURSE_SANDBOX_SCRATCH": str(scratch),
                            "COURSE_ZYGOTE_SANDBOX": "1" if sandboxed else "0",
                            "COURSE_ZYGOTE_PRELOAD": "1" if preload else "0",
                            "COURSE_CGROUPS": os.pathsep.join(map(str, cgroups)),
                            "COURSE_KERNEL_LIMITS": json.dumps(SMALL),
                            "OMP_NUM_THREADS": "1", **env}.items():
            patch.setenv(name, value)
        patch.setattr(zygote, "_zygote", None)
        try:
            yield cgroups
        finally:
            if zygote._zygote is not None:
                zygote._zygote.close()


def run(tmp_path: Path, *sources: str, folder_files=None, timeout=60):
    """Execute cells in a kernel of the current server, in a copy of a folder holding
    ``folder_files``; return the notebook."""
    folder = tmp_path / f"submission-{len(list(tmp_path.glob('submission-*')))}"
    folder.mkdir()
    for name, content in (folder_files or {}).items():
        (folder / name).write_text(content)
    nb = new_notebook(cells=[new_code_cell(source) for source in sources])
    Client(nb, timeout=timeout, kernel_manager_class=zygote.ZygoteKernelManager,
           resources={"metadata": {"path": str(folder)}}).execute()
    return nb


def text(nb, index: int) -> str:
    """The stdout of cell ``index``."""
    return "".join(o.get("text", "") for o in nb.cells[index].outputs)


def server_pid() -> int:
    """The host pid of the current server process (inside bubblewrap when sandboxed)."""
    top = zygote._zygote.process.pid
    for pid in [top, *descendants(top)]:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        if b"course.grade.zygote" in cmdline and not cmdline[0].endswith(b"bwrap"):
            return pid
    raise LookupError("no kernel server process")


def descendants(pid: int) -> list[int]:
    """Every process below ``pid``, parents first."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        for child in children.get(queue.pop(0), []):
            found.append(child)
            queue.append(child)
    return found


def state(pid: int) -> str:
    """The one-letter state of a process (``T``: stopped)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
