"""Servers and page helpers for the browser tests.

Nothing here imports Playwright at module level, so collecting the tests works (and skips them
with a clear reason, see ``skip_reason``) on a machine without Playwright or Chromium.

* ``JupyterServer`` runs ``jupyter lab`` or ``voila`` on 127.0.0.1 with a random port and token,
  isolated Jupyter config/runtime/data/settings dirs and news/update checks off, serving a
  temporary copy of the course; ``stop`` shuts it down and reports kernels left behind.
* ``LabNotebook`` drives one notebook in JupyterLab the way a student does: menus, keyboard,
  slider handles; it reads the rendered cells back in one ``evaluate`` call.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
VIEWPORT = {"width": 1400, "height": 1000}

SERVER_START_S = 120
NOTEBOOK_OPEN_S = 90
RUN_ALL_S = 240
CELL_RUN_S = 120
SLIDER_REPLOT_S = 60
VALIDATE_S = 240

# JupyterLab user settings written into the isolated settings dir: every cell attached to the DOM
# (the default windowing may leave off-screen cells unrendered). The news pop-up is switched off
# by the student configuration the lab server runs with (deploy/student, as `make lab` does).
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}
STUDENT_CONFIG = ROOT / "deploy" / "student"
# Server settings (the config dir is private to the test run). The idle culling is a safety net
# that ends kernels and server by themselves if the test process is killed before its teardown.
SERVER_CONFIG = {
    "ServerApp": {"open_browser": False, "port_retries": 0, "terminals_enabled": False,
                  "shutdown_no_activity_timeout": 1800},
    "MappingKernelManager": {"cull_idle_timeout": 1800, "cull_interval": 120},
    "LabApp": {"news_url": None, "check_for_updates_class": "jupyterlab.NeverCheckForUpdate",
               "expose_app_in_browser": True},
}


def skip_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    for module, package in (("playwright", "playwright"),
                            ("pytest_playwright", "pytest-playwright")):
        if importlib.util.find_spec(module) is None:
            return (f"{package} is not installed (pip install -e '.[browser]'; never run "
                    "`playwright install`)")
    if not CHROMIUM.exists():
        return (f"Chromium not found at {CHROMIUM} "
                "(apt-get install -y chromium fonts-liberation)")
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def copy_course(dest: Path, root: Path = ROOT) -> Path:
    """A course directory for the server: nbgrader_config.py, release/, solutions/, exchange/."""
    dest.mkdir(parents=True)
    shutil.copy2(root / "nbgrader_config.py", dest / "nbgrader_config.py")
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
    for folder in ("release", "solutions"):
        shutil.copytree(root / folder, dest / folder, ignore=ignore)
    (dest / "exchange").mkdir()  # nbgrader_config.py: <course folder>/exchange
    return dest


def isolated_env(home: Path) -> dict[str, str]:
    """Environment with private Jupyter dirs under ``home`` and this venv's scripts on PATH."""
    env = dict(os.environ)
    for variable, name in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                           ("JUPYTER_DATA_DIR", "data"), ("IPYTHONDIR", "ipython"),
                           ("JUPYTERLAB_SETTINGS_DIR", "lab-settings"),
                           ("JUPYTERLAB_WORKSPACES_DIR", "lab-workspaces")):
        (home / name).mkdir(parents=True, exist_ok=True)
        env[variable] = str(home / name)
    env.pop("JUPYTER_PATH", None)
    env.pop("JUPYTER_CONFIG_PATH", None)
    # nbgrader (Validate) runs `alembic` from PATH.
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["PYTHONUNBUFFERED"] = "1"
    config = home / "config"
    (config / "jupyter_server_config.json").write_text(json.dumps(SERVER_CONFIG, indent=1))
    for relative, values in LAB_SETTINGS.items():
        path = home / "lab-settings" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    return env


@dataclass
class JupyterServer:
    """A ``jupyter lab`` or ``voila`` process started by the tests, and how to reach it."""

    name: str
    command: list[str]
    cwd: Path
    home: Path
    port: int = field(default_factory=free_port)
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    proc: subprocess.Popen | None = None
    config_path: Path | None = None  # JUPYTER_CONFIG_PATH (the student's configuration)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.home / f"{self.name}.log"

    def url(self, path: str = "", query: str = "") -> str:
        extra = f"&{query}" if query else ""
        return f"{self.base}/{path.lstrip('/')}?token={self.token}{extra}"

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def start(self, ready: str = "api/status", attempts: int = 3) -> JupyterServer:
        """Start the process and wait until the URL path ``ready`` answers 200.

        The random port is free when chosen but another process may take it first: then the
        server exits at once and is started again on a new port.
        """
        env = isolated_env(self.home)
        if self.config_path:
            env["JUPYTER_CONFIG_PATH"] = str(self.config_path)
        for attempt in range(1, attempts + 1):
            argv = [part.format(port=self.port, token=self.token) for part in self.command]
            with open(self.log_path, "wb") as log:
                self.proc = subprocess.Popen(argv, cwd=self.cwd, env=env, stdout=log,
                                             stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            deadline = time.monotonic() + SERVER_START_S
            while time.monotonic() < deadline and self.proc.poll() is None:
                if self._answers(ready):
                    return self
                time.sleep(0.25)
            if self.proc.poll() is None:
                self.stop()
                raise RuntimeError(f"{self.name} did not answer within {SERVER_START_S} s:\n"
                                   f"{self.log_tail()}")
            if "in use" not in self.log_tail() or attempt == attempts:
                break
            self.port = free_port()
        raise RuntimeError(f"{self.name} exited with {self.proc.returncode} while starting:\n"
                           f"{self.log_tail()}")

    def _answers(self, ready: str) -> bool:
        try:
            with urllib.request.urlopen(self.url(ready), timeout=5) as response:
                return response.status == 200
        except OSError:
            return False

    def api(self, method: str, path: str):
        request = urllib.request.Request(self.url(path), method=method, data=b"" if method in (
            "POST", "PUT", "PATCH") else None)
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def kernel_processes(self) -> list:
        """Kernel processes started by this server (its ipykernel descendants)."""
        import psutil

        if self.proc is None:
            return []
        try:
            children = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        kernels = []
        for child in children:
            try:
                if any("ipykernel" in part for part in child.cmdline()):
                    kernels.append(child)
            except psutil.Error:
                continue
        return kernels

    def shutdown_kernels(self) -> None:
        """End every session and kernel of a Jupyter server through its REST API."""
        for session in self.api("GET", "api/sessions"):
            self.api("DELETE", f"api/sessions/{session['id']}")
        for kernel in self.api("GET", "api/kernels"):
            self.api("DELETE", f"api/kernels/{kernel['id']}")

    def stop(self, rest_api: bool = True) -> list[str]:
        """Stop the server cleanly; return the kernel processes it left running (now killed)."""
        import psutil

        if self.proc is None or self.proc.poll() is not None:
            return []
        kernels = self.kernel_processes()
        if rest_api:
            try:
                self.shutdown_kernels()
                self.api("POST", "api/shutdown")
            except (OSError, urllib.error.URLError, json.JSONDecodeError):
                pass
        else:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        left = []
        for kernel in kernels:
            try:
                kernel.wait(timeout=5)
            except psutil.TimeoutExpired:
                left.append(f"pid {kernel.pid}: {' '.join(kernel.cmdline())[:200]}")
                kernel.kill()
            except psutil.NoSuchProcess:
                pass
        return left


def lab_server(tmp: Path) -> JupyterServer:
    course = copy_course(tmp / "course")
    return JupyterServer(
        name="jupyterlab",
        command=[sys.executable, "-m", "jupyterlab", "--allow-root", "--no-browser",
                 "--ip=127.0.0.1", "--port={port}", "--IdentityProvider.token={token}",
                 f"--ServerApp.root_dir={course}"],
        cwd=course,  # nbgrader's Validate reads nbgrader_config.py from the server's cwd
        home=tmp / "jupyter-home",
        config_path=STUDENT_CONFIG,  # what `make lab` runs with
    )


def voila_server(tmp: Path, notebook: Path) -> JupyterServer:
    """Voilà serving one notebook (copied from ``notebook``'s chapter folder) as an app."""
    chapter = tmp / "voila-app"
    shutil.copytree(notebook.parent, chapter,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    (tmp / "voila-connections").mkdir()
    return JupyterServer(
        name="voila",
        command=[sys.executable, "-m", "voila", notebook.name, "--no-browser",
                 "--Voila.ip=127.0.0.1", "--port={port}", "--Voila.token={token}",
                 "--Voila.port_retries=0",
                 f"--Voila.connection_dir_root={tmp / 'voila-connections'}"],
        cwd=chapter,
        home=tmp / "voila-home",
    )


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "x"


def parse_readout(text: str) -> tuple[float, float]:
    """A slider readout (``1.12``, ``5.62e-2``, ``−3``, ``12``) as (value, half a last digit)."""
    text = text.strip().replace("\u2212", "-")
    match = re.fullmatch(r"([-+]?\d*)(?:\.(\d*))?(?:e([-+]?\d+))?", text)
    if not match:
        raise ValueError(f"unexpected slider readout {text!r}")
    decimals = len(match.group(2) or "")
    exponent = int(match.group(3) or 0)
    return float(text), 0.5 * 10.0 ** (exponent - decimals)


def expected_step(slider: dict, direction: int) -> float:
    """The value one keyboard step from ``slider['value']`` (log sliders step the exponent)."""
    if slider["base"]:
        base = slider["base"]
        exponent = math.log(slider["value"], base) + direction * slider["step"]
        exponent = min(max(exponent, slider["min"]), slider["max"])
        return base ** exponent
    value = slider["value"] + direction * slider["step"]
    return min(max(value, slider["min"]), slider["max"])


# --- driving JupyterLab -------------------------------------------------------------------------

PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'

# Done when the kernel is idle, nothing is queued ([*]) and either the given cells (all code cells
# when none are given) have an execution count, or an error was shown (a run stops at an error).
_RUN_FINISHED_JS = """([panelSel, stderrSel, indices]) => {
  const panel = document.querySelector(panelSel);
  if (!panel) return false;
  const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator');
  if (!indicator || indicator.dataset.status !== 'idle') return false;
  const cells = [...panel.querySelectorAll('.jp-Notebook .jp-Cell')];
  const prompt = cell => {
    const node = cell.querySelector('.jp-InputArea-prompt');
    return node ? node.textContent.trim() : '';
  };
  const code = cells.filter(cell => cell.classList.contains('jp-CodeCell'));
  if (code.some(cell => prompt(cell).includes('*'))) return false;
  if (panel.querySelector(stderrSel) !== null) return true;
  const wanted = indices === null ? code : indices.map(i => cells[i]);
  return wanted.every(cell => cell && /^\\[\\d+\\]:$/.test(prompt(cell)));
}"""

_TIME_RUN_JS = """([panelSel, stderrSel]) => {
  const finished = """ + _RUN_FINISHED_JS + """;
  window.__runAll = {start: performance.now(), end: null};
  const timer = setInterval(() => {
    if (finished([panelSel, stderrSel, null])) {
      window.__runAll.end = performance.now();
      clearInterval(timer);
    }
  }, 200);
}"""

_CELLS_JS = """([panelSel, stderrSel]) => {
  const panel = document.querySelector(panelSel);
  return [...panel.querySelectorAll('.jp-Notebook .jp-Cell')].map((cell, index) => {
    const prompt = cell.querySelector('.jp-InputArea-prompt');
    const outputs = cell.querySelector('.jp-Cell-outputArea');
    return {
      index,
      code: cell.classList.contains('jp-CodeCell'),
      prompt: prompt ? prompt.textContent.trim() : '',
      stderr: [...cell.querySelectorAll(stderrSel)].map(e => e.innerText.slice(0, 2000)),
      images: [...cell.querySelectorAll('.jp-Cell-outputArea img')].map(
        img => ({complete: img.complete, width: img.naturalWidth})),
      interacts: [...cell.querySelectorAll('.widget-interact')].map(
        w => [...w.querySelectorAll('img')].filter(i => i.complete && i.naturalWidth > 0).length),
      text: outputs ? outputs.innerText.slice(0, 4000) : '',
    };
  });
}"""

# Runs code in the notebook's own kernel (JupyterLab exposes the app: expose_app_in_browser) and
# returns what it printed; the notebook's outputs are untouched.
_KERNEL_EXEC_JS = """async (code) => {
  const panel = window.jupyterapp.shell.currentWidget;
  const kernel = panel.sessionContext.session.kernel;
  const future = kernel.requestExecute({code, silent: false, store_history: false});
  let out = '';
  const seen = [];
  future.onIOPub = msg => {
    const kind = msg.header.msg_type;
    seen.push(kind === 'status' ? msg.content.execution_state : kind);
    if (kind === 'stream') out += msg.content.text;
    if (kind === 'error') out += `${msg.content.ename}: ${msg.content.evalue}`;
  };
  future.onReply = msg => seen.push('reply:' + msg.content.status);
  const late = new Promise((_, reject) => setTimeout(() => reject(new Error(
    `the kernel did not answer within 60 s (kernel ${kernel.status}, connection ` +
    `${kernel.connectionStatus}, messages seen: ${seen.join(' ') || 'none'})`)), 60000));
  await Promise.race([future.done, late]);  // a hung kernel fails the test instead of the run
  return out;
}"""

SLIDER_STATE_CODE = """
import json as _json, math as _math
import ipywidgets as _widgets
def _slider_state():
    kinds = (_widgets.FloatSlider, _widgets.FloatLogSlider, _widgets.IntSlider)
    found = []
    for widget in list(_widgets.widgets.widget._instances.values()):
        if isinstance(widget, kinds) and not widget.disabled:
            found.append(dict(id=widget.model_id, description=widget.description,
                              value=widget.value, min=widget.min, max=widget.max,
                              step=widget.step, base=getattr(widget, "base", None)))
    return found
print(_json.dumps(_slider_state()))
"""


class LabNotebook:
    """One notebook open in a JupyterLab page."""

    def __init__(self, page, server: JupyterServer, path: str):
        self.page = page
        self.server = server
        self.path = path
        self.panel = page.locator(PANEL)

    def open(self) -> LabNotebook:
        from playwright.sync_api import expect

        # `reset`: start from an empty workspace, whatever an earlier test left open.
        self.page.goto(self.server.url(f"lab/tree/{self.path}", query="reset"))
        expect(self.panel.locator(".jp-Notebook-ExecutionIndicator[data-status=idle]")
               ).to_have_count(1, timeout=NOTEBOOK_OPEN_S * 1000)
        expect(self.panel.locator(".jp-Notebook .jp-Cell").first).to_be_visible()
        # the kernel is up when the status bar names it and says Idle
        expect(self.page.locator(".jp-StatusBar-Widget", has_text="Idle").first
               ).to_be_visible(timeout=NOTEBOOK_OPEN_S * 1000)
        return self

    def menu(self, menu: str, item: str) -> None:
        self.page.get_by_role("menuitem", name=menu, exact=True).click()
        self.page.get_by_role("menuitem", name=item, exact=True).click()

    def wait_until_run_finished(self, indices: list[int] | None = None,
                                timeout_s: float = RUN_ALL_S) -> None:
        """Wait until the kernel is idle and ``indices`` (all code cells if None) have run."""
        self.page.wait_for_function(_RUN_FINISHED_JS, arg=[PANEL, STDERR, indices],
                                    timeout=timeout_s * 1000, polling=250)

    def prompts(self, indices: list[int]) -> list[str]:
        """The input prompts (``[3]:``, ``[*]:``, ``[ ]:``) of the cells at ``indices``."""
        return [self.cell(index).locator(".jp-InputArea-prompt").inner_text().strip()
                for index in indices]

    def wait_until_rerun(self, indices: list[int], before: list[str],
                         timeout_s: float = CELL_RUN_S) -> None:
        """Wait until each cell at ``indices`` shows a new execution count (not ``before``)."""
        self.page.wait_for_function(
            """([panelSel, indices, before]) => {
                 const cells = document.querySelectorAll(panelSel + ' .jp-Notebook .jp-Cell');
                 return indices.every((index, n) => {
                   const prompt = cells[index].querySelector('.jp-InputArea-prompt');
                   const text = prompt ? prompt.textContent.trim() : '';
                   return /^\\[\\d+\\]:$/.test(text) && text !== before[n];
                 });
               }""", arg=[PANEL, indices, before], timeout=timeout_s * 1000, polling=250)

    def start_run_all(self) -> None:
        """Clear every output, then Run > Run All Cells (without waiting for the run to end).

        A timer in the page notes when the run has finished, so the time it took is exact even
        when the test looks at it later.
        """
        self.menu("Edit", "Clear Outputs of All Cells")
        self.page.wait_for_function(
            "(sel) => document.querySelectorAll(sel + ' .jp-OutputArea-output').length === 0",
            arg=PANEL, timeout=30_000)
        self.page.evaluate(_TIME_RUN_JS, [PANEL, STDERR])
        self.menu("Run", "Run All Cells")

    def wait_run_all(self, timeout_s: float = RUN_ALL_S) -> float:
        """Wait for the run ``start_run_all`` began; return the seconds it took."""
        self.page.wait_for_function("() => window.__runAll && window.__runAll.end !== null",
                                    timeout=timeout_s * 1000, polling=250)
        return self.page.evaluate("() => (window.__runAll.end - window.__runAll.start) / 1000")

    def run_all(self) -> float:
        self.start_run_all()
        return self.wait_run_all()

    def cells(self) -> list[dict]:
        return self.page.evaluate(_CELLS_JS, [PANEL, STDERR])

    def cell(self, index: int):
        return self.panel.locator(".jp-Notebook .jp-Cell").nth(index)

    def kernel_print(self, code: str) -> str:
        return self.page.evaluate(_KERNEL_EXEC_JS, code)

    def slider_state(self) -> dict[str, dict]:
        printed = self.kernel_print(SLIDER_STATE_CODE)
        try:
            return {s["id"]: s for s in json.loads(printed)}
        except json.JSONDecodeError as error:
            raise AssertionError(f"the kernel printed {printed!r}, not slider state") from error

    def type_code(self, text: str) -> None:
        """Type ``text`` at the cursor of the focused editor, key by key, as a student would.

        JupyterLab's editor indents a new line by itself; each line's own indentation replaces
        that (Shift+Home selects the automatic indentation, typing overwrites it).
        """
        keyboard = self.page.keyboard
        for number, line in enumerate(text.split("\n")):
            if number:
                keyboard.press("Enter")
                keyboard.press("Shift+Home")
            if line:
                keyboard.type(line)
            else:  # replace a selected automatic indent by nothing, without joining lines
                keyboard.type(" ")
                keyboard.press("Backspace")

    def close(self) -> None:
        """End this notebook's kernel session (the page itself is closed by its owner)."""
        for session in self.server.api("GET", "api/sessions"):
            if session.get("path") == self.path:
                self.server.api("DELETE", f"api/sessions/{session['id']}")


class ChapterRunner:
    """Opens chapter notebooks and starts their Run All ahead of the test that needs them.

    Up to ``ahead`` chapters run at once, each in its own browser context, so the next chapters'
    page load, kernel start and run overlap with the checks on the current one. A failure while
    starting a chapter early is kept and raised when that chapter is asked for. ``folder`` is
    where the notebooks lie under the server's root: ``solutions`` (the executed answers) or a
    student's work folder holding copies of the blank release notebooks.
    """

    def __init__(self, browser, server: JupyterServer, order: list[str], ahead: int,
                 folder: str = "solutions"):
        self.browser, self.server, self.order, self.ahead = browser, server, order, ahead
        self.folder = folder
        self.running: dict[str, tuple] = {}  # chapter -> (context, LabNotebook or exception)
        self.finished: set[str] = set()
        self.seconds: dict[str, float] = {}  # how long each chapter's Run All took

    def _start(self, chapter: str) -> None:
        context = self.browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(90_000)
        try:
            notebook = LabNotebook(context.new_page(), self.server,
                                   f"{self.folder}/{chapter}/{chapter}.ipynb").open()
            notebook.start_run_all()
            self.running[chapter] = (context, notebook)
        except Exception as error:  # noqa: BLE001 - raised again in get()
            self.running[chapter] = (context, error)

    def get(self, chapter: str) -> tuple[LabNotebook, float]:
        """The chapter's notebook once its Run All has finished, and the seconds it took."""
        later = self.order[self.order.index(chapter) + 1:] if chapter in self.order else []
        for name in [chapter, *later][:self.ahead]:
            if name not in self.running and name not in self.finished:
                self._start(name)
        notebook = self.running[chapter][1]
        if isinstance(notebook, Exception):
            raise notebook
        self.seconds[chapter] = round(notebook.wait_run_all(), 1)
        return notebook, self.seconds[chapter]

    def release(self, chapter: str) -> None:
        """Shut the chapter's kernel down and close its browser context."""
        context, notebook = self.running.pop(chapter)
        self.finished.add(chapter)
        try:
            if isinstance(notebook, LabNotebook):
                notebook.close()
        finally:
            context.close()

    def close(self) -> None:
        for chapter in list(self.running):
            self.release(chapter)
