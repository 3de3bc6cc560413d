"""The markdown table for README, from the JSON files in ``benchmarks/results/``.

    python -m benchmarks.report        # prints it and writes benchmarks/results/summary.md
"""

import sys

from benchmarks.common import RESULTS, read_results, table

NAMES = ("notebooks", "sliders", "grading", "grading_cluster", "install", "memory", "feedback")


def _machine_line(results: dict[str, dict]) -> str:
    first = next(iter(results.values()))["machine"]
    loads = "; ".join(f"{name} {r['machine']['load_average_at_start'][0]:.2f}"
                      for name, r in results.items())
    dates = sorted(r["machine"]["started"][:10] for r in results.values())
    quick = [name for name, r in results.items() if r.get("quick")]
    line = (f"Measured {dates[0] if dates[0] == dates[-1] else f'{dates[0]} to {dates[-1]}'} on "
            f"{first['cpu']}, {first['usable_cores']} cores, {first['memory_gib']} GiB, "
            f"Python {first['python']}, torch {first['versions']['torch']}, "
            f"{'GPU present' if first.get('gpu') else 'no GPU'} "
            f"(1-minute load average at start: {loads}); {_commits(results)}.")
    if quick:
        line += f" **Quick (development) runs: {', '.join(quick)}.**"
    return line


def _commits(results: dict[str, dict]) -> str:
    """'commit X' when every benchmark ran on one commit, else the commit of each."""
    def commit(r: dict) -> str:
        return r["machine"]["git_commit"] + (" + local changes" if r["machine"].get("git_dirty")
                                             else "")
    seen = {commit(r) for r in results.values()}
    if len(seen) == 1:
        return f"commit {seen.pop()}"
    return "commits " + ", ".join(f"{name} {commit(r)}" for name, r in results.items())


def _yes(met) -> str:
    return "n/a" if met is None else ("yes" if met else "**no**")


def markdown(results: dict[str, dict]) -> str:
    rows = []
    if "notebooks" in results:
        n = results["notebooks"]
        for chapter, r in n["chapters"].items():
            result = "failed" if r["median_s"] is None else f"{r['median_s']:.1f} s"
            rows.append([f"run `{chapter}` (median of {n['runs']}, kernel start included)",
                         result, "< 15 s", _yes(r["met"])])
            if r.get("test_cells_s") is not None:
                rows.append([f"`{chapter}`'s test cells (the checks) in that run",
                             f"{r['test_cells_s']:.1f} s", "<= 3 s",
                             _yes(r["test_cells_s"] <= 3)])
        for mode, r in n["pytest"].items():
            rows.append([f"`pytest --nbval solutions/`, {mode}",
                         f"{r['median_s']:.1f} s" + ("" if r["all_passed"] else " (failures)"),
                         "< 90 s", _yes(r["median_s"] < 90)])
    if "sliders" in results:
        for r in results["sliders"]["sliders"]:
            name = r["qualified_function"].replace("course.", "")
            rows.append([f"slider `{name}` ({r['chapter']}, {r['redraw']['n']} changes): "
                         "median / p95", f"{r['redraw']['median_ms']:.0f} / "
                         f"{r['redraw']['p95_ms']:.0f} ms", "< 100 / < 200 ms",
                         _yes(r["met_median"] and r["met_p95"])])
    if "grading" in results:
        g = results["grading"]
        plain = g["plain_execution_s"]
        for name, r in g["graders"].items():
            rows.append([f"grade {g['submissions']} × `{g['chapter']}`: `{name}`",
                         f"{r['wall_s']:.0f} s ({r['per_submission_s']:.2f} s each)", "", ""])
        for t in g["targets"]:
            rows.append([t["what"], f"{t['value']:.2f}×", t["target"].replace("x", "×"),
                         _yes(t["met"])])
        rows.append([f"plain run of one `{g['chapter']}` submission", f"{plain:.1f} s", "", ""])
        for label, seconds in g.get("layers", {}).items():
            rows.append([f"grading layer: {label} (one worker)",
                         f"{seconds:+.2f} s per submission", "", ""])
        for name, r in g.get("per_chapter", {}).items():
            parts = [f"{n.split(' (')[0].replace('nbgrader autograde', 'nbgrader')} "
                     f"{x['per_submission_s']:.1f} s" for n, x in r["graders"].items()]
            rows.append([f"grade `{name}` ({r['submissions']} submissions): time per submission",
                         ", ".join(parts) + f" (plain run {r['plain_execution_s']:.1f} s)", "",
                         ""])
    if "grading_cluster" in results:
        c = results["grading_cluster"]
        for size in c["sizes"]:
            for name, r in size["graders"].items():
                start = (f"; cluster started in {r['cluster_start_s']:.0f} s before"
                         if "cluster_start_s" in r else "")
                load = (f"; load {r['load_average_before'][0]:.1f} → "
                        f"{r['load_average_after'][0]:.1f}" if "load_average_before" in r else "")
                rows.append([f"grade {size['submissions']} × `{c['chapter']}`, {name}",
                             f"{r['wall_s']:.0f} s ({r['per_submission_s']:.2f} s each{start}"
                             f"{load})", "", ""])
        fits = c["fit"].values()
        if any(f["fixed_s"] < 0 for f in fits):  # the load changed between the two sizes
            fits = {}
        for name, f in (c["fit"].items() if fits else []):
            rows.append([f"{name}: one more submission / fixed cost of a run",
                         f"{f['marginal_s']:.2f} s ({f['core_s_per_notebook']:.2f} core-s) / "
                         f"{f['fixed_s']:.0f} s", "", ""])
    if "install" in results:
        i = results["install"]
        rows.append([f"fresh install (venv, `pip install {i['torch_pin']}`, `pip install -e "
                     "'.[dev]'`)", f"{i['install_s']:.0f} s", "", ""])
        rows.append(["disk used by the virtual environment", f"{i['venv_gib']:.2f} GiB", "", ""])
    if "memory" in results:
        m = results["memory"]
        largest = max(m["chapters"], key=lambda c: m["chapters"][c]["peak_mib"])
        rows.append(["memory of a student's server: JupyterLab at rest; largest chapter kernel "
                     f"(`{largest}`, peak over Run All)",
                     f"{m['lab_server_mib']:.0f} MiB; {m['kernel_peak_mib']:.0f} MiB", "", ""])
    if "feedback" in results:
        f = results["feedback"]
        for t in f["targets"]:
            value = f"{t['value']:.1%}" if isinstance(t["value"], float) else str(t["value"])
            rows.append([f"{t['what']} ({f['overall']['answers']} in tests/wrong_answers_v2)",
                         value, t["target"], _yes(t["met"])])
    body = table(["measurement", "result", "target", "met"], rows, markdown=True)
    notes = []
    if "notebooks" in results:
        stalls = sum(len(r.get("stalls", [])) for r in results["notebooks"]["chapters"].values())
        if stalls:
            notes.append(f"{stalls} notebook run(s) had a cell whose reply reached the client "
                         "late (jupyter/nbclient#312, see `benchmarks/notebooks.py`).")
    if "install" in results and any("find-links" in line or "index-url" in line
                                    for line in results["install"]["pip"]["config"]):
        notes.append("The install took its wheels from a local mirror: no download time.")
    extra = (" " + " ".join(notes)) if notes else ""
    return (f"{body}\n\n{_machine_line(results)}{extra} Reproduce with `python -m benchmarks`; "
            "raw figures in `benchmarks/results/*.json`.\n")


def main(argv: list[str] | None = None) -> int:
    results = {name: r for name in NAMES if (r := read_results(name))}
    if not results:
        print("no results yet: run python -m benchmarks", file=sys.stderr)
        return 1
    text = markdown(results)
    (RESULTS / "summary.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
