"""A fork server for grading kernels: torch and friends are imported once, each kernel is forked.

A fresh kernel spends about 2.7 s of CPU importing torch, torch._dynamo (the first optimizer pulls
it in) and matplotlib: more than half of grading a chapter notebook. ``course grade`` therefore
starts one zygote per worker process, inside bubblewrap when the sandbox is on. The zygote imports
``PRELOAD`` once; for each submission it forks a child that becomes a new ipykernel. The child
runs with its own session, in a working folder that holds a copy of the submission's folder.
Before the next kernel starts, the zygote kills every process left in its sandbox (its own PID
namespace) and empties the working folder, so nothing of one student's run reaches the next.

The grader side is ``ZygoteKernelManager``: nbclient starts, polls, signals and stops the kernel
as usual, and the provisioner relays those calls to the zygote over a private socket pair.
"""

import atexit
import importlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

PRELOAD = ("numpy", "torch", "torch._dynamo", "torch.nn", "torch.optim", "matplotlib",
           "matplotlib.pyplot", "ipykernel.kernelapp", "ipywidgets", "course.checks",
           "course.grade.guard", "course.plots")
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


# ---------------------------------------------------------------- the zygote (server) side

def _kill_leftovers(child: int | None, own_namespace: bool) -> None:
    """Kill what the last kernel left: every other process in the namespace, or its session."""
    me = os.getpid()
    for _ in range(100):
        if own_namespace:  # bubblewrap's init is 1; everything else but us is the kernel's
            others = [int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, me)]
        else:
            others = [child] if child else []
        for pid in others:
            for kill in (os.killpg, os.kill):
                try:
                    kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            pass
        if not own_namespace or not others:
            return
        time.sleep(0.01)


def _wipe_tmp(keep: Path) -> None:
    """Empty the sandbox's private /tmp, except the folders on the way to ``keep``."""
    def wipe(folder: Path) -> None:
        for entry in folder.iterdir():
            if entry == keep:
                continue
            if entry in keep.parents:
                wipe(entry)
            elif entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)  # a mount point is emptied, not removed
            else:
                entry.unlink(missing_ok=True)

    wipe(Path("/tmp"))


def _become_kernel(request: dict, server: socket.socket) -> None:
    """In the forked child: turn into an ipykernel for the given connection file content."""
    try:
        os.close(server.detach())  # the reader/writer wrappers would otherwise keep it open
        os.setsid()
        for name in ("SIGTERM", "SIGCHLD", "SIGHUP"):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        quiet = os.open(os.devnull, os.O_RDWR)  # the kernel's banner and warnings, not cells'
        for fd in (0, 1, 2):
            os.dup2(quiet, fd)
        os.chdir(request["cwd"])
        home = request["home"]  # fresh for every kernel: no startup file of the last one runs
        os.environ.update(HOME=home, IPYTHONDIR=os.path.join(home, ".ipython"),
                          MPLCONFIGDIR=os.path.join(home, ".matplotlib"))
        handle, connection_file = tempfile.mkstemp(prefix="kernel-", suffix=".json")
        os.write(handle, request["connection"].encode())
        os.close(handle)
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=["-f", connection_file,
                                          "--HistoryManager.hist_file=:memory:"])
        atexit._run_exitfuncs()
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    except BaseException:  # noqa: BLE001 - the grader sees a dead kernel; nothing to print to
        code = 1
    os._exit(code)


def serve(fd: int, own_namespace: bool, workdir: Path) -> None:
    """Run the zygote on socket ``fd``: one JSON request per line, one JSON reply per line."""
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    for name in PRELOAD:
        importlib.import_module(name)
    try:  # nothing in the sandbox may read this process's memory or attach to it
        import ctypes

        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE, 0
    except (OSError, AttributeError):
        pass
    server = socket.socket(fileno=fd)
    reader, writer = server.makefile("r"), server.makefile("w")
    child, status = None, None
    for line in reader:
        request = json.loads(line)
        reply: dict = {"ok": True}
        if request["op"] == "reset":  # the client resets before it copies the next folder in
            _kill_leftovers(child, own_namespace)
            child, status = None, None
            if own_namespace:
                _wipe_tmp(workdir)
        if request["op"] == "start":
            child, status = os.fork(), None
            if child == 0:
                _become_kernel(request, server)
            reply["pid"] = child
        elif request["op"] == "poll":
            if child and status is None:
                try:
                    pid, raw = os.waitpid(child, os.WNOHANG)
                    if pid:
                        status = os.waitstatus_to_exitcode(raw)
                except ChildProcessError:
                    status = -signal.SIGKILL
            reply["status"] = status if child else 0
        elif request["op"] == "signal" and child and status is None:
            for send in (os.killpg, os.kill):  # the kernel's session first, as Jupyter does
                try:
                    send(child, request["signum"])
                    break
                except (ProcessLookupError, PermissionError):
                    pass
        writer.write(json.dumps(reply) + "\n")
        writer.flush()
    _kill_leftovers(child, own_namespace)


# ---------------------------------------------------------------- the grader (client) side

class Zygote:
    """A running zygote, reached over a socket pair; one kernel at a time.

    Args:
        sandbox: run it inside bubblewrap (``course.grade.sandbox.bwrap_command``).
        hide: folders the kernels must not see (the course folder; the home folder is added).
        scratch: a private folder for the zygote's working folder and caches.
    """

    def __init__(self, sandbox: bool, hide: list[Path], scratch: Path):
        from course.grade.sandbox import _matplotlib_cache, bwrap_command

        self.workdir = Path(tempfile.mkdtemp(prefix="kernel-", dir=scratch))
        ours, theirs = socket.socketpair()
        argv = [sys.executable, "-m", "course.grade.zygote", "--fd", str(theirs.fileno()),
                "--workdir", str(self.workdir)]
        env = dict(os.environ, MPLBACKEND=INLINE_BACKEND)
        env.pop("JPY_PARENT_PID", None)
        if sandbox:
            home = Path(tempfile.mkdtemp(prefix="home-", dir=scratch))
            _matplotlib_cache(home)
            package = Path(__file__).resolve().parents[1]  # the whole course package
            readable = [Path(sys.prefix), Path(sys.base_prefix),
                        Path(sys.executable).resolve().parent, package]
            argv = bwrap_command([*argv, "--own-namespace"], [*hide, Path.home()],
                                 self.workdir, readable, home)
        self.process = subprocess.Popen(argv, pass_fds=[theirs.fileno()], env=env,
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, start_new_session=True)
        theirs.close()
        self._socket = ours
        self._reader, self._writer = ours.makefile("r"), ours.makefile("w")

    def request(self, op: str, **fields) -> dict:
        """Send one request and return the reply; RuntimeError when the zygote is gone."""
        try:
            self._writer.write(json.dumps({"op": op, **fields}) + "\n")
            self._writer.flush()
            line = self._reader.readline()
        except OSError as error:
            raise RuntimeError(f"the kernel fork server stopped ({error})") from error
        if not line:
            raise RuntimeError(f"the kernel fork server stopped (exit {self.process.poll()})")
        return json.loads(line)

    def start(self, connection: str, folder: str | None) -> int:
        """Fork a kernel for the connection file text ``connection``; return its pid.

        The kernel works in a fresh copy of ``folder`` (the submission's folder).
        """
        self.request("reset")
        work, home = self.workdir / "work", self.workdir / "home"
        for entry in (work, home):
            shutil.rmtree(entry, ignore_errors=True)
        home.mkdir()
        if folder:
            shutil.copytree(folder, work, symlinks=True)
        else:
            work.mkdir()
        return self.request("start", connection=connection, cwd=str(work),
                            home=str(home))["pid"]

    def close(self) -> None:
        """Stop the zygote: it sees end of input, kills its last kernel and exits."""
        try:
            self._socket.shutdown(socket.SHUT_RDWR)  # the makefile wrappers keep the fd open
        except OSError:
            pass
        for stream in (self._reader, self._writer, self._socket):
            try:
                stream.close()
            except OSError:
                pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        shutil.rmtree(self.workdir, ignore_errors=True)


_zygote: Zygote | None = None


def zygote() -> Zygote:
    """This process's zygote, started on first use from the grader's environment variables."""
    global _zygote
    if _zygote is None or _zygote.process.poll() is not None:
        hide = [Path(p) for p in os.environ.get("COURSE_SANDBOX_HIDE", "").split(os.pathsep) if p]
        scratch = Path(os.environ.get("COURSE_SANDBOX_SCRATCH") or tempfile.mkdtemp())
        _zygote = Zygote(os.environ.get("COURSE_ZYGOTE_SANDBOX") == "1", hide, scratch)
        atexit.register(_zygote.close)
    return _zygote


def stop() -> None:
    """Stop this process's zygote, if one runs; the next ``zygote()`` starts a new one."""
    global _zygote
    if _zygote is not None:
        atexit.unregister(_zygote.close)
        _zygote.close()
        _zygote = None


class _ForkedKernel:
    """What LocalProvisioner expects of a Popen, for a kernel the zygote forked."""

    stdin = stdout = stderr = None

    def __init__(self, server: Zygote, pid: int):
        self.server, self.pid = server, pid

    def poll(self) -> int | None:
        try:
            return self.server.request("poll")["status"]
        except RuntimeError:
            return -signal.SIGKILL

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while (code := self.poll()) is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired("kernel", timeout)
            time.sleep(0.05)
        return code

    def send_signal(self, signum: int) -> None:
        self.server.request("signal", signum=int(signum))

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ZygoteProvisioner(LocalProvisioner):
    """LocalProvisioner whose kernel is forked by the zygote instead of started by Popen."""

    async def launch_kernel(self, cmd: list[str], **kwargs) -> dict:
        global _zygote
        connection = Path(self.parent.connection_file).read_text()
        try:
            server = zygote()
            pid = server.start(connection, kwargs.get("cwd"))
        except RuntimeError:  # the zygote died (killed, out of memory): start a new one, once
            _zygote = None
            server = zygote()
            pid = server.start(connection, kwargs.get("cwd"))
        self.process = _ForkedKernel(server, pid)
        self.pid, self.pgid, self.cwd = self.process.pid, None, kwargs.get("cwd")
        return self.connection_info

    async def cleanup(self, restart: bool = False) -> None:
        await super().cleanup(restart)
        if _zygote is not None:
            try:
                _zygote.request("reset")
            except RuntimeError:
                pass


class ZygoteKernelManager(AsyncKernelManager):
    """AsyncKernelManager whose kernels come from this process's zygote."""

    async def _async_pre_start_kernel(self, **kw):
        if self.provisioner is None:
            import uuid

            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            self.provisioner = ZygoteProvisioner(kernel_id=self.kernel_id,
                                                 kernel_spec=self.kernel_spec, parent=self)
        return await super()._async_pre_start_kernel(**kw)


if __name__ == "__main__":
    serve(int(sys.argv[sys.argv.index("--fd") + 1]), "--own-namespace" in sys.argv,
          Path(sys.argv[sys.argv.index("--workdir") + 1]))
