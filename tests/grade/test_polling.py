"""course/grade/polling.py: short polls bound a missed wake-up, and every executor uses them."""

import asyncio
import time
from queue import Empty

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from course.grade.polling import ShortPolls, short_polls


class MissedWakeUpChannel:
    """A channel whose reply is ready at once, but whose first wait misses the wake-up."""

    def __init__(self, reply_after: float | None = 0.0):
        self.created = time.monotonic()
        self.reply_after = reply_after
        self.waits = []

    async def get_msg(self, timeout=None):
        self.waits.append(timeout)
        ready = (self.reply_after is not None
                 and time.monotonic() - self.created >= self.reply_after)
        if len(self.waits) == 1 or not ready:
            await asyncio.sleep(timeout)  # the first wait sleeps through the reply
            raise Empty
        return {"msg_type": "execute_reply"}


def test_a_missed_wake_up_costs_one_step_not_the_timeout():
    channel = MissedWakeUpChannel()
    short_polls(channel, step=0.05)
    start = time.monotonic()
    reply = asyncio.run(channel.get_msg(timeout=30))
    assert reply == {"msg_type": "execute_reply"}
    assert time.monotonic() - start < 1.0
    assert all(wait <= 0.05 for wait in channel.waits)


def test_the_callers_timeout_is_kept():
    channel = MissedWakeUpChannel(reply_after=None)  # never replies
    short_polls(channel, step=0.05)
    start = time.monotonic()
    with pytest.raises(Empty):
        asyncio.run(channel.get_msg(timeout=0.3))
    assert 0.28 <= time.monotonic() - start < 1.0
    assert len(channel.waits) >= 5


def test_no_timeout_waits_until_the_reply():
    channel = MissedWakeUpChannel(reply_after=0.2)
    short_polls(channel, step=0.05)
    assert asyncio.run(channel.get_msg(timeout=None)) == {"msg_type": "execute_reply"}
    assert None not in channel.waits


def _wrapped(client) -> bool:
    return all(channel.get_msg.__qualname__.startswith("short_polls")
               for channel in (client.kc.shell_channel, client.kc.iopub_channel))


def test_the_async_and_the_sync_kernel_start_both_use_short_polls(tmp_path):
    """nbclient's execute() starts the client with the coroutine; nbconvert's setup_kernel with
    the sync wrapper, which nbclient binds to its own coroutine unless the mixin rebinds it."""

    class Client(ShortPolls, NotebookClient):
        pass

    seen = []
    nb = new_notebook(cells=[new_code_cell("x = 6 * 7\nx")])
    client = Client(nb, timeout=60, resources={"metadata": {"path": str(tmp_path)}},
                    on_cell_executed=lambda **_: seen.append(_wrapped(client)))
    client.execute()
    assert seen == [True]
    assert nb.cells[0].outputs[0]["data"]["text/plain"] == "42"

    client = Client(nbformat.v4.new_notebook(), timeout=60,
                    resources={"metadata": {"path": str(tmp_path)}})
    with client.setup_kernel():
        assert _wrapped(client)


def test_the_grader_and_the_build_use_short_polls():
    import inspect

    from course.assign import build
    from course.grade.autograde import GuardedExecute

    assert issubclass(GuardedExecute, ShortPolls)
    assert "SolutionExecute(ShortPolls, Execute)" in inspect.getsource(build.generate_solution)


FLAKY_KERNEL = """\
import os, pathlib, sys, time
launches = pathlib.Path(os.environ["LAUNCHES"])
launches.write_text(launches.read_text() + "x" if launches.exists() else "x")
if launches.read_text() == "x":  # the first kernel is alive but never answers
    time.sleep(600)
from ipykernel.kernelapp import launch_new_instance
launch_new_instance(["-f", sys.argv[1]])
"""


def test_a_kernel_that_never_answers_is_replaced_once(tmp_path, monkeypatch):
    import json
    import sys

    script = tmp_path / "flaky_kernel.py"
    script.write_text(FLAKY_KERNEL)
    spec = tmp_path / "jupyter" / "kernels" / "flaky"
    spec.mkdir(parents=True)
    launches = tmp_path / "launches"
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, str(script), "{connection_file}"], "display_name": "flaky",
        "language": "python", "env": {"LAUNCHES": str(launches)}}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))

    class Client(ShortPolls, NotebookClient):
        pass

    nb = new_notebook(cells=[new_code_cell("print('ran once')")])
    Client(nb, kernel_name="flaky", startup_timeout=5, shutdown_kernel="immediate").execute()
    assert nb.cells[0].outputs[0]["text"] == "ran once\n"
    assert launches.read_text() == "xx"
