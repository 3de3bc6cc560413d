"""Memory and CPU of a student's server: the JupyterLab server at rest and each chapter's kernel.

Each solution notebook runs top to bottom in a fresh kernel (nbclient); before the kernel is shut
down its peak resident memory (``VmHWM`` in /proc, exact, not sampled) and the CPU seconds it used
are read. The JupyterLab server's resident memory is read once it answers. ``deploy/README.md``
and ``deploy/z2jh/values.yaml`` size a student server from these numbers
(``tests/deploy/test_z2jh.py`` checks they agree).

    python -m benchmarks.memory [--chapters ch01 ch04]
"""

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from benchmarks.common import ROOT, header, machine_info, table, write_results


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise KeyError(field)


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def kernel_peak(notebook: Path) -> dict:
    """Run ``notebook`` in a fresh kernel; its peak memory (MiB), CPU and wall seconds."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(notebook.parent)}})
    started = time.perf_counter()
    with client.setup_kernel():
        pid = client.km.provisioner.process.pid
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        peak_mib = _status_kib(pid, "VmHWM") / 1024
        cpu_s = _cpu_seconds(pid)
    return {"peak_mib": round(peak_mib, 1), "cpu_s": round(cpu_s, 2),
            "wall_s": round(time.perf_counter() - started, 2)}


def lab_server_rss() -> float:
    """Resident memory (MiB) of a JupyterLab server with nbgrader's extensions, once it answers."""
    port, token = free_port(), secrets.token_hex(16)
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "JUPYTER_RUNTIME_DIR": home, "JUPYTER_CONFIG_DIR": home}
        proc = subprocess.Popen([sys.executable, "-m", "jupyterlab", "--no-browser",
                                 "--allow-root", "--ip=127.0.0.1", f"--port={port}",
                                 f"--IdentityProvider.token={token}"], cwd=home, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline:
                try:
                    url = f"http://127.0.0.1:{port}/lab?token={token}"
                    with urllib.request.urlopen(url, timeout=10):
                        break
                except OSError:
                    time.sleep(0.5)
            return round(_status_kib(proc.pid, "VmRSS") / 1024, 1)
        finally:
            proc.terminate()
            proc.wait(timeout=60)


def run(quick: bool = False, chapters: list[str] | None = None) -> dict:
    from course.assign.build import chapters as all_chapters
    from course.assign.build import resolve

    machine = machine_info()
    print(header("memory: a student's server", machine))
    picked = resolve(chapters, ROOT) if chapters else all_chapters(ROOT)
    results = {}
    for chapter in picked:
        results[chapter] = kernel_peak(ROOT / "solutions" / chapter / f"{chapter}.ipynb")
        print(f"{chapter}: {results[chapter]}", flush=True)
    server = lab_server_rss()
    peak = max(r["peak_mib"] for r in results.values())
    rows = [[c, r["peak_mib"], r["cpu_s"], r["wall_s"]] for c, r in results.items()]
    print(table(["chapter", "kernel peak MiB", "kernel CPU s", "wall s"], rows))
    print(f"JupyterLab server at rest: {server} MiB; largest kernel peak: {peak} MiB")
    payload = {"name": "memory", "machine": machine, "quick": quick, "chapters": results,
               "lab_server_mib": server, "kernel_peak_mib": peak}
    write_results("memory", payload)
    return payload


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapters", nargs="*", default=None)
    args = parser.parse_args(argv)
    run(chapters=args.chapters)
    return 0


if __name__ == "__main__":
    sys.exit(main())
