"""JupyterHub for one class on one machine: local Unix users, nbgrader's exchange, the instructor's
Formgrader in the instructor's own server, and students who see only the student tools.

Run it as root (the hub starts each user's server as that Unix user, logging in with PAM):

    COURSE_INSTRUCTORS=alice COURSE_ROOT=/srv/dl-fundamentals/course \
        jupyterhub -f deploy/jupyterhub_config.py

Everything that differs between machines comes from these environment variables:

- COURSE_ROOT: the instructor's course folder, a clone of this repository owned by an instructor
  (default /srv/dl-fundamentals/course).
- COURSE_EXCHANGE: nbgrader's exchange, created world-writable and sticky at start
  (default /srv/dl-fundamentals/exchange).
- COURSE_INSTRUCTORS: the Unix users who get the Formgrader, comma-separated (required).
- COURSE_GROUP: the Unix group of the students who may log in (default dl-fundamentals).
- COURSE_HUB_STATE: the hub's database, cookie secret and proxy pid file
  (default /srv/dl-fundamentals/hub).
- COURSE_HUB_URL: where the hub listens (default http://0.0.0.0:8000; put TLS in front).
- COURSE_HUB_API_PORT, COURSE_PROXY_API_PORT: internal ports on 127.0.0.1 (default 8081, 8001).
- COURSE_PYTHON: the course environment's Python, which every user must be able to run
  (default: the Python running the hub).

Instructors' servers open on COURSE_ROOT with its ``nbgrader_config.py`` on their config path:
Formgrader, Create Assignment, ``python -m course grade`` in a terminal there. Students' servers
open on their home folder with ``deploy/student`` as their Jupyter configuration: Assignment
List (fetch, submit, feedback) and Validate, no Formgrader, Create Assignment or Course List.
What keeps answers away from students is the file system, not the menus: COURSE_ROOT (sources,
gradebook, submissions) must not be readable by them (``chmod 700`` on it or its parent).
Sizes and the Kubernetes version of this setup: ``deploy/README.md``.
"""

import grp
import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - injected by JupyterHub when it loads this file

HERE = Path(__file__).resolve().parent
COURSE_ROOT = Path(os.environ.get("COURSE_ROOT", "/srv/dl-fundamentals/course"))
EXCHANGE = Path(os.environ.get("COURSE_EXCHANGE", "/srv/dl-fundamentals/exchange"))
STATE = Path(os.environ.get("COURSE_HUB_STATE", "/srv/dl-fundamentals/hub"))
GROUP = os.environ.get("COURSE_GROUP", "dl-fundamentals")
INSTRUCTORS = {name.strip() for name in os.environ.get("COURSE_INSTRUCTORS", "").split(",")
               if name.strip()}
PYTHON = os.environ.get("COURSE_PYTHON", sys.executable)
STUDENT_CONFIG = HERE / "student"


def _fail(message: str):
    raise SystemExit(f"deploy/jupyterhub_config.py: {message}")


if not INSTRUCTORS:
    _fail("set COURSE_INSTRUCTORS to the instructors' Unix user names (comma-separated)")
if not (COURSE_ROOT / "nbgrader_config.py").is_file():
    _fail(f"COURSE_ROOT={COURSE_ROOT} has no nbgrader_config.py: clone the course there "
          "(or set COURSE_ROOT to the course folder)")
try:
    grp.getgrnam(GROUP)
except KeyError:
    _fail(f"Unix group {GROUP!r} does not exist: groupadd {GROUP} and add the students to it "
          "(or set COURSE_GROUP)")

# nbgrader's exchange: one folder every user writes to; sticky, so nobody removes another's files
# (nbgrader checks the rwx bits only: 1777 passes its "777" test).
EXCHANGE.mkdir(parents=True, exist_ok=True)
EXCHANGE.chmod(0o1777)
STATE.mkdir(parents=True, exist_ok=True, mode=0o700)

# The hub: PAM logins for the instructors and the students' group; its own state in STATE.
c.JupyterHub.bind_url = os.environ.get("COURSE_HUB_URL", "http://0.0.0.0:8000")
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("COURSE_HUB_API_PORT", "8081"))
PROXY_API_PORT = os.environ.get("COURSE_PROXY_API_PORT", "8001")
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{PROXY_API_PORT}"
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = set(INSTRUCTORS)
c.PAMAuthenticator.allowed_groups = {GROUP}
c.Authenticator.admin_users = set()  # instructors need no power over other users' servers

# Every user's server: the course environment's Python, JupyterLab, nbgrader's exchange.
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [PYTHON, "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 180  # JupyterLab and nbgrader import slowly on a busy small machine
c.Spawner.http_timeout = 180
c.Spawner.environment = {
    "COURSE_EXCHANGE": str(EXCHANGE),
    # nbgrader runs `alembic` from PATH; `python -m course grade` runs from a terminal
    "PATH": os.pathsep.join([str(Path(PYTHON).parent), "/usr/local/bin", "/usr/bin", "/bin"]),
}
# A student's server ends after an hour without activity; its work is saved in the home folder.
c.Spawner.args = ["--ServerApp.shutdown_no_activity_timeout=3600",
                  "--MappingKernelManager.cull_idle_timeout=3600"]


def per_role(spawner) -> None:
    """Instructors: the course folder and its nbgrader config; students: the student config."""
    if spawner.user.name in INSTRUCTORS:
        spawner.notebook_dir = str(COURSE_ROOT)  # the Formgrader needs the course inside it
        config_path = COURSE_ROOT
    else:
        config_path = STUDENT_CONFIG  # the server opens on the home folder (the default)
    spawner.environment = {**spawner.environment, "JUPYTER_CONFIG_PATH": str(config_path)}


c.Spawner.pre_spawn_hook = per_role
