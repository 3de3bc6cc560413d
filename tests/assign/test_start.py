"""course/assign/start.py: students get their copy and a start page; their work is never
overwritten."""

import nbformat

from course.assign.build import build, chapters, notebook_path
from course.assign.start import chapter_summary, start, write_start_page
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


def test_start_page_lists_every_chapter_with_what_it_teaches_and_a_working_link(tmp_path):
    work = tmp_path / "work"
    page = write_start_page(work, ROOT)
    text = page.read_text()
    assert page == work / "START.md"
    for chapter in chapters(ROOT):
        link = f"{chapter}/{chapter}.ipynb"
        assert f"]({link})" in text, chapter
        info = chapter_summary(notebook_path(chapter, "release", ROOT))
        assert info["title"].startswith("Chapter ") and len(info["summary"]) > 80, chapter
        assert f"## [{info['title']}]({link})\n\n{info['summary']}" in text
        assert f"{info['exercises']} exercises, {info['points']} points" in text
    positions = [text.index(f"]({c}/") for c in chapters(ROOT)]
    assert positions == sorted(positions), "chapters in course order"


def test_start_page_counts_match_the_notebook(tmp_path):
    root = make_root(tmp_path, ROOT)
    build(["ch99_tiny"], root, solutions=False)
    info = chapter_summary(notebook_path("ch99_tiny", "release", root))
    assert info == {"title": "Tiny chapter", "summary": "", "exercises": 1, "points": 2}
    start([], tmp_path / "work", root)
    page = write_start_page(tmp_path / "work", root).read_text()
    assert "[Tiny chapter](ch99_tiny/ch99_tiny.ipynb)" in page
    assert (tmp_path / "work" / "ch99_tiny" / "ch99_tiny.ipynb").exists()
