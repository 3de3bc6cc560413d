"""nbgrader configuration (read by the nbgrader CLI, its lab extension and `python -m course`)."""

c = get_config()  # noqa: F821 - injected by nbgrader when it loads this file

c.CourseDirectory.course_id = "dl-fundamentals"
c.CourseDirectory.root = "."
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.solution_directory = "solutions"  # nbgrader's default is "solution"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
# The gradebook stores every hidden test: it lives here but .gitignore keeps it out of git.
c.CourseDirectory.db_url = "sqlite:///gradebook.db"

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

# A deleted test cell is put back from the gradebook and scored, not left for manual grading.
c.OverwriteCells.add_missing_cells = True

# Feedback never shows hidden tests or mark schemes.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbgrader.preprocessors.ClearMarkScheme",
]

c.Exchange.root = "exchange"

# `python -m course collect CHAPTER` (nbgrader zip_collect): put the LMS download's zip files in
# downloaded/<chapter>/archive/; each notebook inside must be named <student_id>_<chapter>.ipynb.
c.ZipCollectApp.collector_plugin = "nbgrader.plugins.FileNameCollectorPlugin"
c.FileNameCollectorPlugin.named_regexp = (
    r".*/(?P<student_id>[^/]+?)_(?P<file_id>ch\d\d_[A-Za-z0-9_]*\.ipynb)$"
)
