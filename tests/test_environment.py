"""environment.yml (conda) and pyproject.toml (pip, with the dev and cluster extras) must ask for
the same packages."""

import re

import tomllib

from tests.conftest import ROOT

CONDA_NAMES = {"torch": "pytorch-cpu"}  # pip name -> conda-forge name in the CPU environment


def split(requirement: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(?:\[[^\]]*\])?\s*(.*)$", requirement)  # no extras
    return match.group(1).lower(), match.group(2).replace(" ", "")


def conda_dependencies() -> dict[str, str]:
    deps = {}
    for line in (ROOT / "environment.yml").read_text().splitlines():
        item = re.match(r"^\s*-\s+([^#\s][^#]*?)\s*(#.*)?$", line)
        if item and not line.lstrip().startswith("- conda-forge"):
            name, spec = split(item.group(1))
            deps[name] = spec
    return deps


def pip_dependencies() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    requirements = project["dependencies"] + extras["dev"] + extras["cluster"]
    return dict(split(r) for r in requirements)


def test_every_pip_requirement_is_in_the_conda_environment_with_the_same_bound():
    conda = conda_dependencies()
    for name, spec in pip_dependencies().items():
        conda_name = CONDA_NAMES.get(name, name)
        assert conda_name in conda, f"{name} is in pyproject.toml but not environment.yml"
        assert conda[conda_name] == spec, \
            f"{name}: pyproject says {spec!r}, environment.yml {conda[conda_name]!r}"


def test_conda_environment_asks_for_nothing_extra_and_uses_conda_forge_cpu_pytorch():
    conda = conda_dependencies()
    expected = {CONDA_NAMES.get(n, n) for n in pip_dependencies()} | {"python", "pip"}
    assert set(conda) == expected
    text = (ROOT / "environment.yml").read_text()
    assert "conda-forge" in text and "- pytorch\n" not in text
    assert "pytorch-gpu" in text, "the documented one-line CUDA change must be in the file"
