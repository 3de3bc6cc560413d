"""Building the course and handing it out: ``source/`` to ``release/`` and ``solutions/``.

Entry points: ``build.build`` (``python -m course build``), ``sync.check`` (``check``: release
and solutions in sync with source, nothing secret leaked), ``start.start`` (``start``: copy the
student notebooks into a work folder, never overwriting, and write its ``START.md``) and
``pack.pack`` (``pack``: the student distribution of a graded class). ``build`` also holds the
course's layout (``ROOT``, ``chapters``, ``resolve``, ``notebook_path``); ``lint`` checks converted
test cells, ``recorded`` installs the visible references a build records and tells when they are
out of date.

Imports: nbgrader, nbformat and, to execute solutions, ``course.grade.polling``; never the
student side (``course.checks``, the chapter modules, ``course.check``, ``course.exercises``),
which must not import this package.
"""
