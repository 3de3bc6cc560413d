"""course/sandbox.py: the bubblewrap command hides what it must and keeps the kernel working."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from course.grade import sandbox


def test_command_hides_course_and_home_binds_only_the_submission_writable(tmp_path):
    course, home, work = tmp_path / "course", tmp_path / "home", tmp_path / "course" / "me"
    for folder in (course, home, work):
        folder.mkdir(parents=True, exist_ok=True)
    package = course / "course"
    package.mkdir()
    command = sandbox.bwrap_command(["python"], [course, home], work, [package], tmp_path)
    text = " ".join(command)
    assert f"--tmpfs {course}" in text and f"--tmpfs {home}" in text
    assert f"--ro-bind {package} {package}" in text
    assert f"--bind {work} {work}" in text and f"--chdir {work}" in text
    assert f"--remount-ro {course}" in text
    assert command.index("--remount-ro") > command.index("--bind")
    assert command[-2:] == ["--", "python"]


def test_kernelspec_launches_through_the_sandbox_module(tmp_path):
    spec_dir = sandbox.install_kernelspec(tmp_path)
    spec = json.loads((spec_dir / "kernel.json").read_text())
    assert spec["argv"][:3] == [sys.executable, "-m", "course.grade.sandbox"]
    assert spec["interrupt_mode"] == "message"


@pytest.mark.skipif(not sandbox.available(), reason="bubblewrap is not installed here")
def test_a_sandboxed_process_cannot_read_the_hidden_folder(tmp_path):
    secret = tmp_path / "course" / "gradebook.db"
    secret.parent.mkdir()
    secret.write_text("hidden tests")
    work = tmp_path / "work"
    work.mkdir()
    command = sandbox.bwrap_command(
        [sys.executable, "-c", f"import os; print(os.path.exists({str(secret)!r}))"],
        [secret.parent], work, [Path(sys.prefix), Path(sys.base_prefix)], tmp_path)
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


@pytest.mark.skipif(not sandbox.available(), reason="bubblewrap is not installed here")
def test_a_sandboxed_process_has_no_capabilities_even_when_the_grader_is_root(tmp_path):
    """bwrap started by root keeps root's capabilities unless told otherwise: with CAP_SYS_ADMIN
    a student could unmount the empty folder laid over the course and read the gradebook."""
    secret = tmp_path / "course" / "gradebook.db"
    secret.parent.mkdir()
    secret.write_text("hidden tests")
    work = tmp_path / "work"
    work.mkdir()
    probe = ("import ctypes, os\n"
             "caps = open('/proc/self/status').read().split('CapEff:')[1].split()[0]\n"
             "libc = ctypes.CDLL(None, use_errno=True)\n"
             f"gone = libc.umount2({str(secret.parent)!r}.encode(), 2)\n"
             f"print(int(caps, 16), gone, os.path.exists({str(secret)!r}))")
    command = sandbox.bwrap_command([sys.executable, "-c", probe], [secret.parent], work,
                                    [Path(sys.prefix), Path(sys.base_prefix)], tmp_path)
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.stdout.split() == ["0", "-1", "False"], result.stdout + result.stderr
