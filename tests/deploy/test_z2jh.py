"""deploy/z2jh: the Kubernetes files parse, name what the one-machine config names, and their sizes
are the ones the benchmarks measured (deploy/README.md "Sizes"). Nothing here is deployed."""

import ast
import math
import re

import pytest
import yaml

from benchmarks.common import read_results
from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
EXCHANGE = "/srv/dl-fundamentals/exchange"
STUDENT_CONFIG = "/srv/dl-fundamentals/student"
COURSE_ROOT = "/srv/dl-fundamentals/course"


@pytest.fixture(scope="module")
def values():
    return yaml.safe_load((DEPLOY / "z2jh" / "values.yaml").read_text())


@pytest.fixture(scope="module")
def job():
    return yaml.safe_load((DEPLOY / "z2jh" / "grading-job.yaml").read_text())


def one_machine_source() -> str:
    return (DEPLOY / "jupyterhub_config.py").read_text()


def test_values_mount_the_exchange_where_every_server_is_told_it_is(values):
    single = values["singleuser"]
    mounts = {m["name"]: m["mountPath"] for m in single["storage"]["extraVolumeMounts"]}
    claims = {v["name"]: v["persistentVolumeClaim"]["claimName"]
              for v in single["storage"]["extraVolumes"]}
    assert mounts == {"nbgrader-exchange": EXCHANGE} and "nbgrader-exchange" in claims
    assert single["extraEnv"]["COURSE_EXCHANGE"] == EXCHANGE
    # the one-machine config sets the same variable for every server
    assert '"COURSE_EXCHANGE": str(EXCHANGE)' in one_machine_source()
    assert single["cmd"] == ["python", "-m", "jupyterhub.singleuser"]
    assert 'c.Spawner.cmd = [PYTHON, "-m", "jupyterhub.singleuser"]' in one_machine_source()
    assert single["defaultUrl"] == "/lab"


def test_the_per_role_hook_is_the_one_machine_hook_with_kubernetes_volumes(values):
    code = values["hub"]["extraConfig"]["course-roles"]
    tree = ast.parse(code)  # valid Python, as the chart runs it
    hooks = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    assert [h.name for h in hooks] == ["per_role"]
    local = ast.parse(one_machine_source())
    assert "per_role" in {n.name for n in local.body if isinstance(n, ast.FunctionDef)}
    for text in ("spawner.notebook_dir = COURSE_ROOT", '"JUPYTER_CONFIG_PATH": config_path',
                 "config_path = STUDENT_CONFIG", "spawner.user.name in INSTRUCTORS"):
        assert text in code, text
    assert f'COURSE_ROOT = "{COURSE_ROOT}"' in code
    assert f'STUDENT_CONFIG = "{STUDENT_CONFIG}"' in code
    assert "c.KubeSpawner.pre_spawn_hook = per_role" in code
    assert "c.Spawner.pre_spawn_hook = per_role" in one_machine_source()
    assert values["hub"]["config"]["Authenticator"]["allowed_groups"] == ["dl-fundamentals"]
    assert 'os.environ.get("COURSE_GROUP", "dl-fundamentals")' in one_machine_source()


def test_the_image_puts_the_student_config_where_the_hook_looks(values):
    dockerfile = (DEPLOY / "z2jh" / "Dockerfile").read_text()
    assert f"deploy/student {STUDENT_CONFIG}" in dockerfile
    assert "torch==2.13.0" in dockerfile and "jupyterhub" in dockerfile
    image = values["singleuser"]["image"]
    assert f"-t {image['name']}:{image['tag']}" in dockerfile


def test_the_grading_job_grades_the_course_volume_into_postgresql(job, values):
    spec = job["spec"]["template"]["spec"]
    container, = spec["containers"]
    assert container["command"][:4] == ["python", "-m", "course", "grade"]
    workers = int(container["command"][container["command"].index("--workers") + 1])
    assert workers == int(container["resources"]["requests"]["cpu"])
    env = {e["name"]: e for e in container["env"]}
    assert env["COURSE_EXCHANGE"]["value"] == EXCHANGE
    assert "COURSE_GRADEBOOK_URL" in (ROOT / "nbgrader_config.py").read_text()
    assert "postgresql://" in (DEPLOY / "z2jh" / "grading-job.yaml").read_text()
    mount, = container["volumeMounts"]
    assert mount["mountPath"] == container["workingDir"] == COURSE_ROOT
    claim = spec["volumes"][0]["persistentVolumeClaim"]["claimName"]
    assert claim in values["hub"]["extraConfig"]["course-roles"]  # the instructors' course
    image = values["singleuser"]["image"]
    assert container["image"] == f"{image['name']}:{image['tag']}"


def mib(quantity: str) -> float:
    """A Kubernetes/KubeSpawner memory size in MiB (K, M, G, Ki, Mi, Gi: powers of 1024)."""
    number, unit = re.fullmatch(r"([\d.]+)([KMG]i?)", quantity).groups()
    return float(number) * {"K": 1 / 1024, "M": 1, "G": 1024}[unit[0]]


def sizes() -> dict:
    """The sizes deploy/README.md derives from the measurements (see its "Sizes" section)."""
    memory, grading = read_results("memory"), read_results("grading")
    notebooks = read_results("notebooks")
    assert memory and grading and notebooks, "run python -m benchmarks"
    server, kernel = memory["lab_server_mib"], memory["kernel_peak_mib"]
    run_all_s = max(r["median_s"] for r in notebooks["chapters"].values())
    two = grading["graders"]["course grade --workers 2"]
    per_core_hour = 3600 / (two["per_submission_s"] * 2)
    return {
        "server": server, "kernel": kernel,
        "guarantee": 256 * math.ceil((server + kernel) / 256),
        "limit": 256 * math.ceil((server + 2 * kernel) / 256),
        "cpu_guarantee": math.ceil(10 * run_all_s / 30) / 10, "run_all_s": run_all_s,
        "per_core_hour": per_core_hour,
        "job_memory": 256 * math.ceil((300 + 4 * kernel) / 256),
    }


def test_student_server_sizes_come_from_the_measured_peak(values):
    expected = sizes()
    single = values["singleuser"]
    assert mib(single["memory"]["guarantee"]) == expected["guarantee"]
    assert mib(single["memory"]["limit"]) == expected["limit"]
    assert single["cpu"]["guarantee"] == expected["cpu_guarantee"]


def test_the_grading_job_fits_its_workers(job):
    container = job["spec"]["template"]["spec"]["containers"][0]
    assert mib(container["resources"]["requests"]["memory"]) == sizes()["job_memory"]


def test_readme_quotes_the_measured_numbers():
    text = (DEPLOY / "README.md").read_text()
    expected = sizes()
    for quoted in (f"{expected['server']:.0f} MiB", f"{expected['kernel']:.0f} MiB",
                   f"{expected['guarantee']} MiB", f"{expected['limit']} MiB",
                   f"{expected['run_all_s']:.1f} s", f"{expected['cpu_guarantee']:.1f} core",
                   f"{expected['per_core_hour']:.0f} submissions per core-hour"):
        assert quoted in text, quoted
