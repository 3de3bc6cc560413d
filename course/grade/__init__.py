"""The grading engine: every submission of a chapter graded fairly, in parallel, sandboxed.

Entry points: ``commands.dispatch`` (``python -m course collect|grade|feedback|export``) and
``run.grade`` (staging, a pool of workers or a Dask cluster, the table). Inside: ``staging`` (check
and copy each submission), ``cluster`` (one task per submission on Dask ``distributed``, a worker
plugin per worker), ``journal`` (what an interrupted run finished), ``autograde`` (nbgrader
preprocessors), ``guard`` (undo tampering in the kernel), ``sandbox`` (bubblewrap), ``zygote`` (a
fork server for kernels), ``polling`` (bounded waits on kernel replies), ``plumbing`` (nbgrader in
a course folder, the gradebook's scores).

Imports: nbgrader, jupyter_client and ``course.assign.build`` for the course's layout (and
``distributed`` in ``cluster``, imported only for ``--cluster``); never the chapter helpers.
Student helpers must not import this package.
"""
