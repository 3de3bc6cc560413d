"""course/grade/zygote.py: forked kernels run like fresh ones, nothing passes between them, and
a kernel server that stops answering is replaced."""

import os
import signal
import threading
import time

import nbformat
import pytest
from nbclient.exceptions import DeadKernelError
from nbformat.v4 import new_code_cell, new_notebook

from course.grade import sandbox, zygote
from tests.grade.kernels import Client, kernel_server, run, server_pid, state, text

MODES = [pytest.param(False, id="unsandboxed"),
         pytest.param(True, id="sandboxed", marks=pytest.mark.skipif(
             not sandbox.available(), reason="bubblewrap is not installed here"))]


@pytest.fixture(params=MODES)
def fork_server(request, tmp_path):
    """The kernel server a grading worker would start; ``True`` when it runs in bubblewrap."""
    with kernel_server(tmp_path / "scratch", request.param):
        yield request.param


def test_a_forked_kernel_has_torch_loaded_and_works_in_a_copy_of_the_folder(tmp_path,
                                                                           fork_server):
    nb = run(tmp_path, "import sys\nprint('torch' in sys.modules, open('answer.txt').read())",
             "import torch\ntorch.manual_seed(0)\nprint(torch.rand(2).sum().item())",
             # CUDA must not be initialised before the fork, or a GPU kernel could not use it
             "print(torch.cuda.is_initialized())",
             "open('answer.txt', 'w').write('changed')",
             folder_files={"answer.txt": "42"})
    assert text(nb, 0).split() == ["True", "42"]
    assert text(nb, 2).strip() == "False"
    assert (tmp_path / "submission-0" / "answer.txt").read_text() == "42"
    import torch

    torch.manual_seed(0)
    assert float(text(nb, 1)) == pytest.approx(torch.rand(2).sum().item())


def test_nothing_of_one_kernel_reaches_the_next(tmp_path, fork_server):
    run(tmp_path,
        # a daemon in a session of its own, a startup file, files in /tmp, home and the folder
        "import subprocess, os, pathlib\n"
        "subprocess.Popen(['sleep', '600'], start_new_session=True)\n"
        "startup = pathlib.Path(os.environ['IPYTHONDIR'], 'profile_default', 'startup')\n"
        "startup.mkdir(parents=True, exist_ok=True)\n"
        "(startup / 'evil.py').write_text('INJECTED = True')\n"
        "pathlib.Path('/tmp/left-behind').write_text('answers')\n"
        "pathlib.Path('left-in-folder').write_text('answers')\n")
    nb = run(tmp_path,
             "import os, pathlib\n"
             "print('INJECTED' in globals(), pathlib.Path('left-in-folder').exists())\n"
             "cmds = [pathlib.Path('/proc', p, 'cmdline').read_bytes() for p in os.listdir('/proc')"
             " if p.isdigit() and pathlib.Path('/proc', p, 'cmdline').exists()]\n"
             "print(any(c.startswith(b'sleep') for c in cmds))")
    injected, folder_file, sleeper = text(nb, 0).split()
    assert (injected, folder_file) == ("False", "False")
    if fork_server:  # the kernel's own PID namespace and /tmp die with it
        assert sleeper == "False"
        check = run(tmp_path, "import pathlib\nprint(pathlib.Path('/tmp/left-behind').exists())")
        assert text(check, 0).strip() == "False"
    else:  # unsandboxed, only the kernel's own session is killed (the daemon left it)
        os.system("pkill -f '^sleep 600$'")


@pytest.mark.skipif(not sandbox.available(), reason="bubblewrap is not installed here")
def test_a_sandboxed_kernel_sees_no_process_of_the_server(tmp_path):
    with kernel_server(tmp_path / "scratch", True):
        nb = run(tmp_path, "import os\nprint(os.getpid(), os.getppid())\n"
                 "print(sorted(int(p) for p in os.listdir('/proc') if p.isdigit()))")
    first, listed = text(nb, 0).split("\n")[:2]
    assert first == "1 0"  # the first process of its own namespace
    assert listed == "[1]"  # itself only: not the server, not bubblewrap


def test_a_kernel_that_exits_is_a_dead_kernel_and_the_next_one_starts(tmp_path, fork_server):
    with pytest.raises(DeadKernelError):
        run(tmp_path, "print('before')", "import os\nos._exit(3)", "print('never')")
    assert text(run(tmp_path, "print('fresh')"), 0).strip() == "fresh"


def test_a_dead_zygote_is_replaced(tmp_path, fork_server):
    run(tmp_path, "pass")
    first = zygote._zygote
    os.killpg(first.process.pid, signal.SIGKILL)
    first.process.wait()
    assert text(run(tmp_path, "print('again')"), 0).strip() == "again"
    assert zygote._zygote is not first


def test_a_stopped_server_is_killed_and_replaced_before_the_next_kernel(tmp_path, fork_server,
                                                                        monkeypatch):
    """SIGSTOP to the server hung the whole grading run: every wait for it now has a deadline."""
    run(tmp_path, "pass")
    first, stopped = zygote._zygote, server_pid()
    os.kill(stopped, signal.SIGSTOP)
    monkeypatch.setattr(zygote, "REQUEST_TIMEOUT", 3.0)
    start = time.monotonic()
    assert text(run(tmp_path, "print('again')"), 0).strip() == "again"
    assert time.monotonic() - start < 3.0 + 60
    assert zygote._zygote is not first and _gone(stopped)


def test_a_server_stopped_while_a_cell_runs_costs_that_kernel_only(tmp_path, fork_server,
                                                                   monkeypatch):
    run(tmp_path, "pass")
    stopped = server_pid()
    monkeypatch.setattr(zygote, "REQUEST_TIMEOUT", 3.0)
    threading.Timer(2.0, os.kill, (stopped, signal.SIGSTOP)).start()
    start = time.monotonic()
    with pytest.raises(DeadKernelError):
        run(tmp_path, "import time\ntime.sleep(60)\nprint('finished')", timeout=90)
    assert time.monotonic() - start < 45
    assert _gone(stopped), "the stopped server was killed"
    assert text(run(tmp_path, "print('next')"), 0).strip() == "next"


def _gone(pid: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not os.path.exists(f"/proc/{pid}") or state(pid) in ("Z", "X"):
            return True
        time.sleep(0.1)
    return False


def test_an_endless_cell_is_interrupted_at_the_cell_timeout(tmp_path, fork_server):
    from nbclient.exceptions import CellTimeoutError

    nb = new_notebook(cells=[new_code_cell("while True:\n    pass")])
    folder = tmp_path / "loop"
    folder.mkdir()
    with pytest.raises(CellTimeoutError):
        Client(nb, timeout=3, kernel_manager_class=zygote.ZygoteKernelManager,
               resources={"metadata": {"path": str(folder)}}).execute()
    assert text(run(tmp_path, "print('next')"), 0).strip() == "next"


def test_a_student_notebook_is_graded_the_same_in_fork_and_fresh_kernels(tmp_path, fork_server):
    source = ("import torch\nfrom torch import nn\ntorch.manual_seed(3)\nmodel = nn.Linear(3, 1)\n"
              "opt = torch.optim.SGD(model.parameters(), lr=0.1)\nx = torch.randn(8, 3)\n"
              "loss = (model(x) ** 2).mean()\nloss.backward()\nopt.step()\n"
              "print(round(loss.item(), 6), round(model.weight.sum().item(), 6))")
    forked = text(run(tmp_path, source), 0)
    nb = nbformat.v4.new_notebook(cells=[new_code_cell(source)])
    folder = tmp_path / "fresh"
    folder.mkdir()
    Client(nb, timeout=60, resources={"metadata": {"path": str(folder)}}).execute()
    assert forked == text(nb, 0)
