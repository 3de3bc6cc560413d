"""The bubblewrap sandbox of the grading kernels: allow-listed files, no network, no grader.

``bwrap_command`` builds the command that starts a worker's kernel server
(``course.grade.zygote``) in a sandbox of its own. Inside there is no network (a new network
namespace: kernels talk to the grader over unix sockets in ``/run/ipc``), no host socket folder
(``/run``, ``/var``, ``/tmp`` of the host are not there), an environment cleared to ``ENV_KEEP``,
and only these files, read-only: ``/usr`` and the ``/lib*`` folders, the few ``/etc`` files the
dynamic loader and Python read, the Python installation with its site-packages and library
folders, and the course package (``course.grade.confine.python_paths``). ``/tmp`` and
``/dev/shm`` are small private tmpfs. The server keeps ``CAPABILITIES`` to give each kernel its own
namespaces, scratch space, cgroup and unprivileged uid (``course.grade.confine``); the kernel has
none of them.
"""

import json
import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

from course.grade.confine import GRADER, HOME, INBOX, IPC, python_paths

CAPABILITIES = ("CAP_SYS_ADMIN", "CAP_SETUID", "CAP_SETGID", "CAP_CHOWN", "CAP_FOWNER",
                "CAP_DAC_OVERRIDE", "CAP_KILL")
ENV_KEEP = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "ATEN_CPU_CAPABILITY", "LANG", "LC_ALL", "TZ",
            "PYTHONHASHSEED", "NBGRADER_EXECUTION", "MPLBACKEND", "LD_LIBRARY_PATH")
ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "mime.types")
LIMITS = {"memory_bytes": 2 << 30, "tasks": 256, "tmp_bytes": 256 << 20, "shm_bytes": 128 << 20,
          "home_bytes": 256 << 20, "ipc_bytes": 1 << 20}
LIMITS_ENV = "COURSE_KERNEL_LIMITS"  # JSON that overrides some of LIMITS
UID_BASE = 1_500_000_000  # kernels run as UID_BASE + the worker's pid: owned by no real user


def available() -> bool:
    """True when bubblewrap is installed and can create a sandbox without network here."""
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return False
    probe = subprocess.run([bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                            "--unshare-net", "--unshare-pid", "--unshare-ipc", "true"],
                           capture_output=True)
    return probe.returncode == 0


def limits() -> dict:
    """The per-kernel limits: ``LIMITS``, CPU as the kernel's share of the cores
    (``OMP_NUM_THREADS``), with the overrides of ``$COURSE_KERNEL_LIMITS``."""
    cpus = float(os.environ.get("OMP_NUM_THREADS") or os.cpu_count() or 1)
    return {**LIMITS, "cpus": cpus, **json.loads(os.environ.get(LIMITS_ENV) or "{}")}


def kernel_settings(cgroup_procs: list[Path]) -> dict:
    """What ``course.grade.confine.prepare`` needs: uid, limits, cgroup files, environment."""
    root = os.geteuid() == 0
    uid = UID_BASE + os.getpid() if root else None
    env = {name: os.environ[name] for name in ENV_KEEP if name in os.environ}
    env.update(PATH=f"{Path(sys.executable).parent}:/usr/bin:/bin", USER="student",
               LOGNAME="student", LANG=env.get("LANG", "C.UTF-8"))
    if site.ENABLE_USER_SITE and site.getusersitepackages() in sys.path:  # inside, HOME differs
        env["PYTHONUSERBASE"] = site.getuserbase()
    return {**limits(), "uid": uid, "gid": uid, "env": env,
            "cgroup_procs": [str(GRADER / f"cgroup-{i}") for i in range(len(cgroup_procs))]}


def _with_parents(target: Path, made: set[Path]) -> list[str]:
    """``--dir`` for each missing parent of ``target``, world-readable (bwrap's are 0700)."""
    args = []
    for parent in reversed(target.parents):
        if parent != Path("/") and parent not in made:
            made.add(parent)
            args += ["--perms", "0755", "--dir", str(parent)]
    return args


def bwrap_command(argv: list[str], binds: list[tuple[Path, Path]],
                  writable: list[tuple[Path, Path]], limits: dict[str, int],
                  env: dict[str, str]) -> list[str]:
    """The bubblewrap command that runs ``argv`` (the kernel server) in the sandbox.

    Args:
        argv: the command to run inside.
        binds: ``(host path, path inside)`` pairs bound read-only, besides the system's.
        writable: ``(host path, path inside)`` pairs bound writable (the cgroup files).
        limits: sizes of the sandbox's ``/tmp``, ``/dev/shm`` and ``/run/ipc`` (``LIMITS``).
        env: the whole environment inside.
    """
    command = ["bwrap", "--unshare-pid", "--unshare-ipc", "--unshare-net", "--unshare-uts",
               "--hostname", "grading", "--die-with-parent", "--new-session", "--clearenv"]
    for name, value in env.items():
        command += ["--setenv", name, value]
    command += ["--ro-bind", "/usr", "/usr"]
    made: set[Path] = {Path("/usr")}
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        host = Path("/") / name
        if host.is_symlink():
            command += ["--symlink", os.readlink(host), str(host)]
        elif host.is_dir():
            command += ["--ro-bind", str(host), str(host)]
    for name in ETC:
        if (Path("/etc") / name).exists():
            command += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
    command += ["--proc", "/proc", "--dev", "/dev", "--mqueue", "/dev/mqueue",
                "--perms", "1777", "--size", str(limits["tmp_bytes"]), "--tmpfs", "/tmp",
                "--perms", "1777", "--size", str(limits["shm_bytes"]), "--tmpfs", "/dev/shm",
                "--perms", "0755", "--dir", str(HOME.parent), "--perms", "0755", "--dir",
                str(HOME), "--perms", "0755", "--dir", str(IPC.parent), "--perms", "1777",
                "--size", str(limits["ipc_bytes"]), "--tmpfs", str(IPC),
                "--perms", "0700", "--tmpfs", str(GRADER)]
    made |= {Path("/proc"), Path("/dev"), Path("/tmp"), HOME.parent, HOME, IPC.parent, IPC, GRADER}
    # after the tmpfs mounts, so a Python or course under /tmp (a CI checkout) is not hidden
    for path in python_paths():
        command += [*_with_parents(path, made), "--ro-bind", str(path), str(path)]
    for host, inside in binds:
        command += ["--ro-bind", str(host), str(inside)]
    for host, inside in writable:
        command += ["--bind", str(host), str(inside)]
    if os.geteuid() != 0:  # bubblewrap needs a user namespace; the server is uid 1000 there
        command += ["--unshare-user", "--uid", "1000", "--gid", "1000"]
    command += ["--chdir", "/", "--cap-drop", "ALL"]
    for capability in CAPABILITIES:
        command += ["--cap-add", capability]
    return [*command, "--", *argv]


def inbox_bind(folder: Path) -> tuple[Path, Path]:
    """The bind that shows ``folder`` to the server as the next kernel's submission folder."""
    return folder, INBOX


def matplotlib_cache(target: Path) -> Path:
    """Copy the grader's matplotlib font cache to ``target`` (saves seconds per fresh kernel)."""
    import glob

    target.mkdir(parents=True, exist_ok=True)
    sources = [os.environ.get("MPLCONFIGDIR", ""), os.path.expanduser("~/.cache/matplotlib"),
               os.path.expanduser("~/.matplotlib")]
    for folder in filter(None, sources):
        for cached in glob.glob(os.path.join(folder, "fontlist-*.json")):
            shutil.copy(cached, target)
    return target


def note(on: bool, cgroups: bool | None, on_workers: bool = False) -> str:
    """The line the grader prints about the sandbox.

    Args:
        on: whether kernels ran in it.
        cgroups: whether the limits are cgroups (``None``: each worker decides).
        on_workers: the kernels ran on a cluster's workers.
    """
    if not on:
        return ("sandbox: OFF — student code runs with your rights and can read the gradebook "
                "(install bubblewrap to isolate it)")
    where = "bubblewrap on every worker" if on_workers else "bubblewrap"
    who = "another uid" if os.geteuid() == 0 else "your uid without privileges (run as root " \
        "for a uid of their own)"
    if on_workers:
        who = "another uid where the worker runs as root, else without privileges"
    limit = {True: "cgroups", False: "rlimits (no writable cgroup hierarchy)",
             None: "cgroups where the worker can make them, else rlimits"}[cgroups]
    return (f"sandbox: {where} (no network; read-only system, Python and course package only; "
            f"each kernel in its own namespaces as {who}, in a copy of the submission; "
            f"memory and process limits: {limit})")
