"""deploy/jupyterhub_config.py, for real: a JupyterHub with configurable-http-proxy on loopback,
real Unix users logging in with their passwords, and nbgrader's exchange loop through it.

The instructor logs in through the hub's login form, then works through their own server's REST
API: the Formgrader's generate and release, ``course grade`` and ``course feedback`` run in a
kernel of their server (as they would in its terminal), the Formgrader's collect and release
feedback. The student does everything in Chromium: logs in, sees only the student tools, fetches
the chapter from the Assignment List, types the answer, presses Validate, submits, fetches the
feedback. Every user and file the test creates is removed afterwards. Seconds per step go to
test-artifacts/hub-loop-seconds.json and screenshots to test-artifacts/screenshots/hub-*.png.
"""

import json
import shutil
import subprocess
import tempfile
import time
import urllib.error
from pathlib import Path

import pytest

from course.assign.build import build
from tests.browser.support import SCREENSHOTS, VIEWPORT
from tests.chapter_factory import make_root

from .hub_support import ROOT, Hub, UnixUser, run_in_kernel, shared_environment, skip_reason

pytestmark = pytest.mark.browser

CHAPTER = "ch99_tiny"
ANSWER = "    return values * 2"
TIMES = ROOT / "test-artifacts" / "hub-loop-seconds.json"
HUB_TEST_CONFIG = """\
c = get_config()  # noqa: F821
load_subconfig({deploy!r})  # noqa: F821 - the shipped config, unchanged
# The test's own admin service: it starts servers and makes tokens through the REST API.
import os
c.JupyterHub.services = [{{"name": "course-test", "api_token": os.environ["COURSE_TEST_TOKEN"]}}]
c.JupyterHub.load_roles = [{{"name": "course-test", "services": ["course-test"],
    "scopes": ["admin:users", "admin:servers", "tokens", "access:servers", "read:users"]}}]
# The test's copy of this interpreter finds its libpython here (tests/deploy/hub_support.py).
if os.environ.get("LD_LIBRARY_PATH"):
    c.Spawner.environment["LD_LIBRARY_PATH"] = os.environ["LD_LIBRARY_PATH"]
"""


class Timer:
    def __init__(self):
        self.seconds: dict[str, float] = {}

    def step(self, name: str):
        timer = self

        class Step:
            def __enter__(self):
                self.started = time.monotonic()

            def __exit__(self, *exc):
                timer.seconds[name] = round(time.monotonic() - self.started, 1)

        return Step()


@pytest.fixture(scope="module")
def classroom():
    """Users, a course folder owned by the instructor, the shared environment, a running hub."""
    reason = skip_reason()
    if reason:
        pytest.skip(f"hub test skipped: {reason}")
    tag = f"{int(time.time()) % 100000:05d}"
    group = f"dlc-class-{tag}"
    teacher, student = UnixUser(f"dlc-teach-{tag}"), UnixUser(f"dlc-stud-{tag}")
    base = Path(tempfile.mkdtemp(prefix="course-hub-", dir="/tmp"))
    base.chmod(0o755)
    hub = None
    try:
        subprocess.run(["groupadd", group], check=True, capture_output=True)
        teacher.create()
        student.create(groups=(group,))
        python, python_env = shared_environment(base / "shared")
        course = make_root(base / "instructor", ROOT, CHAPTER)
        build([CHAPTER], course, solutions=False)
        subprocess.run(["chown", "-R", f"{teacher.name}:{teacher.name}", str(base / "instructor")],
                       check=True)
        (base / "instructor").chmod(0o700)  # students can read neither sources nor gradebook
        deploy = base / "deploy"
        shutil.copytree(ROOT / "deploy", deploy, ignore=shutil.ignore_patterns("__pycache__"))
        config = base / "hub" / "test_hub_config.py"
        config.parent.mkdir(mode=0o700)
        config.write_text(HUB_TEST_CONFIG.format(deploy=str(deploy / "jupyterhub_config.py")))
        env = {k: v for k, v in __import__("os").environ.items()
               if not k.startswith(("JUPYTER", "COURSE_", "VIRTUAL_ENV"))}
        env.update(COURSE_ROOT=str(course), COURSE_EXCHANGE=str(base / "exchange"),
                   COURSE_INSTRUCTORS=teacher.name, COURSE_GROUP=group,
                   COURSE_HUB_STATE=str(base / "hub" / "state"), COURSE_PYTHON=str(python),
                   **python_env)
        hub = Hub(base / "hub", env, config).start()
        yield hub, teacher, student, course, base
    finally:
        if hub is not None:
            hub.stop()
            if hub.proc is not None:
                print(hub.log_tail(200))
        for user in (teacher, student):
            leftover = subprocess.run(["pgrep", "-u", user.name], capture_output=True,
                                      text=True).stdout.split()
            for pid in leftover:  # processes the hub started as this user and left behind
                subprocess.run(["kill", "-9", pid], capture_output=True)
            user.remove()
        subprocess.run(["groupdel", group], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def shot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"hub-{name}.png"
    page.screenshot(path=path)
    return path


def open_assignment_list(page):
    page.get_by_role("menuitem", name="Nbgrader", exact=True).click()
    page.get_by_role("menuitem", name="Assignment List", exact=True).click()
    return page.locator("#assignments").last


def test_the_exchange_loop_through_the_hub(classroom, browser):
    hub, teacher, student, course, base = classroom
    from playwright.sync_api import expect

    timer = Timer()
    with timer.step("instructor login (PAM form)"):
        assert hub.login(teacher)
    with timer.step("instructor server start"):
        hub.start_server(teacher.name)
    token = hub.user_token(teacher.name)

    def formgrader(action: str) -> dict:
        return hub.server_api(teacher.name, token, "POST",
                              f"formgrader/api/assignment/{CHAPTER}/{action}")

    with timer.step("generate (Formgrader)"):
        assert formgrader("assign")["success"], "generate_assignment failed"
    with timer.step("release_assignment (Formgrader)"):
        released = formgrader("release")
        assert released["success"], released

    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(120_000)
    page = context.new_page()
    try:
        with timer.step("student login and server start (browser)"):
            page.goto(f"{hub.base}/hub/login")
            page.fill("#username_input", student.name)
            page.fill("#password_input", student.password)
            page.click("#login_submit")
            page.wait_for_url(f"**/user/{student.name}/lab**", timeout=300_000)
            expect(page.locator(".jp-LabShell")).to_be_visible(timeout=180_000)
        shot(page, "1-student-lab")

        page.get_by_role("menuitem", name="Nbgrader", exact=True).click()
        menu = page.locator(".lm-Menu").last
        expect(menu.get_by_text("Assignment List")).to_be_visible()
        items = menu.locator(".lm-Menu-itemLabel").all_inner_texts()
        shot(page, "2-student-nbgrader-menu")
        page.keyboard.press("Escape")
        assert not {"Formgrader", "Create Assignment", "Course List"} & set(items), items
        student_token = hub.user_token(student.name)
        with pytest.raises(urllib.error.HTTPError) as missing:
            hub.server_api(student.name, student_token, "GET", "formgrader/api/assignments")
        assert missing.value.code == 404, "a student's server must not serve the Formgrader"

        with timer.step("fetch_assignment (student, Assignment List)"):
            panel = open_assignment_list(page)
            released_list = panel.locator("#released_assignments_list")
            expect(released_list.get_by_text(CHAPTER)).to_be_visible(timeout=120_000)
            released_list.get_by_role("button", name="Fetch").click()
            fetched = panel.locator("#fetched_assignments_list")
            expect(fetched.get_by_role("button", name="Submit")).to_be_visible(timeout=120_000)
        shot(page, "3-student-fetched")
        mine = student.home / CHAPTER / f"{CHAPTER}.ipynb"
        assert mine.exists() and mine.owner() == student.name

        with timer.step("edit (student types the answer)"):
            page.goto(f"{hub.base}/user/{student.name}/lab/tree/{CHAPTER}/{CHAPTER}.ipynb")
            notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
            expect(notebook.locator(".jp-Notebook-ExecutionIndicator[data-status=idle]")
                   ).to_have_count(1, timeout=180_000)
            exercise = notebook.locator(".jp-Notebook .jp-Cell", has_text="YOUR CODE HERE")
            expect(exercise).to_have_count(1, timeout=120_000)
            exercise.locator(".cm-content").click()
            page.keyboard.press("Control+Home")
            for _ in range(2):  # keep the def line and the docstring
                page.keyboard.press("ArrowDown")
            page.keyboard.press("Shift+Control+End")
            page.keyboard.type(ANSWER)
            page.keyboard.press("Escape")
            # Validate saves again: a second save while the first is in flight makes JupyterLab
            # ask "File Changed ... overwrite?" (seen in CI under load), so wait for this one.
            # Once in a CI run the tab was dirty again after a save the server had finished
            # (a change to the notebook model that came after it): save once more, as a student
            # would, long after the first save ended.
            dirty = page.locator(".lm-TabBar-tab.jp-mod-dirty")
            for attempt in range(3):
                page.keyboard.press("Control+s")
                try:
                    expect(dirty).to_have_count(0, timeout=30_000 * (attempt + 1))
                    break
                except AssertionError:
                    shot(page, f"4-still-unsaved-{attempt + 1}")
            expect(dirty).to_have_count(0)
        shot(page, "4-student-answer")

        with timer.step("Validate (student)"):
            notebook.locator(".validate-button").get_by_text("Validate").click()
            dialog = page.locator(".jp-Dialog")
            changed = dialog.filter(has_text="has changed on disk")
            expect(dialog.get_by_text("Validation Results").or_(changed)).to_be_visible(
                timeout=300_000)
            if changed.count():  # a student keeps what they typed: Overwrite
                changed.get_by_role("button", name="Overwrite").click()
            expect(dialog.get_by_text("Validation Results")).to_be_visible(timeout=300_000)
            outcome = dialog.locator("#validation-message").get_attribute("class") or ""
            message = dialog.locator("#validation-message").inner_text()
        shot(page, "5-student-validate")
        dialog.get_by_role("button", name="Ok").click()
        assert "validation-success" in outcome or "Success" in message, message
        assert ANSWER.strip() in mine.read_text(), "Validate saves the notebook first"

        with timer.step("submit (student, Assignment List)"):
            panel = open_assignment_list(page)
            panel.locator("#fetched_assignments_list").get_by_role("button", name="Submit").click()
            submitted = panel.locator("#submitted_assignments_list")
            expect(submitted.get_by_role("button", name="Fetch Feedback")).to_be_visible(
                timeout=120_000)
        shot(page, "6-student-submitted")

        with timer.step("collect (Formgrader)"):
            assert formgrader("collect")["success"]
        folder = course / "submitted" / student.name / CHAPTER
        assert {p.name for p in folder.iterdir()} >= {f"{CHAPTER}.ipynb", "timestamp.txt",
                                                      "submission_secret.txt"}

        grade_code = (
            "import subprocess, sys\n"
            f"for args in (['grade', {CHAPTER!r}, '--workers', '1', '--no-progress'],"
            f" ['feedback', {CHAPTER!r}]):\n"
            f"    r = subprocess.run([sys.executable, '-m', 'course', *args], cwd={str(course)!r},"
            " capture_output=True, text=True)\n"
            "    print('exit', r.returncode, r.stdout, r.stderr, sep='\\n')\n")
        with timer.step("course grade + course feedback (instructor's kernel)"):
            printed = run_in_kernel(hub, teacher.name, token, grade_code)
        assert printed.count("exit\n0\n") == 2, printed  # grade and feedback both succeeded
        feedback = course / "feedback" / student.name / CHAPTER
        assert {p.name for p in feedback.iterdir()} >= {f"{CHAPTER}.html", "timestamp.txt",
                                                        "submission_secret.txt"}, printed
        row = next(line.split() for line in printed.splitlines()
                   if line.startswith(student.name))
        assert row[1:3] == ["2.0", "2.0"], printed
        assert "SAWarning" not in printed and "not absolute" not in printed, printed

        with timer.step("release_feedback (Formgrader)"):
            assert formgrader("release_feedback")["success"]

        with timer.step("fetch_feedback (student, Assignment List)"):
            panel = open_assignment_list(page)
            panel.locator("#submitted_assignments_list").get_by_role(
                "button", name="Fetch Feedback").click()
            expect(panel.get_by_text("(view feedback)")).to_be_visible(timeout=120_000)
        shot(page, "7-student-feedback")
        pages = list((student.home / CHAPTER / "feedback").glob(f"*/{CHAPTER}.html"))
        assert len(pages) == 1, pages
        html = pages[0].read_text()
        assert "2.0 / 2.0" in html and "torch.arange(3.0)" not in html  # no hidden test
        page.goto(f"{hub.base}/user/{student.name}/files/{CHAPTER}/feedback/"
                  f"{pages[0].parent.name}/{CHAPTER}.html")
        expect(page.get_by_text("2.0 / 2.0").first).to_be_visible()
        shot(page, "8-student-feedback-html")
    finally:
        context.close()
        TIMES.parent.mkdir(parents=True, exist_ok=True)
        TIMES.write_text(json.dumps(timer.seconds, indent=1) + "\n")
