"""course/grade/sandbox.py and confine.py: a grading kernel is sealed off from the host.

One sandboxed kernel server for the module (as a grading worker has), small limits
(``tests.grade.kernels.SMALL``), and a probe notebook per class of attack from the review of
issue 16: network, files, environment, signals, scratch space, memory and processes.
"""

import errno
import json
import os
import socket
import sys
from pathlib import Path

import pytest
from nbclient.exceptions import DeadKernelError

from course.grade import sandbox
from tests.conftest import ROOT
from tests.grade.kernels import SMALL, kernel_server, run, server_pid, state, text

pytestmark = pytest.mark.skipif(not sandbox.available(), reason="bubblewrap is not installed")
SECRET = "COURSE_TEST_GRADER_SECRET"


@pytest.fixture(scope="module")
def sealed(tmp_path_factory):
    """A sandboxed kernel server, started from an environment that holds a secret."""
    scratch = tmp_path_factory.mktemp("sealed")
    with kernel_server(scratch / "scratch", True, **{SECRET: "do-not-leak"}) as cgroups:
        yield cgroups


def probe(tmp_path, code: str, **files) -> dict:
    """Run ``code`` (which leaves its findings in ``found``) in a kernel; the findings."""
    nb = run(tmp_path, "import json, os\nfound = {}\n" + code + "\nprint(json.dumps(found))",
             folder_files=files)
    return json.loads(text(nb, 0).strip().splitlines()[-1])


def test_the_command_allow_lists_files_and_unshares_the_network():
    command = sandbox.bwrap_command(["python"], [], [], sandbox.LIMITS, {"PATH": "/usr/bin"})
    pairs = list(zip(command, command[1:], strict=False))
    assert ("--ro-bind", "/") not in pairs and "--unshare-net" in command
    assert "--clearenv" in command and ("--setenv", "PATH") in pairs
    assert ("--ro-bind", "/usr") in pairs and ("--ro-bind", sys.prefix) in pairs
    assert not any(path.startswith(("/run/", "/var", "/home/", "/root/.")) for flag, path in pairs
                   if flag in ("--bind", "--ro-bind") and not path.startswith(sys.base_prefix))
    assert ("--size", str(sandbox.LIMITS["tmp_bytes"])) in pairs
    assert command[-2:] == ["--", "python"]


def test_a_kernel_cannot_open_a_tcp_or_unix_connection_to_anything(sealed, tmp_path):
    listener = socket.create_server(("0.0.0.0", 0))  # loopback and every other address
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    outside = [a for a in {i[4][0] for i in socket.getaddrinfo(socket.gethostname(), None,
                                                               socket.AF_INET)}
               if not a.startswith("127.")] or ["10.0.0.1"]
    unix_path, abstract = tmp_path / "grader.sock", f"\0course-test-{os.getpid()}"
    listeners = [listener]
    for address in (str(unix_path), abstract):
        server = socket.socket(socket.AF_UNIX)
        server.bind(address)
        server.listen()
        listeners.append(server)
    found = probe(tmp_path, f"""
import socket
def attempt(family, address):
    connection = socket.socket(family, socket.SOCK_STREAM)
    connection.settimeout(3)
    try:
        connection.connect(address)
        return 'CONNECTED'
    except OSError as error:
        return type(error).__name__
    finally:
        connection.close()
found['tcp'] = [attempt(socket.AF_INET, (host, {port})) for host in ['127.0.0.1', *{outside}]]
found['unix'] = [attempt(socket.AF_UNIX, path) for path in [{str(unix_path)!r}, {abstract!r}]]
found['visible'] = [p for p in ['/run/postgresql', '/var/run/postgresql', '/tmp/.X11-unix',
                                '/var/run', '/run/dbus', '/run/user'] if os.path.exists(p)]
found['run'] = {{p: sorted(os.listdir('/run/' + p)) for p in os.listdir('/run')}}
found['interfaces'] = [name for _, name in socket.if_nameindex()]
""")
    with pytest.raises(TimeoutError):
        listener.accept()
    for server in listeners:
        server.close()
    assert "CONNECTED" not in found["tcp"] + found["unix"], found
    assert found["visible"] == []
    assert found["run"]["course"] == [] and set(found["run"]) == {"course", "ipc"}
    assert all(name.startswith("k-") for name in found["run"]["ipc"])  # its own sockets only
    assert found["interfaces"] == ["lo"]


def test_a_kernel_is_unprivileged_and_sees_only_the_system_python_and_its_copy(sealed, tmp_path):
    course = tmp_path / "course"
    (course / "submitted" / "other").mkdir(parents=True)
    (course / "gradebook.db").write_text("hidden tests")
    hidden = [course / "gradebook.db", course / "submitted" / "other", ROOT / "source",
              ROOT / "nbgrader_config.py", ROOT / "tests", Path("/etc/shadow"),
              Path("/etc/passwd"), Path("/var"), Path("/opt"), Path("/srv"), tmp_path]
    python = Path(sys.base_prefix)  # may live in the home folder (pyenv): nothing else there
    hidden += [p for p in Path.home().iterdir() if p not in python.parents][:10]
    root_only = Path("/usr/share/polkit-1/rules.d")  # a root-only folder Debian ships
    found = probe(tmp_path, f"""
import ctypes, sys
status = dict(line.split(':\\t') for line in open('/proc/self/status').read().splitlines()
              if ':\\t' in line)
found['ids'] = [os.getuid(), os.geteuid(), os.getgid()]
found['caps'] = [int(status[k], 16) for k in ('CapEff', 'CapPrm', 'CapInh', 'CapAmb')]
found['seen'] = [p for p in {[str(p) for p in hidden]!r} if os.path.exists(p)]
found['answer'] = open('answer.txt').read()
def refused(action):
    try:
        action()
        return 'ALLOWED'
    except OSError as error:
        return type(error).__name__
found['root_only'] = refused(lambda: os.listdir({str(root_only)!r})) \\
    if os.path.exists({str(root_only)!r}) else 'absent'
found['setuid'] = refused(lambda: os.setuid(0))
found['write_python'] = refused(lambda: open(sys.prefix + '/pwned', 'w'))
found['write_package'] = refused(lambda: open(os.path.dirname(json.__file__) + '/x', 'w'))
libc = ctypes.CDLL(None, use_errno=True)
found['umount'] = libc.umount2(b'/usr', 2)
""", **{"answer.txt": "42"})
    assert found["ids"][0] != 0 and found["ids"][1] != 0 and found["ids"][2] != 0
    assert found["caps"] == [0, 0, 0, 0]
    assert found["seen"] == [], "only the system, Python, the course package and its copy"
    assert found["answer"] == "42"
    assert found["root_only"] in ("PermissionError", "absent")
    if root_only.exists():
        assert found["root_only"] == "PermissionError"
    assert found["setuid"] == "PermissionError" and found["umount"] == -1
    assert found["write_python"] in ("OSError", "PermissionError")
    assert found["write_package"] in ("OSError", "PermissionError")


def test_a_kernel_sees_a_cleared_environment(sealed, tmp_path):
    assert os.environ[SECRET] == "do-not-leak"
    found = probe(tmp_path, "found['env'] = dict(os.environ)")
    assert SECRET not in found["env"]
    allowed = {"PATH", "HOME", "USER", "LOGNAME", "LANG", "OMP_NUM_THREADS", "IPYTHONDIR",
               "MPLCONFIGDIR", "MPLBACKEND", *sandbox.ENV_KEEP,
               # set by ipykernel itself
               "JPY_SESSION_NAME", "PYDEVD_USE_FRAME_EVAL", "CLICOLOR", "CLICOLOR_FORCE",
               "FORCE_COLOR", "PAGER",
               "GIT_PAGER", "TERM"}
    assert set(found["env"]) <= allowed, set(found["env"]) - allowed
    assert found["env"]["HOME"] == "/home/student"


def test_a_kernel_cannot_signal_the_fork_server(sealed, tmp_path):
    run(tmp_path, "pass")
    target = server_pid()
    found = probe(tmp_path, f"""
import signal
found['signalled'] = []
for pid in [{target}, *range(2, 5000)]:
    try:
        os.kill(pid, signal.SIGSTOP)
        found['signalled'].append(pid)
    except OSError:
        pass
try:
    os.kill(-1, signal.SIGSTOP)  # every process this one may signal
except OSError:
    pass
found['mine'] = sorted(int(t) for p in os.listdir('/proc') if p.isdigit()
                       for t in os.listdir(f'/proc/{{p}}/task'))  # its processes and threads
""")
    assert set(found["signalled"]) <= set(found["mine"]), "only its own processes and threads"
    assert target not in found["signalled"]
    assert state(target) != "T", "the server is not stopped"
    assert text(run(tmp_path, "print('next')"), 0).strip() == "next"


_FILL = """
import ctypes, errno
def fill(folder):
    written = 0
    try:
        with open(os.path.join(folder, 'fill'), 'wb', buffering=0) as handle:
            while written < 256 << 20:
                handle.write(b'x' * (1 << 20))
                written += 1 << 20
    except OSError as error:
        return [written, error.errno]
    return [written, 0]
found['filled'] = {folder: fill(folder) for folder in ('/tmp', '/dev/shm', '.')}
for folder in ('/tmp', '/dev/shm', '.'):
    os.remove(os.path.join(folder, 'fill'))
    open(os.path.join(folder, 'left-behind'), 'w').write('answers')
libc = ctypes.CDLL(None, use_errno=True)
libc.mq_open.restype = ctypes.c_int
found['queue'] = libc.mq_open(b'/course-left', os.O_CREAT | os.O_RDWR, 0o600, None)
found['shm'] = libc.shmget(0x7E57, 4096, 0o1000 | 0o600)  # IPC_CREAT
"""

_LOOK = """
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
found['left'] = [f for f in ('/tmp/left-behind', '/dev/shm/left-behind', 'left-behind')
                 if os.path.exists(f)]
found['queue'] = libc.mq_open(b'/course-left', os.O_RDWR, 0, None)
found['shm'] = libc.shmget(0x7E57, 0, 0)
found['mqueue'] = os.listdir('/dev/mqueue')
"""


def test_tmp_shm_and_home_are_size_limited_and_wiped_between_students(sealed, tmp_path):
    first = probe(tmp_path, _FILL)
    for folder, limit in (("/tmp", "tmp_bytes"), ("/dev/shm", "shm_bytes"), (".", "home_bytes")):
        written, error = first["filled"][folder]
        assert written <= SMALL[limit] and error == errno.ENOSPC, (folder, written, error)
    assert first["queue"] >= 0 and first["shm"] >= 0, "the kernel could make IPC objects"
    second = probe(tmp_path, _LOOK)
    assert second == {"left": [], "queue": -1, "shm": -1, "mqueue": []}


def test_memory_and_processes_are_limited_per_kernel(sealed, tmp_path):
    bomb = probe(tmp_path, """
import time
children, error = [], 0
try:
    while len(children) < 1000:
        pid = os.fork()
        if pid == 0:
            time.sleep(60)
            os._exit(0)
        children.append(pid)
except OSError as refused:
    error = refused.errno
found['forked'], found['error'] = len(children), error
""")
    assert bomb["forked"] < SMALL["tasks"] and bomb["error"] == errno.EAGAIN
    try:
        nb = run(tmp_path, "import torch\ntry:\n    big = torch.ones(400_000_000)\n"
                 "    print('allocated')\nexcept (MemoryError, RuntimeError):\n"
                 "    print('refused')")
        assert text(nb, 0).strip() == "refused"
    except DeadKernelError:  # the cgroup's OOM killer took the kernel (and only the kernel)
        assert sealed, "without cgroups the allocation itself is refused (RLIMIT_AS)"
    assert text(run(tmp_path, "print('next')"), 0).strip() == "next"
