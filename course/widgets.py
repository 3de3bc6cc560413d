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
replaces the plot in one state update.

The update touches no state the kernel shares: JupyterLab may deliver a widget's messages on a
kernel subshell, in another thread, while a cell runs in the main one, so swapping
``sys.stdout`` or the display publisher (as ``capture_output`` and ``with output:`` do) would
catch that cell's output, and a request that arrived meanwhile was lost (ipykernel 7 could not
set its parent on IPython's capturing publisher). The function's result is formatted with the
shell's display formatter instead; what the function prints goes where prints go. Nothing runs
at import time.
"""


from IPython import get_ipython
from IPython.display import display
from ipywidgets import interactive


def _result_output(result) -> dict:
    """A ``display_data`` output for ``result``, formatted as IPython would display it."""
    shell = get_ipython()
    if shell is None:  # plain Python: text only
        data, metadata = {"text/plain": repr(result)}, {}
    else:
        data, metadata = shell.display_formatter.format(result)
    return {"output_type": "display_data", "data": data, "metadata": metadata}


def _error_output(error: BaseException) -> dict:
    """An ``error`` output for ``error``, with the traceback IPython would show."""
    shell = get_ipython()
    kind = type(error)
    if shell is None:
        import traceback

        lines = traceback.format_exception(error)
    else:
        lines = shell.InteractiveTB.structured_traceback(kind, error, error.__traceback__)
    return {"output_type": "error", "ename": kind.__name__, "evalue": str(error),
            "traceback": list(lines)}


class KernelDrawnInteractive(interactive):
    """``ipywidgets.interactive`` whose ``update`` writes the result into ``self.out`` directly."""

    def update(self, *args) -> None:
        """Call the function with the widgets' values and show its result (or its error).

        Args:
            *args: ignored (the change event of the widget that moved).
        """
        self.kwargs = {widget._kwarg: widget.get_interact_value()
                       for widget in self.kwargs_widgets}
        try:
            self.result = self.f(**self.kwargs)
        except Exception as error:  # as ipywidgets does: the traceback appears under the widgets
            self.out.outputs = (_error_output(error),)
            return
        self.out.outputs = () if self.result is None else (_result_output(self.result),)


def interact(function, **widgets) -> KernelDrawnInteractive:
    """Display widgets for ``function``'s arguments with its result below them.

    Called like ``ipywidgets.interact(function, **widgets)`` (a widget, a ``(min, max)`` tuple,
    a list of choices ...); the function runs once now and again whenever a widget changes.

    Args:
        function: returns what to show, e.g. a matplotlib Figure.
        **widgets: one widget (or ipywidgets abbreviation) per argument of ``function``.

    Returns:
        The displayed :class:`KernelDrawnInteractive` (``.out.outputs`` holds the view).
    """
    view = KernelDrawnInteractive(function, **widgets)
    display(view)
    return view
