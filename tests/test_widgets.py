"""course/widgets.py: the kernel fills the interact view, so a headless runner sends nothing back.

A runner that sends on the kernel's shell socket while a cell runs can lose the wake-up for the
cell's reply and sit idle until the cell timeout (see the module docstring); nbclient sends only
for what an ``Output`` widget captures, which these tests count.
"""

import re

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.output_widget import OutputWidget
from nbformat.v4 import new_code_cell, new_notebook

from tests.conftest import CHAPTERS, ROOT

SETUP = """\
%matplotlib inline
import sys
from ipywidgets import IntSlider
from matplotlib.figure import Figure

seen_while_drawing = []  # the kernel's shared output objects, as the function saw them

def plot_power(power):
    seen_while_drawing.append((type(get_ipython().display_pub).__name__,
                               type(sys.stdout).__name__))
    fig = Figure(figsize=(2, 2))
    fig.add_subplot().plot([x ** power for x in range(5)])
    return fig
"""
MOVE = """\
before = view.out.outputs
view.children[0].value = 3  # what a slider move does in the kernel
after = view.out.outputs
print([o["output_type"] for o in after], after != before, "image/png" in after[-1]["data"])
print(sorted(set(seen_while_drawing)))
"""


def run(cells: list[str]) -> tuple[nbformat.NotebookNode, list[dict], NotebookClient]:
    """Execute ``cells`` with stock nbclient; return the notebook, what its Output mimic sent
    and the client (whose ``widget_state`` holds every widget's last state)."""
    sent = []

    class CountingOutputWidget(OutputWidget):
        def send(self, data=None, metadata=None, buffers=None):
            sent.append(data)
            super().send(data, metadata, buffers)

    nb = new_notebook(cells=[new_code_cell(source) for source in cells])
    client = NotebookClient(nb, timeout=120, kernel_name="python3")
    client.widget_registry["@jupyter-widgets/output"]["OutputModel"] = CountingOutputWidget
    client.execute()
    return nb, sent, client


def test_the_kernel_draws_the_view_and_the_runner_sends_nothing():
    nb, sent, _ = run([SETUP, "from course.widgets import interact\n"
                           "view = interact(plot_power, power=IntSlider(2, 0, 4))", MOVE])
    assert sent == []
    slider_outputs = nb.cells[1].outputs
    assert [o.output_type for o in slider_outputs] == ["display_data"]  # the widget, nothing else
    assert "application/vnd.jupyter.widget-view+json" in slider_outputs[0].data
    printed = nb.cells[2].outputs[0].text.splitlines()
    assert printed[0] == "['display_data'] True True"
    # Drawing swaps nothing the kernel shares: a cell running meanwhile in another thread
    # (a widget message on a kernel subshell) keeps its output, and ipykernel can still set
    # the parent of a request that arrives then (IPython's capturing publisher had no
    # set_parent: the request was lost).
    assert printed[1] == "[('ZMQDisplayPublisher', 'OutStream')]"


def test_stock_interact_makes_the_runner_send_while_the_cell_runs():
    """The contrast: ipywidgets' own interact makes nbclient send widget state mid-cell."""
    _, sent, _ = run([SETUP, "from ipywidgets import interact\n"
                          "_ = interact(plot_power, power=IntSlider(2, 0, 4))"])
    assert sent and all(message["method"] == "update" for message in sent)


def test_an_error_in_the_function_shows_under_the_widgets_not_in_the_cell():
    nb, _, client = run([SETUP, "from course.widgets import interact\n"
                                "_ = interact(lambda power: 1 / power, power=IntSlider(0, 0, 4))"])
    assert [o.output_type for o in nb.cells[1].outputs] == ["display_data"]
    shown = [output for state in client.widget_state.values() if state.get("_model_name") ==
             "OutputModel" for output in state["outputs"]]
    assert [(o["output_type"], o.get("ename")) for o in shown] == [("error", "ZeroDivisionError")]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapters_use_the_kernel_drawn_interact(chapter):
    nb = nbformat.read(ROOT / "source" / chapter / f"{chapter}.ipynb", as_version=4)
    stock = [index for index, cell in enumerate(nb.cells) if cell.cell_type == "code" and re.search(
        r"from ipywidgets import [^\n]*\binteract\b|ipywidgets\.interact\(", cell.source)]
    assert not stock, f"{chapter} cells {stock} use ipywidgets.interact, not course.widgets'"
