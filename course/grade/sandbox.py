"""Run a grading kernel inside bubblewrap: system read-only, course and home hidden.

nbclient starts the kernel through the ``course-sandbox`` kernelspec written by
``install_kernelspec``; its command is ``python -m course.grade.sandbox -f {connection_file}``,
which execs ``bwrap`` around the usual ``ipykernel_launcher``. Inside, the whole file system is
read-only, the course folder (gradebook, sources, other students' work) and the home folder are
replaced by empty ones, /tmp is private, and only the kernel's working folder — this submission's
copy — is writable. The grader sets ``COURSE_SANDBOX_HIDE`` to the course folder before starting
kernels.
"""

import glob
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

KERNEL_NAME = "course-sandbox"


def available() -> bool:
    """True when bubblewrap is installed and can create a sandbox here."""
    import subprocess

    bwrap = shutil.which("bwrap")
    if not bwrap:
        return False
    probe = subprocess.run([bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                            "true"], capture_output=True)
    return probe.returncode == 0


def install_kernelspec(directory: Path) -> Path:
    """Write the ``course-sandbox`` kernelspec under ``directory/kernels``; return that folder.

    Put ``directory`` first on ``JUPYTER_PATH`` so kernel managers find it.
    """
    spec_dir = directory / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {"argv": [sys.executable, "-m", "course.grade.sandbox", "-f", "{connection_file}"],
            "display_name": "Python 3 (course sandbox)", "language": "python",
            "interrupt_mode": "message"}  # signals do not cross bwrap; a message does
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1))
    return spec_dir


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def bwrap_command(kernel_argv: list[str], hide: list[Path], writable: Path,
                  readable: list[Path], scratch: Path) -> list[str]:
    """The bubblewrap command line that runs ``kernel_argv`` in the sandbox.

    Args:
        kernel_argv: the kernel's own command.
        hide: folders replaced by empty ones (the course folder, the home folder).
        writable: the one folder the kernel may write (its working folder).
        readable: files or folders inside a hidden one that must stay readable (the Python
            environment, the course package, the connection file).
        scratch: a private folder mounted at /tmp/course-home for caches (IPython, matplotlib).
    """
    command = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
               "--tmpfs", "/tmp", "--unshare-pid", "--unshare-ipc", "--die-with-parent",
               "--new-session", "--cap-drop", "ALL"]  # as root, bwrap would keep them
    for folder in hide:
        if folder.exists():
            command += ["--tmpfs", str(folder)]
    for path in readable:
        if path.exists() and any(_inside(path, folder) for folder in [*hide, Path("/tmp")]):
            command += ["--ro-bind", str(path), str(path)]
    command += ["--bind", str(scratch), "/tmp/course-home",
                "--setenv", "HOME", "/tmp/course-home", "--unsetenv", "JPY_PARENT_PID",
                "--setenv", "IPYTHONDIR", "/tmp/course-home/ipython",
                "--setenv", "MPLCONFIGDIR", "/tmp/course-home/matplotlib",
                "--bind", str(writable), str(writable), "--chdir", str(writable)]
    for folder in hide:
        if folder.exists():
            command += ["--remount-ro", str(folder)]  # the empty stand-in is read-only too
    return command + ["--", *kernel_argv]


def _matplotlib_cache(scratch: Path) -> None:
    """Seed the sandbox's matplotlib folder with the font cache (saves seconds per kernel)."""
    target = scratch / "matplotlib"
    target.mkdir(parents=True, exist_ok=True)
    sources = [os.environ.get("MPLCONFIGDIR", ""), os.path.expanduser("~/.cache/matplotlib"),
               os.path.expanduser("~/.matplotlib")]
    for folder in filter(None, sources):
        for cached in glob.glob(os.path.join(folder, "fontlist-*.json")):
            shutil.copy(cached, target)


def main(argv: list[str]) -> None:
    """Entry point of the kernelspec: exec the kernel inside bubblewrap."""
    connection_file = Path(argv[argv.index("-f") + 1]).resolve()
    hide = [Path(p) for p in os.environ.get("COURSE_SANDBOX_HIDE", "").split(os.pathsep) if p]
    hide.append(Path.home())
    package = Path(__file__).resolve().parents[1]  # the whole course package
    readable = [Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).resolve().parent,
                package, connection_file]
    scratch = Path(tempfile.mkdtemp(prefix="course-sandbox-",
                                    dir=os.environ.get("COURSE_SANDBOX_SCRATCH")))
    _matplotlib_cache(scratch)
    kernel = [sys.executable, "-m", "ipykernel_launcher", "-f", str(connection_file),
              "--HistoryManager.hist_file=:memory:"]
    command = bwrap_command(kernel, hide, Path.cwd(), readable, scratch)
    quiet = os.open(os.devnull, os.O_WRONLY)  # the kernel's own banner and warnings, not cells'
    os.dup2(quiet, 1)
    os.dup2(quiet, 2)
    os.execvp(shutil.which("bwrap") or "bwrap", command)


if __name__ == "__main__":
    main(sys.argv[1:])
