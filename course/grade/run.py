"""``python -m course grade``: autograde every submission of a chapter, in parallel, robustly.

Each submission is checked and copied to a staging folder first (the student's file is never
changed): unreadable JSON is reported and skipped, nbgrader metadata a student changed is restored
from the release, a missing notebook scores 0. Worker processes then run nbgrader's Autograde on
the staged copies with the course's preprocessors (course.grade.autograde) and, when bubblewrap
works, inside the sandbox (course.grade.sandbox). A table lists every student's score and problems.
"""

import logging
import os
import shutil
import sys
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from course.assign.build import ROOT
from course.grade.journal import Journal, digest
from course.grade.limits import run_cgroups
from course.grade.pool import run_jobs
from course.grade.staging import STAGING, copy_extras, release_cells, stage


class RunStopped(RuntimeError):
    """The run cannot start or cannot go on; the message tells the instructor what to do."""


@dataclass
class Result:
    """One student's outcome: score, maximum and the problems met on the way."""

    student: str
    score: float = 0.0
    max_score: float = 0.0
    problems: list[str] = field(default_factory=list)


def load_config(course_dir: Path):
    """The course's nbgrader_config.py as a traitlets Config."""
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config()


def _autograde_one(job: tuple) -> tuple[str, str | None]:
    """Worker: autograde one student's staged submission; return (student, error or None)."""
    course_dir, chapter, student, sandbox, cell_timeout, notebook_timeout, fork, hidden = job
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.preprocessors import (
        AssignLatePenalties,
        CheckCellMetadata,
        LimitOutput,
        SaveAutoGrades,
    )

    from course.grade.autograde import (
        DemoteStderr,
        GuardedExecute,
        InjectGuard,
        LimitOutputSize,
        StripGuard,
    )

    config = load_config(Path(course_dir))
    config.CourseDirectory.root = str(course_dir)
    config.CourseDirectory.submitted_directory = f"{STAGING}/submitted"
    config.Autograde.autograde_preprocessors = [
        InjectGuard, GuardedExecute, StripGuard, DemoteStderr, LimitOutputSize,
        ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades, AssignLatePenalties,
        CheckCellMetadata]
    config.GuardedExecute.hidden_references = hidden  # judged here, never sent to a kernel
    if not config.GuardedExecute.get("judge_in_grader", True):  # test cells run in the kernel:
        config.InjectGuard.hidden_references = hidden  # it gets the references (benchmark only)
    # the kernel works in (a copy of) the staged submission, not in nbgrader's autograded folder,
    # which holds the notebook with its hidden tests while it runs
    config.GuardedExecute.kernel_folder = str(Path(course_dir) / STAGING / "submitted" / student
                                              / chapter)
    config.GuardedExecute.timeout = cell_timeout
    config.GuardedExecute.notebook_timeout = notebook_timeout
    config.GuardedExecute.record_timing = False
    config.GuardedExecute.store_widget_state = True
    if fork or sandbox:  # kernels from this worker's server, in its sandbox when it is on
        from course.grade.zygote import ZygoteKernelManager

        os.environ["COURSE_ZYGOTE_PRELOAD"] = "1" if fork else "0"  # else a new Python each
        config.GuardedExecute.kernel_manager_class = ZygoteKernelManager
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = chapter
    coursedir.student_id = student
    converter = Autograde(coursedir=coursedir, config=config)
    converter.force = True
    errors = _ErrorLog()
    converter.log.addHandler(errors)
    converter.log.setLevel("ERROR")
    converter.log.propagate = False
    try:
        converter.start()
    except Exception as error:  # noqa: BLE001 - reported in the summary, others go on
        return student, f"not graded: {errors.reason() or f'{type(error).__name__}: {error}'}"
    return student, None


class _ErrorLog(logging.Handler):
    """Keep nbgrader's error log lines so the summary can say why a notebook was not graded."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.extend(str(record.getMessage()).strip().splitlines())

    def reason(self) -> str:
        useful = [line.strip() for line in self.lines if line.strip() and not line.startswith(
            ("Traceback", "  ", "There was an error", "Please see"))]
        return useful[-1][:200] if useful else ""


def quiet_gradebook_warnings() -> None:
    """Silence the SQLAlchemy warnings nbgrader's gradebook raises on a student's first grading.

    ``Gradebook.update_or_create_submission`` builds a submission's rows before adding them to the
    session, so SQLAlchemy notes "Object of type <SubmittedAssignment> not in session, add
    operation along 'Assignment.submissions' will not proceed" three times per new student; the
    rows are added right after and the grades are complete (the grading tests read them back).
    Only that message is silenced.
    """
    from sqlalchemy.exc import SAWarning

    warnings.filterwarnings("ignore", r"Object of type <Submitted\w+> not in session", SAWarning)


def _worker_setup(env: dict[str, str]) -> None:
    os.environ.update(env)
    quiet_gradebook_warnings()


def _notebook_problems(path: Path) -> list[str]:
    """Problems visible in an autograded notebook's outputs (timeouts, crashes, floods)."""
    if not path.exists():
        return []
    nb = nbformat.read(path, as_version=4)
    found: list[str] = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            name = output.get("ename", "")
            text = (output.get("text", "") + output.get("evalue", "")
                    + str(output.get("data", {}).get("text/plain", "")))
            if name == "KernelDied" and "died while" in text:
                found.append(f"kernel died in cell {index}")
            elif name == "NotebookTimeout" and "notebook time limit" not in " ".join(found):
                found.append("notebook time limit reached")
            elif name == "CellTimeoutError":
                found.append(f"cell {index} timed out")
            elif name == "SyntaxError":
                found.append(f"syntax error in cell {index}")
            elif "output trimmed" in text or ("output of" in text and "removed" in text):
                found.append(f"output of cell {index} trimmed")
    return list(dict.fromkeys(found))


def grade(chapter: str, course_dir: Path = ROOT, workers: int | None = None,
          sandbox: str = "auto", cell_timeout: int | None = None,
          notebook_timeout: int = 300, progress: bool = True,
          kernels: str = "fork", cluster: str | None = None, tries: int = 3,
          students: list[str] | None = None) -> tuple[list[Result], str]:
    """Autograde every submission of ``chapter`` under ``course_dir/submitted``.

    Args:
        chapter: the assignment (chapter) name.
        course_dir: the course folder (nbgrader_config.py, source/, release/, submitted/).
        workers: parallel processes; default the CPU count.
        sandbox: "auto" (bubblewrap when it works), "on" (required) or "off".
        cell_timeout: seconds per cell; default nbgrader_config's Execute.timeout.
        notebook_timeout: seconds per notebook.
        progress: show a progress bar.
        kernels: "fork" (each kernel forked from a per-worker zygote that imported torch once,
            see ``course.grade.zygote``) or "fresh" (a new Python process per kernel, as nbgrader
            does).
        cluster: None (a pool of ``workers`` processes here), or a Dask cluster: ``local:N``,
            a scheduler address or a scheduler file (``course.grade.cluster``).
        tries: on a cluster, starts of a submission whose worker died before it is given up.
        students: grade only these students (``submitted/<student>``); everyone when None. A
            named student without a submission folder is listed with that problem.

    Returns:
        (one Result per student, sorted; a line saying whether the sandbox was used, and one
        more when the run resumed an interrupted one).

    Raises:
        RunStopped: the run cannot start (an SQLite gradebook on a remote cluster, no
            bubblewrap with ``sandbox="on"``) or lost its cluster's scheduler.
    """
    from nbgrader.api import Gradebook, MissingEntry

    from course.grade import sandbox as sandbox_module
    from course.grade.plumbing import nbgrader_env, read_scores, run_nbgrader

    course_dir = Path(course_dir).resolve()
    warnings.filterwarnings("ignore", module="nbgrader")  # SQLAlchemy notes from its gradebook
    quiet_gradebook_warnings()
    config = load_config(course_dir)
    cell_timeout = cell_timeout or int(config.Execute.get("timeout", 60))
    workers = workers or os.cpu_count() or 1
    env = nbgrader_env()
    os.environ["PATH"] = env["PATH"]
    db_url = config.CourseDirectory.get("db_url", "sqlite:///gradebook.db")
    if db_url.startswith("sqlite:///") and not db_url.startswith("sqlite:////"):
        db_url = f"sqlite:///{course_dir / db_url[len('sqlite:///'):]}"
    if cluster:
        try:
            from course.grade.cluster import check_gradebook
        except ImportError as error:
            raise RunStopped(f"--cluster needs Dask distributed ({error}): "
                             "pip install -e '.[cluster]'") from error
        check_gradebook(cluster, db_url)
    here = not cluster or cluster.startswith("local:")  # else each worker checks its bwrap
    with Gradebook(db_url) as gradebook:
        try:
            gradebook.find_assignment(chapter)
            known = True
        except MissingEntry:
            known = False
    if not known:
        run_nbgrader(course_dir, "generate_assignment", chapter, "--force")

    use_sandbox = sandbox == "on" or (sandbox == "auto" and sandbox_module.available())
    if sandbox == "on" and here and not sandbox_module.available():
        raise RunStopped("--sandbox on, but bubblewrap (bwrap) is not installed or cannot "
                           "create a sandbox here (Debian: apt-get install bubblewrap)")

    from course.grade.trusted import hidden_references

    hidden = hidden_references(chapter, course_dir)  # the solution on the hidden cases
    released = release_cells(course_dir, chapter)
    staging = course_dir / STAGING
    shutil.rmtree(staging / "submitted", ignore_errors=True)
    shutil.rmtree(staging / "tries", ignore_errors=True)
    journal = Journal(staging / f"{chapter}.journal")
    finished = journal.finished()
    in_gradebook = read_scores(course_dir, chapter, db_url=db_url) if finished else {}
    results: dict[str, Result] = {}
    digests: dict[str, str] = {}
    resumed = []
    jobs = []
    folders = sorted(p for p in (course_dir / "submitted").glob("*") if p.is_dir())
    unknown = []
    if students is not None:
        folders = [p for p in folders if p.name in students]
        unknown = [Result(student, max_score=_max_points(released), problems=[
            f"no folder submitted/{student}: nothing graded (collect first?)"])
            for student in sorted(set(students) - {p.name for p in folders})]
    for folder in folders:
        student = folder.name
        result = results.setdefault(student, Result(student))
        notebook = folder / chapter / f"{chapter}.ipynb"
        if not notebook.exists():
            result.problems.append(f"missing notebook {chapter}/{chapter}.ipynb: scored 0")
            continue
        digests[student] = digest(notebook)
        done = finished.get(student)
        if done and done["sha256"] == digests[student] and student in in_gradebook:
            result.problems += done["problems"]  # graded by the interrupted run
            resumed.append(student)
            continue
        try:
            result.problems += stage(notebook, staging / "submitted" / student / chapter /
                                     notebook.name, released)
        except ValueError as error:
            result.problems.append(f"{error}: not graded, scored 0")
            continue
        copy_extras(folder / chapter, staging / "submitted" / student / chapter, notebook.name)
        jobs.append((str(course_dir), chapter, student, use_sandbox, cell_timeout,
                     notebook_timeout, kernels == "fork", hidden))

    with Gradebook(db_url) as gradebook:
        for student in results:
            gradebook.update_or_create_student(student)
    _forget(db_url, chapter, set(results) - {job[2] for job in jobs} - set(resumed))

    if cluster:
        from course.grade.cluster import ClusterGrading, GraderPlugin, connect

        count = int(cluster.split(":", 1)[1]) if cluster.startswith("local:") else None
        threads = (os.environ.get("OMP_NUM_THREADS", str(max(1, (os.cpu_count() or 1) // count)))
                   if count else None)
        plugin = GraderPlugin(sandbox, kernels, threads)
        with connect(cluster, tries) as client:
            run = ClusterGrading(client, jobs, plugin, tries)
            _collect(run, results, journal, digests, chapter, progress, len(jobs))
        _forget(db_url, chapter, run.given_up)  # no stale score from an earlier run
        note = sandbox_module.note(use_sandbox, None, on_workers=True)
        if run.unsandboxed:
            note = (f"sandbox: OFF for {len(run.unsandboxed)} of {len(jobs)} submissions (their "
                    "workers have no working bubblewrap, or --sandbox off): student code ran "
                    "with the worker's rights")
    else:
        with run_cgroups() as cgroups:  # per-kernel memory and process limits, when possible
            note = sandbox_module.note(use_sandbox, bool(cgroups))
            outcomes = _pool(jobs, workers, env["PATH"], use_sandbox, cgroups, notebook_timeout)
            _collect(outcomes, results, journal, digests, chapter, progress, len(jobs))
    journal.close()
    if resumed:
        note += (f"\nresumed an interrupted run: {len(resumed)} submission(s) graded then were "
                 f"kept (delete {journal.path.relative_to(course_dir)} before a run to grade all)")

    scores = read_scores(course_dir, chapter, db_url=db_url)
    for student, result in results.items():
        cells = scores.get(student, {})
        result.score = sum(score or 0.0 for score, _ in cells.values())
        result.max_score = sum(maximum for _, maximum in cells.values()) or _max_points(released)
        result.problems += _notebook_problems(course_dir / "autograded" / student / chapter /
                                              f"{chapter}.ipynb")
    return sorted([*results.values(), *unknown], key=lambda r: r.student), note


def _pool(jobs: list[tuple], workers: int, path: str, use_sandbox: bool, cgroups: list[Path],
          notebook_timeout: int):
    """Grade ``jobs`` in a pool of processes here; yield (student, problems) as each ends.

    A worker that dies or hangs costs its submission one retry, then it is reported
    (``course.grade.pool``).
    """
    threads = max(1, (os.cpu_count() or 1) // workers)  # kernels share the cores, not fight
    worker_env = {"PATH": path,
                  "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", str(threads)),
                  "COURSE_ZYGOTE_SANDBOX": "1" if use_sandbox else "0",
                  "COURSE_CGROUPS": os.pathsep.join(str(folder) for folder in cgroups)}
    with tempfile.TemporaryDirectory(prefix="course-grade-") as tmp:
        worker_env["COURSE_SANDBOX_SCRATCH"] = tmp
        outcomes = run_jobs(_autograde_one, jobs, workers, job_timeout=notebook_timeout + 180,
                            initializer=_worker_setup, initargs=(worker_env,))
        for job, status, value in outcomes:
            error = value[1] if status == "ok" else value if status == "lost" else \
                f"not graded: {value}"
            yield job[2], [error] if error else []


def _collect(outcomes, results: dict[str, Result], journal: Journal, digests: dict[str, str],
             chapter: str, progress: bool, total: int) -> None:
    """Add each outcome's problems to its Result and to the journal, as it arrives."""
    if progress:
        from tqdm import tqdm

        outcomes = tqdm(outcomes, total=total, desc=f"grading {chapter}", unit="notebook",
                        file=sys.stdout)
    for student, problems in outcomes:
        results[student].problems += problems
        journal.record(student, digests[student], results[student].problems)


def _forget(db_url: str, chapter: str, students) -> None:
    """Remove these students' submissions of ``chapter`` from the gradebook (they score 0)."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url) as gradebook:
        for student in students:
            try:
                gradebook.remove_submission(chapter, student)
            except MissingEntry:
                pass


def _max_points(released: dict[str, dict]) -> float:
    return float(sum(m.get("points", 0) for m in released.values() if m.get("grade")))


def table(results: list[Result]) -> str:
    """The summary table: student, score, max, problems."""
    width = max([len("student")] + [len(r.student) for r in results])
    lines = [f"{'student':<{width}}  {'score':>6}  {'max':>5}  problems"]
    for r in results:
        problems = "; ".join(r.problems) or "-"
        lines.append(f"{r.student:<{width}}  {r.score:>6.1f}  {r.max_score:>5.1f}  {problems}")
    return "\n".join(lines)

