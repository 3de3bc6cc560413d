"""course/start.py: students get their copy; nothing they wrote is ever overwritten."""

import nbformat

from course.assign.build import build
from course.assign.start import start
from tests.chapter_factory import make_root
from tests.conftest import ROOT


def test_first_copy_then_keep_then_offer_new_version_beside(tmp_path):
    root = make_root(tmp_path, ROOT)
    build(["ch99_tiny"], root, solutions=False)
    work = tmp_path / "work"
    assert start([], work, root) == ["copied   ch99_tiny/ch99_tiny.ipynb"]
    mine = work / "ch99_tiny" / "ch99_tiny.ipynb"
    mine.write_text(mine.read_text().replace("raise NotImplementedError()", "return values * 2"))
    my_work = mine.read_bytes()
    assert start(["ch99"], work, root) == ["kept     ch99_tiny/ch99_tiny.ipynb (up to date)"]

    source = root / "source" / "ch99_tiny" / "ch99_tiny.ipynb"
    nb = nbformat.read(source, as_version=4)
    nb.cells[0].source = "# Tiny chapter, revised"
    nbformat.write(nb, source)
    build(["ch99_tiny"], root, solutions=False)
    message, = start([], work, root)
    assert message.startswith("updated  ch99_tiny/ch99_tiny.ipynb: the course changed it")
    assert mine.read_bytes() == my_work, "the student's file must never be overwritten"
    beside = [p for p in mine.parent.iterdir() if p.name != mine.name]
    assert len(beside) == 1 and "revised" in beside[0].read_text()
    assert beside[0].name in message
    assert start([], work, root)[0].startswith("kept")
