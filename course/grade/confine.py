"""Inside the sandbox: give one grading kernel its own namespaces, scratch space, limits and uid.

Runs as root (or as the owner of the sandbox's user namespace) with the few capabilities the
sandbox keeps for it (``course.grade.sandbox.CAPABILITIES``), in the fork server's child or in a
fresh kernel's launcher. ``enter_namespaces`` moves into new mount, PID and IPC namespaces, so the
kernel sees none of the fork server's processes and everything it writes dies with it.
``prepare`` joins the kernel's cgroups, mounts size-limited ``/tmp``, ``/dev/shm``, ``/dev/mqueue``
and a home holding a copy of the submission's folder, hides the grader's files (``GRADER``), and
drops every privilege: another uid when the grader is root, no capabilities otherwise.
"""

import ctypes
import json
import os
import resource
import shutil
import sys
from pathlib import Path

GRADER = Path("/run/course")  # what the grader binds in for the setup; covered before the kernel
INBOX = GRADER / "inbox"  # the submission's folder, read-only
IPC = Path("/run/ipc")  # the kernel's unix sockets: the grader's per-kernel folder
HOME = Path("/home/student")
WORK = HOME / "work"  # the kernel's working folder: a copy of the submission's folder

_CLONE_NEWNS, _CLONE_NEWPID, _CLONE_NEWIPC = 0x00020000, 0x20000000, 0x08000000
_MS_NOSUID, _MS_NODEV, _MS_NOEXEC, _MS_REC, _MS_PRIVATE = 2, 4, 8, 0x4000, 1 << 18
_MS_RDONLY, _MS_REMOUNT, _MS_BIND = 1, 32, 4096
_libc = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def _mount(source: str, target: Path, fstype: str | None, flags: int, data: str = "") -> None:
    _check(_libc.mount(source.encode(), str(target).encode(),
                       fstype.encode() if fstype else None, flags,
                       data.encode() if data else None), f"mount {target}")


def python_paths() -> list[Path]:
    """What the kernels' Python loads, outside the system's /usr: the Python installation, every
    site-packages folder on ``sys.path`` (a ``.pth`` file or the user site may add some), the
    course package (an editable install lives elsewhere) and the ``LD_LIBRARY_PATH`` folders (a
    copied interpreter finds its libpython there); none inside another."""
    package = Path(__file__).resolve().parents[1]
    paths = [Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).resolve().parent,
             package]
    paths += [Path(entry) for entry in sys.path
              if Path(entry).name in ("site-packages", "dist-packages")]
    paths += [Path(entry) for entry in os.environ.get("LD_LIBRARY_PATH", "").split(os.pathsep)
              if entry.startswith("/")]
    unique: list[Path] = []
    for path in (p for p in paths if p.is_dir()):
        if not any(path == p or p in path.parents for p in unique):
            unique = [p for p in unique if path not in p.parents] + [path]
    return [p for p in unique if p != Path("/usr") and Path("/usr") not in p.parents]


def _under_tmp() -> list[Path]:
    """The Python paths that live under /tmp (a checkout or a shared environment there, as some
    CI systems and the JupyterHub test make): the kernel's own /tmp would hide them."""
    return [path for path in python_paths() if Path("/tmp") in path.parents]


def _private_tmp(flags: int, size: int) -> None:
    """A new size-limited /tmp, with the Python and the course bound back read-only if they
    lived under the old one (through file descriptors opened before the mount)."""
    kept = [(path, os.open(path, os.O_PATH)) for path in _under_tmp()]
    _mount("tmpfs", Path("/tmp"), "tmpfs", flags, f"size={size},mode=1777")
    for path, descriptor in kept:
        path.mkdir(parents=True, exist_ok=True)
        _mount(f"/proc/self/fd/{descriptor}", path, None, _MS_BIND | _MS_REC)
        _mount("none", path, None, _MS_REMOUNT | _MS_BIND | _MS_RDONLY | flags)
        os.close(descriptor)


def enter_namespaces() -> int:
    """Fork into new mount, PID and IPC namespaces.

    Returns:
        0 in the new namespaces' first process (PID 1 there), which goes on to become the
        kernel; its pid in the caller, which then calls ``wait_and_exit``.
    """
    _check(_libc.unshare(_CLONE_NEWNS | _CLONE_NEWPID | _CLONE_NEWIPC), "unshare")
    _mount("none", Path("/"), None, _MS_REC | _MS_PRIVATE)  # mounts below stay in here
    return os.fork()


def wait_and_exit(pid: int) -> None:
    """In the namespaces' parent: wait for their first process and exit with its status."""
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except ChildProcessError:
            os._exit(1)
        except InterruptedError:
            continue
    os._exit(os.waitstatus_to_exitcode(status) & 0xFF if os.WIFEXITED(status) else 1)


def prepare(settings: dict, inbox: Path | None, fresh_proc: bool) -> dict[str, str]:
    """Set up the kernel's world and drop privileges; return the environment it runs with.

    Args:
        settings: from the grader (``course.grade.sandbox.kernel_settings``): ``uid``/``gid``
            (``None``: keep the uid, drop capabilities), ``tmp_bytes``, ``shm_bytes``,
            ``home_bytes``, ``memory_bytes``, ``tasks``, ``cgroup_procs`` (files to join),
            ``env`` (the kernel's environment).
        inbox: the folder to copy into ``WORK`` (``None``: an empty one).
        fresh_proc: mount a new /proc (the caller entered a new PID namespace).
    """
    for procs in settings.get("cgroup_procs", []):
        Path(procs).write_text("0")  # this process; its children follow
    flags = _MS_NOSUID | _MS_NODEV
    if fresh_proc:
        _mount("proc", Path("/proc"), "proc", flags | _MS_NOEXEC)
        _mount("mqueue", Path("/dev/mqueue"), "mqueue", flags | _MS_NOEXEC)
    _private_tmp(flags, settings["tmp_bytes"])
    _mount("tmpfs", Path("/dev/shm"), "tmpfs", flags | _MS_NOEXEC,
           f"size={settings['shm_bytes']},mode=1777")
    _mount("tmpfs", HOME, "tmpfs", flags, f"size={settings['home_bytes']},mode=0755")
    if inbox is not None and inbox.is_dir():
        shutil.copytree(inbox, WORK, symlinks=True)  # a student's symlink stays a symlink
    else:
        WORK.mkdir()
    fonts = GRADER / "matplotlib"  # the grader's font cache, if it gave one
    shutil.copytree(fonts, HOME / ".matplotlib") if fonts.is_dir() else \
        (HOME / ".matplotlib").mkdir()
    (HOME / ".ipython").mkdir()
    uid, gid = settings.get("uid"), settings.get("gid")
    if uid is not None:
        for folder, _, files in os.walk(HOME):
            for name in [folder, *(os.path.join(folder, f) for f in files)]:
                os.lchown(name, uid, gid)
    # covered, not unmounted: where the sandbox runs in a user namespace (a grader that is not
    # root) the kernel's mount namespace has a less privileged owner, so the mounts it
    # inherited are locked and umount fails (EINVAL); nor can the kernel lift the cover
    _mount("tmpfs", GRADER, "tmpfs", flags | _MS_NOEXEC | _MS_RDONLY, "size=4k,mode=0555")
    _limits(settings)
    os.setsid()
    if uid is not None:
        os.setgroups([])
        os.setresgid(gid, gid, gid)
        os.setresuid(uid, uid, uid)  # from root to another uid: the capabilities go too...
    _drop_capabilities()  # ...but for the inheritable set
    os.chdir(WORK)
    return dict(settings["env"], HOME=str(HOME), IPYTHONDIR=str(HOME / ".ipython"),
                MPLCONFIGDIR=str(HOME / ".matplotlib"))


def _limits(settings: dict) -> None:
    """rlimits: no core files; memory and processes too when no cgroup does it."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if not settings.get("cgroup_procs"):  # address space: what is mapped now, plus the limit
        status = Path("/proc/self/status").read_text()
        mapped = int(status.split("VmSize:")[1].split()[0]) * 1024
        memory = mapped + settings["memory_bytes"]
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        if settings.get("uid") is not None:  # counted per uid: only safe for the kernel's own
            resource.setrlimit(resource.RLIMIT_NPROC, (settings["tasks"], settings["tasks"]))
    try:
        Path("/proc/self/oom_score_adj").write_text("1000")  # first to go if memory runs out
    except OSError:
        pass


def _drop_capabilities() -> None:
    """Clear every capability set of this process (no other uid to switch to)."""
    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    header, data = Header(0x20080522, 0), (Data * 2)()  # _LINUX_CAPABILITY_VERSION_3
    _check(_libc.capset(ctypes.byref(header), data), "capset")


def kernel_connection(connection: str) -> str:
    """The connection file text as the kernel sees it: its sockets in ``IPC``."""
    info = json.loads(connection)
    if info.get("transport") == "ipc":
        info["ip"] = str(IPC / Path(info["ip"]).name)
    return json.dumps(info)
