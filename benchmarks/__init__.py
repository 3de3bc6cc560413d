"""Benchmarks: what the course costs to run, to use and to grade.

One module per measurement, each runnable on its own (``python -m benchmarks.sliders``) and all
together with ``python -m benchmarks``:

- ``notebooks``: every solution notebook executed with nbclient (kernel start included, median
  of several runs) and the whole ``pytest --nbval solutions/`` run, serial and with xdist.
- ``sliders``: every ``interact(...)`` slider found in ``source/``: time from a value change to a
  finished redraw (plot function + Agg draw), swept over each slider's range and each option.
- ``grading``: one chapter's submissions graded by nbgrader's serial ``autograde`` and by
  ``python -m course grade --workers N``, against the plain execution of the same notebook.
- ``grading_cluster``: 30 and 200 submissions graded by the local pool, ``--cluster local:2`` and
  a separate-process Dask cluster on loopback; the cost per submission and per run of each.
- ``install``: a fresh CPU install following README, timed, and its size on disk.
- ``feedback``: every wrong answer in ``tests/wrong_answers_v2/`` run through its exercise's
  checks: the share that loses points, fails a visible check, and gets a message naming the
  mistake (or a misleading one), per chapter.

Each prints a table and writes ``benchmarks/results/<name>.json`` with the machine it ran on;
``benchmarks.report`` turns the JSON files into the markdown table shown in README.
"""
