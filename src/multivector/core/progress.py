"""Progress over the steps of long work (rich), or silent."""

from __future__ import annotations

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class Steps:
    """A rich progress bar over ``total`` steps, shown only when ``show``; a context manager.

    Parameters
    ----------
    show : bool
        Draw the bar (False: every call does nothing).
    total : int
        Number of steps.
    description : str
        What the bar says until :meth:`say` changes it.
    transient : bool
        Remove the bar when done.
    """

    def __init__(self, show: bool, total: int, description: str = "working",
                 transient: bool = False):
        self.show, self.total, self.description = show, total, description
        self.transient = transient
        self.bar = self.task = None

    def __enter__(self) -> Steps:
        if self.show:
            self.bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                                MofNCompleteColumn(), TimeElapsedColumn(),
                                transient=self.transient)
            self.bar.__enter__()
            self.task = self.bar.add_task(self.description, total=self.total)
        return self

    def say(self, text: str) -> None:
        if self.bar is not None:
            self.bar.update(self.task, description=text)

    def advance(self, n: int = 1) -> None:
        if self.bar is not None:
            self.bar.advance(self.task, n)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)
