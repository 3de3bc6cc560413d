"""Slider latency: from a value change to a finished redraw, for every slider in the course.

Discovery reads the notebooks, so the list never goes stale: every ``interact(...)``,
``interactive(...)`` or ``interact_manual(...)`` call in a code cell of
``source/<chapter>/<chapter>.ipynb`` is found with ``ast``. A cell that mentions one of them but
whose call cannot be understood (decorator form, ``**kwargs``, a function defined in the notebook)
stops the benchmark with the file and cell named, rather than being skipped.

Each slider cell is measured in a fresh process. The notebook's import statements are run, then
the statements before the call in the slider's own cell (widget set-up), the call's arguments are
evaluated, and ipywidgets' own ``interactive`` turns them into the controls
the student sees (abbreviations such as ``(0, 1)`` or ``["a", "b"]`` included). The first call at
the default values is what running the cell costs ("first render", caches filled). Then, as a
student would: every numeric control is swept over ``--values`` points across its range (on its
step grid) for every combination of the dropdown/checkbox options, and every option of every
dropdown is selected in turn. One event = the plot function called with the new value plus
``fig.canvas.draw()`` on a ``FigureCanvasAgg``: what the widget does before the browser gets an
image. The PNG the inline backend would then encode (``print_figure(fig, "png",
bbox_inches="tight")``) is timed separately and shown for information.

Targets per slider cell: median under 100 ms, p95 under 200 ms. A cell that misses one is
profiled (cProfile over its slowest events) and the hot spots are written to the JSON.

    python -m benchmarks.sliders [--quick] [--values N] [--chapters ch06]
"""

import argparse
import ast
import cProfile
import io
import itertools
import json
import os
import pstats
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks.common import (
    ROOT,
    header,
    machine_info,
    mark,
    median,
    percentile,
    table,
    target,
    venv_env,
    write_results,
)

MEDIAN_TARGET_MS = 100.0
P95_TARGET_MS = 200.0
INTERACT_NAMES = {"interact", "interactive", "interact_manual"}
MENTION = re.compile(r"\binteract(?:ive|_manual)?\s*\(")


class DiscoveryError(Exception):
    """An interact cell this benchmark cannot reproduce: fix the cell or teach this module."""


@dataclass
class SliderCell:
    chapter: str
    notebook: str  # relative to the repository root
    cell: int
    function: str  # source text of the function argument
    call: str  # source text of the whole call


def _callee(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Call):  # interact(...)(f) or interact.options(...)(f)
        return _callee(node.func)
    return None


def _python_only(source: str) -> str:
    """Cell source with IPython magics and shell escapes blanked (line numbers kept)."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                     for line in source.splitlines())


def _notebooks(chapters: list[str] | None, root: Path) -> list[tuple[str, Path]]:
    from course.assign.build import chapters as all_chapters
    from course.assign.build import resolve

    names = resolve(chapters, root) if chapters else all_chapters(root)
    return [(c, root / "source" / c / f"{c}.ipynb") for c in names]


def discover(chapters: list[str] | None = None, root: Path = ROOT) -> list[SliderCell]:
    """Every interact call in the source notebooks; raises DiscoveryError on one it can't run."""
    import nbformat

    found = []
    for chapter, path in _notebooks(chapters, root):
        if not path.exists():
            continue
        nb = nbformat.read(path, as_version=4)
        rel = path.relative_to(root)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or not MENTION.search(cell.source):
                continue
            source = _python_only(cell.source)
            try:
                tree = ast.parse(source)
            except SyntaxError as error:
                raise DiscoveryError(f"{rel}: cell {index}: cannot parse ({error})") from error
            calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)
                     and _callee(node.func) in INTERACT_NAMES]
            if not calls:
                raise DiscoveryError(f"{rel}: cell {index} mentions interact but holds no call "
                                     "this benchmark understands")
            for call in calls:
                where = f"{rel}: cell {index}"
                if isinstance(call.func, ast.Call) or not call.args:
                    raise DiscoveryError(f"{where}: decorator or factory form of interact is not "
                                         "supported; call interact(function, name=widget, ...)")
                if len(call.args) > 2 or any(kw.arg is None for kw in call.keywords):
                    raise DiscoveryError(f"{where}: interact with extra positional arguments or "
                                         "**kwargs is not supported")
                function = ast.get_source_segment(source, call.args[0])
                if isinstance(call.args[0], ast.Lambda):
                    raise DiscoveryError(f"{where}: interact on a lambda; sliders must wrap a "
                                         "function in course/")
                found.append(SliderCell(chapter, str(rel), index, function,
                                        ast.get_source_segment(source, call)))
    return found


# --------------------------------------------------------------------------------------------
# worker: runs in a fresh process per slider cell


def _holds_interact(statement: ast.stmt) -> bool:
    return any(isinstance(node, ast.Call) and _callee(node.func) in INTERACT_NAMES
               for node in ast.walk(statement))


def _namespace(nb, upto: int, where: str) -> dict:
    """A fresh namespace holding what the slider cell's call needs.

    Runs the import statements of cells ``0..upto`` and, in the slider cell itself, every
    statement before the first interact call (widget set-up such as ``slider = FloatSlider(...)``
    or preset buttons). ``display`` is a no-op, as nothing is shown here.
    """
    namespace: dict = {"__name__": "__benchmark__", "display": lambda *args, **kwargs: None}
    for index, cell in enumerate(nb.cells[:upto + 1]):
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(_python_only(cell.source))
        except SyntaxError:
            continue
        for statement in tree.body:
            if index == upto and _holds_interact(statement):
                break
            if index != upto and not isinstance(statement, ast.Import | ast.ImportFrom):
                continue
            try:
                exec(compile(ast.Module([statement], []), where, "exec"), namespace)  # noqa: S102
            except Exception as error:
                raise DiscoveryError(f"{where}: `{ast.unparse(statement)[:80]}` fails here: "
                                     f"{type(error).__name__}: {error}") from error
    return namespace


def build_controls(slider: SliderCell, root: Path = ROOT):
    """(plot function, interact controls) exactly as the notebook cell creates them."""
    import nbformat
    from ipywidgets import interactive

    where = f"{slider.notebook}: cell {slider.cell}"
    nb = nbformat.read(root / slider.notebook, as_version=4)
    namespace = _namespace(nb, slider.cell, where)
    call = ast.parse(slider.call, mode="eval").body
    try:
        function = eval(compile(ast.Expression(call.args[0]), where, "eval"), namespace)  # noqa: S307
        kwargs = {kw.arg: eval(compile(ast.Expression(kw.value), where, "eval"), namespace)  # noqa: S307
                  for kw in call.keywords}
    except NameError as error:
        raise DiscoveryError(f"{where}: {error}: the slider's function and widgets must come from "
                             "imports or the slider's own cell (a function defined in another "
                             "cell is not supported)") \
            from error
    options = {"manual": True}  # build the controls without calling the function
    if len(call.args) == 2:
        options.update(eval(compile(ast.Expression(call.args[1]), where, "eval"), namespace))  # noqa: S307
        options["manual"] = True
    widget = interactive(function, options, **kwargs)
    return function, list(widget.kwargs_widgets)


def describe(control) -> dict:
    """Name, type and range (or options) of one control."""
    info = {"name": control._kwarg, "type": type(control).__name__,
            "default": control.get_interact_value()}
    if hasattr(control, "_options_values"):
        info["options"] = list(control._options_values)
    for attribute in ("min", "max", "step", "base"):
        if hasattr(control, attribute) and not hasattr(control, "_options_values"):
            info[attribute] = getattr(control, attribute)
    return info


def sweep(control, count: int) -> list:
    """Values a student reaches with this control: ``count`` points on its grid, or each option."""
    from ipywidgets import Checkbox, FloatLogSlider, ToggleButton
    from ipywidgets.widgets.interaction import fixed

    if isinstance(control, fixed):
        return [control.value]
    if hasattr(control, "_options_values"):
        return list(control._options_values)
    if isinstance(control, Checkbox | ToggleButton):
        return [False, True]
    if all(hasattr(control, a) for a in ("min", "max", "step")) and control.step:
        steps = int(round((control.max - control.min) / control.step, 9))
        indices = sorted({round(i * steps / max(count - 1, 1)) for i in range(count)})
        if isinstance(control, FloatLogSlider):
            return [control.base ** (control.min + i * control.step) for i in indices]
        values = [control.min + i * control.step for i in indices]
        return [type(control.value)(v) if isinstance(control.value, int) else v for v in values]
    raise DiscoveryError(f"control {control._kwarg!r} ({type(control).__name__}) has no range or "
                         "options this benchmark knows how to sweep")


def _is_numeric(control) -> bool:
    return (not hasattr(control, "_options_values") and hasattr(control, "min")
            and hasattr(control, "max"))


def _widget_value(control, value):
    """The value the widget passes to the function after the student sets ``value``."""
    from ipywidgets.widgets.interaction import fixed

    if isinstance(control, fixed):
        return control.value
    old = control.value
    control.value = value
    try:
        return control.get_interact_value()
    finally:
        control.value = old


def events(controls, count: int) -> list[tuple[str, dict]]:
    """(label, kwargs) for each value change: sweeps per option combination, then each option."""
    defaults = {c._kwarg: c.get_interact_value() for c in controls}
    discrete = [c for c in controls if not _is_numeric(c) and len(sweep(c, count)) > 1]
    numeric = [c for c in controls if _is_numeric(c)]
    combos = list(itertools.product(*[[(c, v) for v in sweep(c, count)] for c in discrete]))
    out = []
    for combo in combos:
        fixed_part = {c._kwarg: _widget_value(c, v) for c, v in combo}
        combo_label = ",".join(f"{c._kwarg}={v}" for c, v in combo)
        for control in numeric:
            for value in sweep(control, count):
                kwargs = {**defaults, **fixed_part, control._kwarg: _widget_value(control, value)}
                out.append((f"drag {control._kwarg} [{combo_label}]", kwargs))
    for control in discrete:
        for value in sweep(control, count):
            out.append((f"select {control._kwarg}",
                        {**defaults, control._kwarg: _widget_value(control, value)}))
    if not out:  # a single control with one value: still one redraw
        out.append(("redraw", dict(defaults)))
    return out


def _redraw(function, kwargs: dict, png: bool = False) -> tuple[float, float, float]:
    """(compute s, draw s, png s) for one value change."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    start = time.perf_counter()
    fig = function(**kwargs)
    computed = time.perf_counter()
    if not isinstance(fig, Figure):
        raise DiscoveryError(f"{function.__module__}.{function.__name__} returned "
                             f"{type(fig).__name__}, not a matplotlib Figure")
    FigureCanvasAgg(fig)
    fig.canvas.draw()
    drawn = time.perf_counter()
    png_s = 0.0
    if png:
        from IPython.core.pylabtools import print_figure

        before = time.perf_counter()
        print_figure(fig, "png", bbox_inches="tight")
        png_s = time.perf_counter() - before
    return computed - start, drawn - computed, png_s


def _stats(values_s: list[float]) -> dict:
    ms = [v * 1000 for v in values_s]
    return {"n": len(ms), "median_ms": round(median(ms), 2), "p95_ms": round(percentile(ms, 95), 2),
            "max_ms": round(max(ms), 2), "min_ms": round(min(ms), 2)}


def _profile(function, kwargs_list: list[dict]) -> str:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    profiler = cProfile.Profile()
    profiler.enable()
    for kwargs in kwargs_list:
        fig = function(**kwargs)
        FigureCanvasAgg(fig)
        fig.canvas.draw()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(25)
    stats.sort_stats("tottime").print_stats(12)
    text = out.getvalue()
    return "\n".join(line for line in text.splitlines() if line.strip())[:8000]


def measure(slider: SliderCell, count: int, root: Path = ROOT, profile: bool = True) -> dict:
    """All timings for one slider cell (run inside a fresh process)."""
    import matplotlib

    matplotlib.use("Agg")
    start = time.perf_counter()
    function, controls = build_controls(slider, root)
    imported = time.perf_counter() - start
    defaults = {c._kwarg: c.get_interact_value() for c in controls}
    first = _redraw(function, defaults, png=True)
    samples = []
    for label, kwargs in events(controls, count):
        compute_s, draw_s, png_s = _redraw(function, kwargs, png=True)
        samples.append({"label": label, "kwargs": kwargs, "compute_s": compute_s,
                        "draw_s": draw_s, "png_s": png_s})
    totals = [s["compute_s"] + s["draw_s"] for s in samples]
    result = {
        **asdict(slider),
        "qualified_function": f"{function.__module__}.{function.__qualname__}",
        "controls": [describe(c) for c in controls],
        "import_and_build_s": round(imported, 3),
        "first_render_ms": round((first[0] + first[1]) * 1000, 1),
        "redraw": _stats(totals),
        "compute": _stats([s["compute_s"] for s in samples]),
        "draw": _stats([s["draw_s"] for s in samples]),
        "inline_png_after_draw": _stats([s["png_s"] for s in samples]),
        "notebook_display": _stats([s["compute_s"] + s["png_s"] for s in samples]),
    }
    groups: dict[str, list[float]] = {}
    for sample, total in zip(samples, totals, strict=True):
        groups.setdefault(sample["label"], []).append(total)
    result["by_event"] = {label: _stats(values) for label, values in groups.items()}
    slowest = sorted(samples, key=lambda s: -(s["compute_s"] + s["draw_s"]))[:5]
    result["slowest"] = [{"kwargs": s["kwargs"], "compute_ms": round(s["compute_s"] * 1000, 1),
                          "draw_ms": round(s["draw_s"] * 1000, 1)} for s in slowest]
    result["met_median"] = result["redraw"]["median_ms"] < MEDIAN_TARGET_MS
    result["met_p95"] = result["redraw"]["p95_ms"] < P95_TARGET_MS
    if profile and not (result["met_median"] and result["met_p95"]):
        result["profile"] = _profile(function, [s["kwargs"] for s in slowest[:3]] * 2)
    return result


def _measure_in_subprocess(slider: SliderCell, count: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-sliders-") as tmp:
        out = Path(tmp) / "result.json"
        env = {**venv_env(), "MPLBACKEND": "Agg"}
        command = [sys.executable, "-m", "benchmarks.sliders", "--worker",
                   json.dumps(asdict(slider)), "--values", str(count), "--output", str(out)]
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                                timeout=1800)
        if result.returncode != 0 or not out.exists():
            raise RuntimeError(f"slider worker for {slider.notebook} cell {slider.cell} failed "
                               f"({result.returncode}):\n{result.stdout[-2000:]}\n"
                               f"{result.stderr[-4000:]}")
        return json.loads(out.read_text())


def run(quick: bool = False, count: int | None = None, chapters: list[str] | None = None) -> dict:
    count = count or (6 if quick else 20)
    machine = machine_info()
    print(header("sliders: value change -> plot function + Agg draw", machine), flush=True)
    sliders = discover(chapters)
    print(f"found {len(sliders)} interact cell(s): "
          + ", ".join(f"{s.chapter} cell {s.cell}" for s in sliders), flush=True)
    results = []
    for slider in sliders:
        started = time.perf_counter()
        result = _measure_in_subprocess(slider, count)
        results.append(result)
        print(f"  {slider.chapter} {result['qualified_function']}: {result['redraw']['n']} "
              f"changes, median {result['redraw']['median_ms']:.0f} ms, p95 "
              f"{result['redraw']['p95_ms']:.0f} ms ({time.perf_counter() - started:.0f} s)",
              flush=True)
    targets = []
    for r in results:
        name = f"{r['chapter']} {r['qualified_function'].rsplit('.', 1)[-1]}"
        targets.append(target(f"{name} median", f"< {MEDIAN_TARGET_MS:g} ms",
                              r["redraw"]["median_ms"], r["met_median"]))
        targets.append(target(f"{name} p95", f"< {P95_TARGET_MS:g} ms", r["redraw"]["p95_ms"],
                              r["met_p95"]))
    payload = {"name": "sliders", "machine": machine, "quick": quick, "values_per_sweep": count,
               "sliders": results, "targets": targets}
    print_table(payload)
    path = write_results("sliders", payload)
    print(f"wrote {path.relative_to(ROOT)}")
    return payload


def _controls_text(controls: list[dict]) -> str:
    parts = []
    for c in controls:
        if "options" in c:
            parts.append(f"{c['name']}: {len(c['options'])} options")
        elif "base" in c:
            parts.append(f"{c['name']}: {c['base']:g}^[{c['min']:g}, {c['max']:g}]")
        elif "min" in c:
            parts.append(f"{c['name']}: [{c['min']:g}, {c['max']:g}]")
    return "; ".join(parts)


def print_table(payload: dict) -> None:
    rows = []
    for r in payload["sliders"]:
        rows.append([r["chapter"], r["qualified_function"].replace("course.", ""),
                     _controls_text(r["controls"]), r["redraw"]["n"], r["first_render_ms"],
                     r["compute"]["median_ms"], r["draw"]["median_ms"],
                     r["redraw"]["median_ms"], r["redraw"]["p95_ms"], r["redraw"]["max_ms"],
                     r["notebook_display"]["median_ms"],
                     "met" if r["met_median"] and r["met_p95"] else "MISSED"])
    print()
    print(table(["chapter", "function", "controls", "changes", "first ms", "compute ms",
                 "draw ms", "median ms", "p95 ms", "max ms", "+png ms",
                 f"<{MEDIAN_TARGET_MS:g}/<{P95_TARGET_MS:g}"], rows))
    print("(median/p95/max: value change -> function + Agg draw; +png: function + the inline "
          "backend's PNG, median)")
    for r in payload["sliders"]:
        worst = sorted(r["by_event"].items(), key=lambda kv: -kv[1]["median_ms"])[:3]
        print(f"\n{r['chapter']} slowest kinds of change: " + "; ".join(
            f"{label} median {s['median_ms']:.0f} ms p95 {s['p95_ms']:.0f} ms"
            for label, s in worst))
        if "profile" in r:
            print(f"{r['chapter']} missed a target ({mark(r['met_median'])} median, "
                  f"{mark(r['met_p95'])} p95); profile of its slowest changes:")
            print("\n".join(r["profile"].splitlines()[:40]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sliders",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="6 values per sweep")
    parser.add_argument("--values", type=int, default=None,
                        help="values per numeric sweep (default 20)")
    parser.add_argument("--chapters", nargs="*", default=None)
    parser.add_argument("--list", action="store_true", help="only list the interact cells")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    parser.add_argument("--no-profile", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        os.environ.setdefault("MPLBACKEND", "Agg")
        result = measure(SliderCell(**json.loads(args.worker)), args.values or 20,
                         profile=not args.no_profile)
        Path(args.output).write_text(json.dumps(result, default=repr))
        return 0
    if args.list:
        for slider in discover(args.chapters):
            print(f"{slider.notebook} cell {slider.cell}: {slider.function}")
        return 0
    run(quick=args.quick, count=args.values, chapters=args.chapters)
    return 0


if __name__ == "__main__":
    sys.exit(main())
