"""The exercise checker: one contract, generated cases and a probe per exercise.

Entry points: ``runner.run_exercise`` (what ``checks.exercise`` calls in a test cell),
``progress.table`` (``checks.progress()``) and ``notebook.setup`` (``checks.setup_notebook()``).
Inside: ``values`` (the plain data a probe may return), ``wire`` (that data as JSON),
``spec`` (``Exercise``, ``Case``, ``Contract``), ``cases`` (seeded generators), ``probe`` (call
the student's function, observe), ``judge`` (a verdict from contract, case, observation and
reference), ``compare`` and ``diagnose`` (name the mistake behind a mismatch), ``references``
(recorded visible references, installed hidden ones), ``render`` (the one-line failures).

Imports: torch, numpy and ``course.exercises`` (the specs); never the instructor machinery
(``course.assign``, ``course.grade``). The judge and the diagnosis need only plain data, so the
grader can run them outside the student's kernel.
"""
