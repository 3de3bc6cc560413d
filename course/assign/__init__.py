"""Building the course and handing it out: ``source/`` to ``release/`` and ``solutions/``.

Entry points: ``build.build`` (``python -m course build``), ``sync.check`` (``check``: release
and solutions in sync with source, nothing secret leaked), ``start.start`` (``start``: copy the
student notebooks into a work folder, never overwriting, and write its ``START.md``) and
``pack.pack`` (``pack``: the student distribution of a graded class). ``build`` also holds the
course's layout (``ROOT``, ``chapters``, ``resolve``, ``notebook_path``).

Imports: nbgrader, nbformat and, to execute solutions, ``course.grade.polling``; never the
student helpers (``course.checks``, the chapter modules), which must not import this package.
"""
