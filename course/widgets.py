"""``interact`` for the chapters' sliders: the kernel itself fills the view under the widgets.

``ipywidgets.interact`` shows the function's result by capturing output messages into an
``Output`` widget, and the front end that routes them there sends the widget's new state back
to the kernel. A headless runner imitates that front end: nbclient (behind
``jupyter nbconvert --execute`` and papermill) sends those updates on the kernel's shell socket
while it waits on that same socket for the cell's reply, and jupyter_client writes them through
a plain blocking shadow of the asyncio socket. That libzmq call can consume the socket's
wake-up for a reply that has just arrived, unseen by pyzmq's asyncio poll, which then waits out
the whole cell timeout (forever by default; jupyter/nbclient#312, jupyter_client PR #1059).

Here the kernel sets the ``Output`` widget's ``outputs`` itself, so a runner has nothing to
send back while a slider cell runs. JupyterLab and Voilà draw the same view, and a slider move
replaces the plot in one state update. Nothing runs at import time.
"""

from IPython.display import display
from IPython.utils.capture import capture_output
from ipywidgets import interactive


class KernelDrawnInteractive(interactive):
    """``ipywidgets.interactive`` whose ``update`` writes the result into ``self.out`` directly."""

    def update(self, *args) -> None:
        """Call the function with the widgets' values and show its result and printed text.

        Args:
            *args: ignored (the change event of the widget that moved).
        """
        self.kwargs = {widget._kwarg: widget.get_interact_value()
                       for widget in self.kwargs_widgets}
        try:
            with capture_output() as captured:  # stdout, stderr and display() calls
                self.result = self.f(**self.kwargs)
                if self.result is not None:
                    display(self.result)
        except Exception:
            with self.out:  # as ipywidgets does: the traceback appears under the widgets
                raise
            return
        streams = [{"output_type": "stream", "name": name, "text": text}
                   for name, text in (("stdout", captured.stdout), ("stderr", captured.stderr))
                   if text]
        shown = [{"output_type": "display_data", "data": output.data,
                  "metadata": output.metadata} for output in captured.outputs]
        self.out.outputs = tuple(streams + shown)


def interact(function, **widgets) -> KernelDrawnInteractive:
    """Display widgets for ``function``'s arguments with its result below them.

    Called like ``ipywidgets.interact(function, **widgets)`` (a widget, a ``(min, max)`` tuple,
    a list of choices ...); the function runs once now and again whenever a widget changes.

    Args:
        function: returns what to show, e.g. a matplotlib Figure; what it prints is shown too.
        **widgets: one widget (or ipywidgets abbreviation) per argument of ``function``.

    Returns:
        The displayed :class:`KernelDrawnInteractive` (``.out.outputs`` holds the view).
    """
    view = KernelDrawnInteractive(function, **widgets)
    display(view)
    return view
