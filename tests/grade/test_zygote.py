"""course/zygote.py: forked kernels run like fresh ones, and nothing passes between them."""

import os
import signal

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError
from nbformat.v4 import new_code_cell, new_notebook

from course.grade import sandbox, zygote
from course.grade.polling import ShortPolls

MODES = [pytest.param(False, id="unsandboxed"),
         pytest.param(True, id="sandboxed", marks=pytest.mark.skipif(
             not sandbox.available(), reason="bubblewrap is not installed here"))]


class Client(ShortPolls, NotebookClient):
    pass


@pytest.fixture(params=MODES)
def fork_server(request, tmp_path, monkeypatch):
    """The zygote the grader would start in a worker; ``True`` when it runs in bubblewrap."""
    hidden = tmp_path / "course"
    hidden.mkdir()
    (hidden / "gradebook.db").write_text("other students' grades")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setenv("COURSE_SANDBOX_HIDE", str(hidden))
    monkeypatch.setenv("COURSE_SANDBOX_SCRATCH", str(scratch))
    monkeypatch.setenv("COURSE_ZYGOTE_SANDBOX", "1" if request.param else "0")
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    monkeypatch.setattr(zygote, "_zygote", None)
    yield request.param
    if zygote._zygote is not None:
        zygote._zygote.close()


def run(tmp_path, *sources, folder_files=None, timeout=60):
    """Execute cells in a forked kernel whose folder holds ``folder_files``; the notebook."""
    folder = tmp_path / f"submission-{len(list(tmp_path.glob('submission-*')))}"
    folder.mkdir()
    for name, text in (folder_files or {}).items():
        (folder / name).write_text(text)
    nb = new_notebook(cells=[new_code_cell(source) for source in sources])
    Client(nb, timeout=timeout, kernel_manager_class=zygote.ZygoteKernelManager,
           resources={"metadata": {"path": str(folder)}}).execute()
    return nb


def text(nb, index):
    return "".join(o.get("text", "") for o in nb.cells[index].outputs)


def test_a_forked_kernel_has_torch_loaded_and_works_in_a_copy_of_the_folder(tmp_path,
                                                                           fork_server):
    nb = run(tmp_path, "import sys\nprint('torch' in sys.modules, open('answer.txt').read())",
             "import torch\ntorch.manual_seed(0)\nprint(torch.rand(2).sum().item())",
             # CUDA must not be initialised before the fork, or a GPU kernel could not use it
             "print(torch.cuda.is_initialized())",
             folder_files={"answer.txt": "42"})
    assert text(nb, 0).split() == ["True", "42"]
    assert text(nb, 2).strip() == "False"
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
    if fork_server:  # the sandbox's private /tmp and PID namespace are wiped between kernels
        assert sleeper == "False"
        check = run(tmp_path, "import pathlib\nprint(pathlib.Path('/tmp/left-behind').exists())")
        assert text(check, 0).strip() == "False"
    else:  # unsandboxed, only the kernel's own session is killed (the daemon left it)
        os.system("pkill -f '^sleep 600$'")


@pytest.mark.skipif(not sandbox.available(), reason="bubblewrap is not installed here")
def test_a_sandboxed_forked_kernel_cannot_read_the_course_or_the_zygote(tmp_path, monkeypatch):
    monkeypatch.setattr(zygote, "_zygote", None)
    hidden = tmp_path / "course"
    hidden.mkdir()
    (hidden / "gradebook.db").write_text("grades")
    monkeypatch.setenv("COURSE_SANDBOX_HIDE", str(hidden))
    monkeypatch.setenv("COURSE_SANDBOX_SCRATCH", str(tmp_path))
    monkeypatch.setenv("COURSE_ZYGOTE_SANDBOX", "1")
    try:
        nb = run(tmp_path,
                 f"try:\n    open({str(hidden / 'gradebook.db')!r}).read()\n    print('LEAKED')\n"
                 "except OSError as error:\n    print(type(error).__name__)",
                 "import os\nparent = os.getppid()\n"
                 "try:\n    open(f'/proc/{parent}/mem', 'rb').read(1)\n    print('LEAKED')\n"
                 "except OSError as error:\n    print(type(error).__name__)")
    finally:
        zygote._zygote.close()
    assert text(nb, 0).strip() == "FileNotFoundError"
    assert text(nb, 1).strip() == "PermissionError"


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
