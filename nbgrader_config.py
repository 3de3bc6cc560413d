"""nbgrader configuration (read by the nbgrader CLI, its lab extension and `python -m course`)."""

import os
from pathlib import Path

c = get_config()  # noqa: F821 - injected by nbgrader when it loads this file

# The folder holding this file, absolute: nbgrader warns about a relative root, and the Formgrader
# or a JupyterHub server may start elsewhere (deploy/jupyterhub_config.py).
COURSE_ROOT = Path(__file__).resolve().parent
c.CourseDirectory.course_id = "dl-fundamentals"
c.CourseDirectory.root = str(COURSE_ROOT)
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.solution_directory = "solutions"  # nbgrader's default is "solution"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
# The gradebook stores every hidden test: it lives here but .gitignore keeps it out of git.
# COURSE_GRADEBOOK_URL names another database (postgresql://user@host/gradebook: several graders
# at once, the grading job of deploy/z2jh).
c.CourseDirectory.db_url = (os.environ.get("COURSE_GRADEBOOK_URL")
                            or f"sqlite:///{COURSE_ROOT / 'gradebook.db'}")

# Execution limits while validating / autograding a student's notebook.
c.Execute.timeout = 60  # seconds per cell; a chapter's whole solution runs in under 15 s
c.Execute.interrupt_on_timeout = True
# True: with False, nbclient crashes (KeyError) on any interact() output widget.
c.Execute.store_widget_state = True
c.Execute.record_timing = False

# Output limits: a flood of print lines is trimmed, tracebacks are kept short.
c.LimitOutput.max_lines = 200
c.LimitOutput.max_traceback = 60

# Known harmless warnings that would otherwise zero a correct answer (nbgrader scores any stderr
# output as 0). Only messages that say nothing about the answer's correctness belong here.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = (
    r"(Kernel is running over TCP without encryption"
    r"|Matplotlib is building the font cache"
    r"|UserWarning: The given NumPy array is not writable"
    r"|FutureWarning: You are using `torch\.load` with `weights_only=False`)"
)

# Autograding with nbgrader itself (`nbgrader autograde`, the Formgrader's Autograde button) uses
# the course's preprocessors, as `python -m course grade` does (course/grade/run.py): each test
# cell's checks are judged in the grader against the hidden references it computes from the
# solution (course/grade/verdicts.py); stock nbgrader could not run the hidden checks at all.
# Not sandboxed and one notebook at a time: `python -m course grade` is the one for a class.
c.Autograde.autograde_preprocessors = [
    "course.grade.autograde.InjectGuard",
    "course.grade.autograde.GuardedExecute",
    "course.grade.autograde.StripGuard",
    "course.grade.autograde.DemoteStderr",
    "course.grade.autograde.LimitOutputSize",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# A deleted test cell is put back from the gradebook and scored, not left for manual grading.
c.OverwriteCells.add_missing_cells = True

# Feedback never shows hidden tests or mark schemes.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbgrader.preprocessors.ClearMarkScheme",
]

# nbgrader's exchange: release_assignment puts the student version there, students' submit drops
# their work there, release_feedback puts the feedback there. On a shared machine every user's
# config names the same world-writable folder through COURSE_EXCHANGE (deploy/jupyterhub_config.py
# sets it for every server; README "Running a graded class" shows the student's config). Unset,
# the course folder's own exchange/ is used and created here (mode 777, as nbgrader's release
# would), so the Formgrader's Release and Collect work on one machine as shipped.
if os.environ.get("COURSE_EXCHANGE"):
    c.Exchange.root = os.environ["COURSE_EXCHANGE"]
else:
    c.Exchange.root = str(COURSE_ROOT / "exchange")
    if not os.path.isdir(c.Exchange.root) and os.access(COURSE_ROOT, os.W_OK):
        try:
            os.mkdir(c.Exchange.root)
            os.chmod(c.Exchange.root, 0o777)
        except FileExistsError:  # another nbgrader process created it meanwhile
            pass

# `python -m course collect CHAPTER` (nbgrader zip_collect): put the LMS download's zip files in
# downloaded/<chapter>/archive/; each notebook inside must be named <student_id>_<chapter>.ipynb.
c.ZipCollectApp.collector_plugin = "nbgrader.plugins.FileNameCollectorPlugin"
c.FileNameCollectorPlugin.named_regexp = (
    r".*/(?P<student_id>[^/]+?)_(?P<file_id>ch\d\d_[A-Za-z0-9_]*\.ipynb)$"
)
