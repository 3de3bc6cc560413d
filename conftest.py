"""Settings shared by every test run, the notebooks' kernels included."""

import os

# Two xdist workers each drive their own kernel on a 2-core machine: one math thread per kernel
# avoids oversubscription (small torch ops slowed 50x with 2 threads each on a busy machine).
# Kernels inherit this; a student's JupyterLab is unaffected.
os.environ.setdefault("OMP_NUM_THREADS", "1")
