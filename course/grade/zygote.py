"""A kernel server per grading worker: torch is imported once and each kernel is forked from it.

A fresh kernel spends about 2.7 s of CPU importing torch, torch._dynamo (the first optimizer pulls
it in) and matplotlib: more than half of grading a chapter notebook. ``course grade`` therefore
starts one server ("zygote") per worker process, inside the sandbox when it is on
(``course.grade.sandbox``). It imports ``PRELOAD`` once and forks a child per submission that
becomes a new ipykernel; with ``--kernels fresh`` it imports nothing and the child execs a new
Python instead. In the sandbox each kernel gets its own namespaces, scratch space, cgroup and
uid (``course.grade.confine``) and works in a copy of the submission's folder; killing it ends
everything it started and frees everything it wrote. The kernel's sockets are unix sockets in the
sandbox's ``/run/ipc``, which the grader reaches as ``/proc/<sandbox pid>/root/run/ipc``.

The grader side is ``ZygoteKernelManager``: nbclient starts, polls, signals and stops the kernel
as usual, and the provisioner relays those calls to the server over a private socket pair. Every
wait for the server has a deadline: a server that does not answer (stopped, hung) is killed and
the kernel counts as dead; the next kernel gets a new server.
"""

import atexit
import importlib
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

PRELOAD = ("numpy", "torch", "torch._dynamo", "torch.nn", "torch.optim", "matplotlib",
           "matplotlib.pyplot", "ipykernel.kernelapp", "ipywidgets", "course.checks",
           "course.grade.guard", "course.plots")
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
STARTUP_TIMEOUT = 180.0  # seconds for the server's first answer (it imports torch first)
REQUEST_TIMEOUT = 30.0  # seconds for any later answer; more means stopped or hung


# ---------------------------------------------------------------- the server side

def _reap(child: int | None) -> None:
    """Collect ``child`` (waiting) and any other finished child (not waiting)."""
    if child:
        try:
            os.waitpid(child, 0)
        except ChildProcessError:
            pass
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass


def _end(child: int | None, kernel: int | None, sandboxed: bool) -> None:
    """Kill the last kernel and all it started: its PID namespace, or its session."""
    if kernel:
        for kill in (os.killpg, os.kill):
            try:
                kill(kernel, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
    _reap(child)
    if sandboxed:
        from course.grade.confine import IPC

        for entry in IPC.iterdir():  # the last kernel's sockets and whatever it put there
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


def _become_kernel(request: dict, server: socket.socket, env: dict, preload: bool) -> None:
    """In the forked child: turn into an ipykernel for the given connection file content."""
    code = 1
    try:
        os.close(server.detach())  # the reader/writer wrappers would otherwise keep it open
        for name in ("SIGTERM", "SIGCHLD", "SIGHUP"):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        quiet = os.open(os.devnull, os.O_RDWR)  # the kernel's banner and warnings, not cells'
        for fd in (0, 1, 2):
            os.dup2(quiet, fd)
        os.environ.clear()
        os.environ.update(env)
        handle, connection_file = tempfile.mkstemp(prefix="kernel-", suffix=".json")
        os.write(handle, request["connection"].encode())
        os.close(handle)
        argv = ["-f", connection_file, "--HistoryManager.hist_file=:memory:"]
        if not preload:
            os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *argv])
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=argv)
        atexit._run_exitfuncs()
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    except BaseException:  # noqa: BLE001 - the grader sees a dead kernel; nothing to print to
        code = 1
    os._exit(code)


def _fork_confined(request: dict, server: socket.socket, settings: dict,
                   preload: bool) -> tuple[int, int]:
    """Fork a kernel in namespaces of its own; return (our child, the kernel's pid)."""
    from course.grade import confine

    readable, writable = os.pipe()
    child = os.fork()
    if child == 0:
        try:
            os.close(readable)
            kernel = confine.enter_namespaces()
            if kernel:  # still in our namespaces: report the kernel, wait for it, exit with it
                os.write(writable, str(kernel).encode())
                os.close(writable)
                os.close(server.fileno())
                confine.wait_and_exit(kernel)
            os.close(writable)
            request = dict(request, connection=confine.kernel_connection(request["connection"]))
            env = confine.prepare(settings, confine.INBOX, fresh_proc=True)
            _become_kernel(request, server, env, preload)
        except BaseException:  # noqa: BLE001 - seen with COURSE_ZYGOTE_DEBUG=1 (server's stderr)
            traceback.print_exc()
        finally:
            os._exit(1)
    os.close(writable)
    kernel = int(os.read(readable, 32) or 0)
    os.close(readable)
    return child, kernel or child


def _fork_plain(request: dict, server: socket.socket) -> int:
    """Fork a kernel without a sandbox: its own session, in the folder the grader prepared."""
    child = os.fork()
    if child == 0:
        os.setsid()
        _die_with_parent()
        os.chdir(request["cwd"])
        home = request["home"]  # fresh for every kernel: no startup file of the last one runs
        env = dict(os.environ, HOME=home, IPYTHONDIR=os.path.join(home, ".ipython"),
                   MPLCONFIGDIR=os.path.join(home, ".matplotlib"))
        _become_kernel(request, server, env, preload=True)
    return child


def _die_with_parent() -> None:
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def serve(fd: int, settings: dict | None, preload: bool) -> None:
    """Run the server on socket ``fd``: one JSON request per line, one JSON reply per line.

    Args:
        fd: the socket to the grader.
        settings: the kernels' confinement (``course.grade.sandbox.kernel_settings``);
            ``None`` without a sandbox.
        preload: import ``PRELOAD`` and fork kernels from this process, or exec fresh ones.
    """
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    if settings is not None:
        from course.grade.confine import GRADER, HOME

        if (GRADER / "matplotlib").is_dir():  # the grader's font cache: no font scan here
            shutil.copytree(GRADER / "matplotlib", HOME / ".matplotlib", dirs_exist_ok=True)
    for name in PRELOAD if preload else ():
        importlib.import_module(name)
    try:  # nothing in the sandbox may read this process's memory or attach to it
        import ctypes

        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE, 0
    except (OSError, AttributeError):
        pass
    server = socket.socket(fileno=fd)
    reader, writer = server.makefile("r"), server.makefile("w")
    child = kernel = status = None
    for line in reader:
        request = json.loads(line)
        reply: dict = {"ok": True}
        if request["op"] == "reset":  # the client resets before it fills the next inbox
            _end(child, kernel, settings is not None)
            child = kernel = status = None
        elif request["op"] == "start":
            if settings is not None:
                child, kernel = _fork_confined(request, server, settings, preload)
            else:
                child = kernel = _fork_plain(request, server)
            status = None
            reply["pid"] = kernel
        elif request["op"] == "poll":
            if child and status is None:
                try:
                    pid, raw = os.waitpid(child, os.WNOHANG)
                    if pid:
                        status = os.waitstatus_to_exitcode(raw)
                except ChildProcessError:
                    status = -signal.SIGKILL
            reply["status"] = status if child else 0
        elif request["op"] == "signal" and kernel and status is None:
            for send in (os.killpg, os.kill):  # the kernel's session first, as Jupyter does
                try:
                    send(kernel, request["signum"])
                    break
                except (ProcessLookupError, PermissionError):
                    pass
        writer.write(json.dumps(reply) + "\n")
        writer.flush()
    _end(child, kernel, settings is not None)


# ---------------------------------------------------------------- the grader (client) side

class Zygote:
    """A running kernel server, reached over a socket pair; one kernel at a time.

    Args:
        sandbox: run it inside bubblewrap (``course.grade.sandbox``).
        scratch: a private folder for its files (the next kernel's inbox, caches).
        preload: fork kernels from a process that imported torch (else exec fresh ones).
        cgroups: the run's cgroup folders (``course.grade.limits.run_cgroups``).
    """

    def __init__(self, sandbox: bool, scratch: Path, preload: bool = True,
                 cgroups: list[Path] | None = None):
        from course.grade import limits
        from course.grade import sandbox as sandbox_module
        from course.grade.confine import GRADER, HOME, INBOX, IPC

        self.sandbox, self.answered = sandbox, False
        self.folder = Path(tempfile.mkdtemp(prefix="zygote-", dir=scratch))
        self.inbox = self.folder / "inbox"
        self.inbox.mkdir()
        ours, theirs = socket.socketpair()
        argv = [sys.executable, "-m", "course.grade.zygote", "--fd", str(theirs.fileno())]
        pass_fds = [theirs.fileno()]
        if sandbox:
            bounds = sandbox_module.limits()
            procs = limits.kernel_cgroup(cgroups or [], f"kernel-{os.getpid()}",
                                         bounds["memory_bytes"], bounds["tasks"], bounds["cpus"])
            settings = sandbox_module.kernel_settings(procs)
            argv += ["--settings", json.dumps(settings)] + ([] if preload else ["--exec"])
            fonts = sandbox_module.matplotlib_cache(self.folder / "matplotlib")
            binds = [(self.inbox, INBOX), (fonts, GRADER / "matplotlib")]
            env = dict(settings["env"], HOME=str(HOME), MPLBACKEND=INLINE_BACKEND,
                       MPLCONFIGDIR=str(HOME / ".matplotlib"))
            info, info_theirs = os.pipe()
            pass_fds.append(info_theirs)
            command = sandbox_module.bwrap_command(
                argv, binds, [(p, GRADER / f"cgroup-{i}") for i, p in enumerate(procs)],
                bounds, env)
            command[1:1] = ["--info-fd", str(info_theirs)]
            popen_env = None
        else:
            command = argv
            popen_env = dict(os.environ, MPLBACKEND=INLINE_BACKEND)
            popen_env.pop("JPY_PARENT_PID", None)
        debug = os.environ.get("COURSE_ZYGOTE_DEBUG") == "1"
        self.process = subprocess.Popen(command, pass_fds=pass_fds, env=popen_env,
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=None if debug else subprocess.DEVNULL,
                                        start_new_session=True)
        theirs.close()
        self._socket = ours
        self._reader, self._writer = ours.makefile("r"), ours.makefile("w")
        self.ipc: Path | None = None
        if sandbox:
            os.close(info_theirs)
            self.ipc = Path(f"/proc/{self._sandbox_pid(info)}/root") / IPC.relative_to("/")

    def _sandbox_pid(self, info: int) -> int:
        """The host pid of the sandbox's first process, from bubblewrap's --info-fd."""
        data = b""
        deadline = time.monotonic() + STARTUP_TIMEOUT
        try:
            while time.monotonic() < deadline:
                if not select.select([info], [], [], 1.0)[0]:
                    continue
                chunk = os.read(info, 4096)
                if not chunk:
                    break
                data += chunk
                try:
                    return int(json.loads(data)["child-pid"])
                except (ValueError, KeyError):
                    continue
        finally:
            os.close(info)
        self.kill()
        raise RuntimeError("the sandbox of the kernel fork server did not start")

    def request(self, op: str, **fields) -> dict:
        """Send one request and return the reply.

        Raises:
            RuntimeError: the server is gone or did not answer in time (it is then killed).
        """
        timeout = REQUEST_TIMEOUT if self.answered else STARTUP_TIMEOUT
        self._socket.settimeout(timeout)
        try:
            self._writer.write(json.dumps({"op": op, **fields}) + "\n")
            self._writer.flush()
            line = self._reader.readline()
        except TimeoutError as error:
            self.kill()
            raise RuntimeError(f"the kernel fork server did not answer in {timeout:.0f} s "
                               "(stopped or hung): killed") from error
        except OSError as error:
            raise RuntimeError(f"the kernel fork server stopped ({error})") from error
        if not line:
            raise RuntimeError(f"the kernel fork server stopped (exit {self.process.poll()})")
        self.answered = True
        return json.loads(line)

    def start(self, connection: str, folder: str | None) -> int:
        """Fork a kernel for the connection file text ``connection``; return its pid.

        The kernel works in a fresh copy of ``folder`` (the submission's folder).
        """
        self.request("reset")
        for entry in self.inbox.iterdir():  # emptied in place: the sandbox binds this folder
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        if folder:
            shutil.copytree(folder, self.inbox, symlinks=True, dirs_exist_ok=True)
        if self.sandbox:
            return self.request("start", connection=connection)["pid"]
        work, home = self.folder / "work", self.folder / "home"
        for entry in (work, home):
            shutil.rmtree(entry, ignore_errors=True)
        home.mkdir()
        shutil.copytree(self.inbox, work, symlinks=True)
        return self.request("start", connection=connection, cwd=str(work),
                            home=str(home))["pid"]

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """Kill the server and its sandbox at once."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()

    def close(self) -> None:
        """Stop the server: it sees end of input, kills its last kernel and exits."""
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
            self.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


_zygote: Zygote | None = None


def zygote() -> Zygote:
    """This process's server, (re)started when needed from the grader's environment variables."""
    global _zygote
    if _zygote is None or not _zygote.alive():
        from course.grade.limits import ENV

        scratch = Path(os.environ.get("COURSE_SANDBOX_SCRATCH") or tempfile.mkdtemp())
        cgroups = [Path(p) for p in os.environ.get(ENV, "").split(os.pathsep) if p]
        _zygote = Zygote(os.environ.get("COURSE_ZYGOTE_SANDBOX") == "1", scratch,
                         preload=os.environ.get("COURSE_ZYGOTE_PRELOAD", "1") == "1",
                         cgroups=cgroups)
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
    """What LocalProvisioner expects of a Popen, for a kernel the server forked."""

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
        try:
            self.server.request("signal", signum=int(signum))
        except RuntimeError:
            pass  # the server is gone, and its kernels with it

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ZygoteProvisioner(LocalProvisioner):
    """LocalProvisioner whose kernel is forked by the server instead of started by Popen."""

    async def launch_kernel(self, cmd: list[str], **kwargs) -> dict:
        connection = Path(self.parent.connection_file).read_text()
        server = zygote()
        if server is not self.parent.server:
            raise RuntimeError("the kernel fork server stopped before the kernel started")
        pid = server.start(connection, kwargs.get("cwd"))
        self.process = _ForkedKernel(server, pid)
        self.pid, self.pgid, self.cwd = self.process.pid, None, kwargs.get("cwd")
        return self.connection_info

    async def cleanup(self, restart: bool = False) -> None:
        await super().cleanup(restart)
        if _zygote is not None and _zygote.alive():
            try:
                _zygote.request("reset")
            except RuntimeError:
                pass


class ZygoteKernelManager(AsyncKernelManager):
    """AsyncKernelManager whose kernels come from this process's server (unix sockets in the
    sandbox, whose network is its own)."""

    server: Zygote | None = None

    async def _async_pre_start_kernel(self, **kw):
        self.server = zygote()
        try:
            self.server.request("reset")
        except RuntimeError:  # stopped or hung: it was killed; this kernel gets a new server
            self.server = zygote()
        if self.server.ipc is not None:
            self.transport = "ipc"
            self.ip = str(self.server.ipc / "k")
        if self.provisioner is None:
            import uuid

            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            self.provisioner = ZygoteProvisioner(kernel_id=self.kernel_id,
                                                 kernel_spec=self.kernel_spec, parent=self)
        return await super()._async_pre_start_kernel(**kw)


def main(argv: list[str]) -> None:
    settings = json.loads(argv[argv.index("--settings") + 1]) if "--settings" in argv else None
    serve(int(argv[argv.index("--fd") + 1]), settings, preload="--exec" not in argv)


if __name__ == "__main__":
    main(sys.argv[1:])
