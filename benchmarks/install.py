"""Install cost: a fresh CPU install following README, timed, and its size on disk.

In a temporary folder: ``python -m venv``, ``pip install torch==2.13.0`` (the CPU pin README
names, first), then ``pip install -e '<repo>[dev]'``; each step timed, then ``du`` of the virtual
environment and a smoke test (importing torch, course, nbgrader and matplotlib). pip
uses its normal configuration and cache, which are recorded in the JSON: where wheels come from
a local mirror or a warm cache, the time is the install itself, not the download.

    python -m benchmarks.install [--keep]
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import ROOT, header, machine_info, table, write_results

TORCH_PIN = "torch==2.13.0"


def torch_pin(root: Path = ROOT) -> str:
    """The torch requirement README tells a CPU user to install first."""
    readme = (root / "README.md").read_text()
    found = re.search(r"pip install (torch==[0-9][0-9.]*)", readme)
    return found.group(1) if found else TORCH_PIN


def _du_bytes(path: Path) -> int:
    result = subprocess.run(["du", "-sb", str(path)], capture_output=True, text=True, check=True)
    return int(result.stdout.split()[0])


def _step(name: str, command: list[str], env: dict, cwd: Path) -> dict:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=3600)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"{name} failed ({result.returncode}):\n{result.stdout[-3000:]}\n"
                           f"{result.stderr[-3000:]}")
    print(f"  {name}: {elapsed:.1f} s", flush=True)
    return {"step": name, "command": " ".join(command[2:] if command[1:2] == ["-m"] else command),
            "seconds": round(elapsed, 2)}


def _pip_config(python: Path, env: dict) -> dict:
    config = subprocess.run([str(python), "-m", "pip", "config", "list"], env=env,
                            capture_output=True, text=True).stdout.strip().splitlines()
    cache = subprocess.run([str(python), "-m", "pip", "cache", "dir"], env=env,
                           capture_output=True, text=True).stdout.strip()
    return {"config": config, "cache_dir": cache,
            "cache_bytes": _du_bytes(Path(cache)) if cache and Path(cache).exists() else 0}


def run(quick: bool = False, keep: bool = False) -> dict:
    machine = machine_info()
    print(header("install: fresh CPU install following README", machine), flush=True)
    base_python = getattr(sys, "_base_executable", sys.executable)
    tmp = Path(tempfile.mkdtemp(prefix="bench-install-"))
    venv = tmp / "venv"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = str(venv / "bin") + os.pathsep + env.get("PATH", "")
    python = venv / "bin" / "python"
    pin = torch_pin()
    steps = []
    try:
        steps.append(_step("python -m venv", [base_python, "-m", "venv", str(venv)], env, tmp))
        pip_info = _pip_config(python, env)
        steps.append(_step(f"pip install {pin}",
                           [str(python), "-m", "pip", "install", "--quiet", pin], env, tmp))
        torch_bytes = _du_bytes(venv)
        steps.append(_step("pip install -e '.[dev]'",
                           [str(python), "-m", "pip", "install", "--quiet", "-e",
                            f"{ROOT}[dev]"], env, ROOT))
        total_bytes = _du_bytes(venv)
        steps.append(_step("smoke: import torch, course, nbgrader",
                           [str(python), "-c", "import torch, course, nbgrader, matplotlib"],
                           env, tmp))
        packages = subprocess.run([str(python), "-m", "pip", "list", "--format=freeze"],
                                  env=env, capture_output=True, text=True).stdout.splitlines()
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)
    install_s = sum(s["seconds"] for s in steps if s["step"].startswith(("python -m venv",
                                                                          "pip install")))
    payload = {"name": "install", "machine": machine, "quick": quick, "torch_pin": pin,
               "steps": steps, "install_s": round(install_s, 2),
               "venv_bytes": total_bytes, "torch_step_bytes": torch_bytes,
               "venv_gib": round(total_bytes / 1024**3, 2),
               "packages": len(packages),
               "torch_installed": next((p for p in packages if p.startswith("torch==")), None),
               "pip": pip_info, "kept": str(tmp) if keep else None, "targets": []}
    print_table(payload)
    path = write_results("install", payload)
    print(f"wrote {path.relative_to(ROOT)}")
    return payload


def print_table(payload: dict) -> None:
    rows = [[s["step"], s["seconds"]] for s in payload["steps"]]
    rows.append(["install total (venv + both pip steps)", payload["install_s"]])
    print()
    print(table(["step", "seconds"], rows))
    print(f"virtual environment: {payload['venv_bytes'] / 1024**3:.2f} GiB "
          f"({payload['torch_step_bytes'] / 1024**3:.2f} GiB after the torch step), "
          f"{payload['packages']} packages, {payload['torch_installed']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.install",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="no effect (kept for symmetry)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary venv")
    args = parser.parse_args(argv)
    run(quick=args.quick, keep=args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
