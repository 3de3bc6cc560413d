"""A real JupyterHub for the tests: Unix users, a course environment they can run, the hub.

Nothing here imports JupyterHub or Playwright at module level. ``skip_reason`` says why the hub
test cannot run on this machine (not root, no configurable-http-proxy, ...).

Other Unix users must be able to run the course's Python. A virtual environment made from a
Python in root's home (pyenv) is not runnable by them, so ``shared_environment`` builds one they
can run from the same interpreter (same version to the last digit: packages such as soupsieve
require Python >= 3.11.5, Debian 12 has 3.11.2): the interpreter's installation hard-linked into
a world-readable folder when it is not world-usable itself (``LD_LIBRARY_PATH`` then names the
copy's libpython), a venv made from it whose site-packages are this environment's (read in place
when others can read them, else hard-linked too), the course package copied next to it, and
console scripts (``nbgrader``, ``alembic``, ``jupyter``...) written for it. An administrator does
the same by installing the course environment under /opt or /srv (``deploy/README.md``).
"""

from __future__ import annotations

import concurrent.futures
import http.cookiejar
import importlib.metadata
import importlib.util
import json
import os
import re
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ("useradd", "userdel", "groupadd", "groupdel", "chpasswd")
SCRIPT_PACKAGES = ("nbgrader", "alembic", "jupyter_core", "jupyter_server", "jupyterlab",
                   "jupyterhub")
HUB_START_S = 180
SERVER_START_S = 240


def skip_reason() -> str | None:
    """Why a real hub with real Unix users cannot run here, or None when it can."""
    if sys.platform != "linux" or os.geteuid() != 0:
        return "it creates and removes real Unix users: run it as root"
    missing = [tool for tool in TOOLS if not shutil.which(tool)]
    if missing:
        return f"{', '.join(missing)} not found (Debian: apt-get install passwd)"
    if not shutil.which("configurable-http-proxy"):
        return "configurable-http-proxy not found (npm install -g configurable-http-proxy)"
    for module in ("jupyterhub", "pamela"):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed (pip install -e '.[dev]')"
    return None


def world_usable(path: Path) -> bool:
    """Can any user reach ``path`` (every folder above it searchable) and read/run it?"""
    path = Path(path).resolve()
    for folder in reversed(path.parents):
        if not os.stat(folder).st_mode & stat.S_IXOTH:
            return False
    mode = os.stat(path).st_mode
    return bool(mode & stat.S_IROTH and (mode & stat.S_IXOTH or not stat.S_ISDIR(mode)))


def shared_environment(folder: Path) -> tuple[Path, dict[str, str]]:
    """Build the course environment every user can run under ``folder``.

    Returns:
        Its Python, and the environment variables it needs (``LD_LIBRARY_PATH`` or nothing).
    """
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o755)
    base, needs = Path(sys._base_executable).resolve(), {}
    if not world_usable(base):
        prefix = _linked_copy(Path(sys.base_prefix), folder / "python")
        base = prefix / base.relative_to(Path(sys.base_prefix).resolve())
        if list((prefix / "lib").glob("libpython*.so*")):
            needs["LD_LIBRARY_PATH"] = str(prefix / "lib")  # before the binary's RUNPATH
    run_env = {**os.environ, **needs}
    purelib = Path(sysconfig.get_paths()["purelib"])
    if not world_usable(purelib):
        purelib = _linked_copy(purelib, folder / "site-packages")
    source = folder / "src"
    shutil.copytree(ROOT / "course", source / "course",
                    ignore=shutil.ignore_patterns("__pycache__"))
    env = folder / "env"
    subprocess.run([str(base), "-m", "venv", "--without-pip", str(env)], check=True,
                   env=run_env)
    env_purelib = subprocess.run([str(env / "bin" / "python"), "-c",
                                  "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                 capture_output=True, text=True, check=True,
                                 env=run_env).stdout.strip()
    Path(env_purelib, "course-environment.pth").write_text(f"{source}\n{purelib}\n")
    # Jupyter's files under the prefix: the server extensions' enable switches (etc/jupyter),
    # JupyterLab's application and lab extensions (share/jupyter).
    for part in ("etc/jupyter", "share/jupyter"):
        if (Path(sys.prefix) / part).is_dir():
            _linked_copy(Path(sys.prefix) / part, env / part)
    python = env / "bin" / "python"
    for script in importlib.metadata.entry_points(group="console_scripts"):
        top = script.value.split(":")[0].split(".")[0]
        if top in SCRIPT_PACKAGES:
            module, _, function = script.value.partition(":")
            path = env / "bin" / script.name
            path.write_text(f"#!{python}\nimport sys\nfrom {module} import {function}\n"
                            f"sys.exit({function}())\n")
            path.chmod(0o755)
    return python, needs


def _linked_copy(source: Path, target: Path) -> Path:
    """``source`` copied to ``target`` as hard links (instant, no extra disk), else plainly."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if subprocess.run(["cp", "-al", str(source), str(target)], capture_output=True).returncode:
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target, symlinks=True)
    return target


@dataclass
class UnixUser:
    name: str
    password: str = field(default_factory=lambda: secrets.token_urlsafe(12))

    @property
    def home(self) -> Path:
        return Path("/home") / self.name

    def create(self, groups: tuple[str, ...] = ()) -> UnixUser:
        argv = ["useradd", "--create-home", "--shell", "/bin/bash", self.name]
        if groups:
            argv[1:1] = ["--groups", ",".join(groups)]
        subprocess.run(argv, check=True, capture_output=True)
        subprocess.run(["chpasswd"], input=f"{self.name}:{self.password}\n", text=True,
                       check=True, capture_output=True)
        return self

    def remove(self) -> None:
        subprocess.run(["userdel", "--remove", self.name], capture_output=True)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Hub:
    """A ``jupyterhub`` process running the shipped config, and its REST API."""

    workdir: Path
    env: dict[str, str]
    config: Path
    port: int = field(default_factory=free_port)
    token: str = field(default_factory=lambda: secrets.token_hex(24))
    proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.workdir / "jupyterhub.log"

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def start(self) -> Hub:
        env = {**self.env, "COURSE_HUB_URL": f"http://127.0.0.1:{self.port}",
               "COURSE_HUB_API_PORT": str(free_port()), "COURSE_PROXY_API_PORT": str(free_port()),
               "COURSE_TEST_TOKEN": self.token}
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f",
                                          str(self.config)], cwd=self.workdir, env=env,
                                         stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + HUB_START_S
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                self.api("GET", "")
                return self
            except (OSError, urllib.error.URLError):
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"the hub did not start within {HUB_START_S} s:\n{self.log_tail()}")

    def request(self, method: str, url: str, token: str | None = None, body=None,
                timeout: float = 120):
        data = json.dumps(body).encode() if body is not None else (
            b"" if method in ("POST", "PUT", "PATCH") else None)
        request = urllib.request.Request(url, method=method, data=data)
        request.add_header("Authorization", f"token {token or self.token}")
        if body is not None:
            request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = response.read()
        return json.loads(payload) if payload else None

    def api(self, method: str, path: str, body=None):
        return self.request(method, f"{self.base}/hub/api/{path}", body=body)

    def server_api(self, user: str, token: str, method: str, path: str, body=None,
                   timeout: float = 300):
        return self.request(method, f"{self.base}/user/{user}/{path}", token, body, timeout)

    def login(self, user: UnixUser) -> str:
        """Log in through the hub's login form (PAM); return the hub's login cookie value."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
        with opener.open(f"{self.base}/hub/login", timeout=60) as page:
            html = page.read().decode()
        xsrf = re.search(r'name="_xsrf"\s+value="([^"]+)"', html)
        form = {"username": user.name, "password": user.password}
        if xsrf:
            form["_xsrf"] = xsrf.group(1)
        try:
            opener.open(f"{self.base}/hub/login", data=urllib.parse.urlencode(form).encode(),
                        timeout=120)
        except urllib.error.HTTPError as redirect:
            if redirect.code != 302:
                raise
        cookies = {cookie.name: cookie.value for cookie in jar}
        if "jupyterhub-hub-login" not in cookies:
            raise AssertionError(f"login as {user.name} failed: cookies {sorted(cookies)}")
        return cookies["jupyterhub-hub-login"]

    def start_server(self, name: str) -> None:
        try:
            self.api("POST", f"users/{name}/server")
        except urllib.error.HTTPError as error:
            if error.code != 400:  # 400: already running
                raise
        self.wait_ready(name)

    def wait_ready(self, name: str) -> None:
        deadline = time.monotonic() + SERVER_START_S
        while time.monotonic() < deadline:
            server = self.api("GET", f"users/{name}").get("servers", {}).get("")
            if server and server.get("ready"):
                return
            time.sleep(1)
        raise RuntimeError(f"{name}'s server did not start within {SERVER_START_S} s:\n"
                           f"{self.log_tail()}")

    def user_token(self, name: str) -> str:
        return self.api("POST", f"users/{name}/tokens",
                        {"note": "course hub test", "expires_in": 3600})["token"]

    def stop(self) -> None:
        """Stop the hub; it stops the users' servers and the proxy first."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def run_in_kernel(hub: Hub, user: str, token: str, code: str, timeout: float = 900) -> str:
    """Run ``code`` in a new kernel of ``user``'s server; return what it printed."""
    import asyncio

    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    kernel = hub.server_api(user, token, "POST", "api/kernels", {"name": "python3"})
    url = (f"ws://127.0.0.1:{hub.port}/user/{user}/api/kernels/{kernel['id']}/channels")

    async def execute() -> str:
        socket = await websocket_connect(HTTPRequest(
            url, headers={"Authorization": f"token {token}"}, request_timeout=120))
        msg_id = secrets.token_hex(8)
        socket.write_message(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": user,
                       "session": secrets.token_hex(8), "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell",
            "content": {"code": code, "silent": False, "store_history": False,
                        "user_expressions": {}, "allow_stdin": False}}))
        printed, done = [], False
        while not done:
            message = json.loads(await asyncio.wait_for(socket.read_message(), timeout))
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = message["header"]["msg_type"]
            if kind == "stream":
                printed.append(message["content"]["text"])
            elif kind == "error":
                printed.append("\n".join(message["content"]["traceback"]))
            elif kind == "execute_reply":
                done = True
        socket.close()
        return "".join(printed)

    try:  # in a thread of its own: Playwright's sync API keeps an event loop in this one
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, execute()).result()
    finally:
        hub.server_api(user, token, "DELETE", f"api/kernels/{kernel['id']}")
