"""A student's nbgrader configuration: which course, which exchange.

Every student server of the class hub reads it (deploy/jupyterhub_config.py puts this folder on
JUPYTER_CONFIG_PATH). On another shared machine, copy it to ~/.jupyter/nbgrader_config.py and set
COURSE_EXCHANGE, or write the exchange's path in place of the environment variable.
"""

import os

c = get_config()  # noqa: F821 - injected by nbgrader when it loads this file

c.CourseDirectory.course_id = "dl-fundamentals"
if os.environ.get("COURSE_EXCHANGE"):
    c.Exchange.root = os.environ["COURSE_EXCHANGE"]

# Validate runs the notebook with the grader's limits and known-harmless warnings.
c.Execute.timeout = 60
c.Execute.store_widget_state = True
