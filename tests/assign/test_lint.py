"""course/assign/lint.py: a converted chapter's test cells hold only checks.exercise calls."""

import re

import pytest

from course.assign.build import BuildError, lint_source, notebook_path
from course.assign.lint import violation
from tests.chapter_factory import make_root, tiny_notebook
from tests.conftest import ROOT

GOOD = ('checks.exercise("double", double)\n### BEGIN HIDDEN TESTS\n'
        'checks.exercise("double", double, cases="hidden", seed=3)\n### END HIDDEN TESTS')


def test_the_converted_form_passes():
    assert violation(GOOD) is None
    assert violation('checks.exercise("double", double)') is None


@pytest.mark.parametrize("source, message", [
    ('checks.exercise("double", double)\nprint("extra")',
     'line 2 `print("extra")` is not a checks.exercise(...) call'),
    ('checks.exercise("double", triple)', 'must read checks.exercise("name", name)'),
    ('checks.exercise("double", double)\n### BEGIN HIDDEN TESTS\n'
     'checks.exercise("double", double)\n### END HIDDEN TESTS', 'needs cases="hidden", seed='),
    ('checks.exercise("double", double, cases="hidden", seed=1)', "is a visible check"),
    ('### BEGIN HIDDEN TESTS\nchecks.exercise("double", double, cases="hidden", seed=1)\n'
     '### END HIDDEN TESTS', "has no visible checks.exercise"),
    ('checks.exercise("double", double', "not valid Python"),
])
def test_each_violation_is_one_line_naming_the_file_cell_and_line(tmp_path, source, message):
    nb = tiny_notebook()
    nb.cells[3].source = source
    root = make_root(tmp_path, ROOT, nb=nb)
    with pytest.raises(BuildError, match=re.escape(message)) as raised:
        lint_source(notebook_path("ch99_tiny", "source", root))
    text = str(raised.value)
    assert "\n" not in text and text.startswith("source/ch99_tiny/ch99_tiny.ipynb: cell 3 (test_"
                                                "double): ")


def test_chapters_not_converted_keep_their_old_test_cells(tmp_path):
    root = make_root(tmp_path, ROOT)  # tiny_notebook's test cell uses checks.check_tensor
    lint_source(notebook_path("ch99_tiny", "source", root))
