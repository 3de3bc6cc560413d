"""What an exercise spec declares: ``Exercise`` (name, number, cases, contract, probe hooks),
``Case`` (one input as plain data) and ``Contract`` (what every correct answer must respect).

A spec holds no answer: the expected results are the instructor's solution observed on the same
cases (recorded for the visible cases, computed by the grader for the hidden ones).
"""

from collections.abc import Callable
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Case:
    """One input: ``args`` (plain data, one per parameter unless the spec's ``build`` says
    otherwise) and a ``note`` naming what the case is about ("a tie in subject 0")."""

    args: tuple
    note: str = ""


@dataclass(frozen=True)
class Contract:
    """What the judge checks beyond the returned values.

    Attributes:
        params: the function's parameter names, in order (messages name arguments by them).
        returns: names of the items of a returned tuple (messages name them), if any.
        modifies: arguments the function changes in place on purpose; every other tensor,
            array or list argument must be left as it was, gradients and requires_grad included.
        returns_argument: the argument that must be returned itself (same object).
        graph: whether a returned tensor may require grad (False: it must be detached).
        deterministic: whether a second call with equal arguments must give the same result.
        forbidden: dotted names of built-ins the function must not call ("torch.autograd.grad").
        atol, rtol: tolerances of float comparisons (integers and bools compare exactly).
        sizes: named sizes of a case ({"N": 8}) so a wrong factor can be named.
        reductions: the names in ``sizes`` that count the elements a mean or sum runs over.
        explanations: exercise-specific explanations, tried first on any mismatch: each takes
            (case, observation, reference) and returns a one-line finding or None. They state
            a property of the student's output, never the answer.
        second_call_hint: what a result that changes on a second call usually means here.
    """

    params: tuple[str, ...] = ()
    returns: tuple[str, ...] = ()
    modifies: tuple[str, ...] = ()
    returns_argument: str | None = None
    graph: bool = False
    deterministic: bool = True
    forbidden: tuple[str, ...] = ()
    atol: float = 1e-6
    rtol: float = 1e-5
    sizes: Callable[[Case], dict[str, int]] | None = None
    reductions: tuple[str, ...] = ()
    explanations: tuple[Callable, ...] = ()
    second_call_hint: str = ""


@dataclass(frozen=True)
class Exercise:
    """One graded exercise: the function a student writes and how it is checked.

    Attributes:
        name: the function's name in the notebook (``dice_rolls``).
        chapter: the chapter folder name (``ch01_tensors``).
        points: the points of its test cell (must match the notebook).
        cases: ``cases(seed, hidden)`` returns the cases; visible ones are small.
        contract: what the judge checks beyond the values.
        build: turns a case's plain args into the call's arguments (a callable from its name,
            a model from its sizes and seed); default: fresh copies of the args.
        convert: turns the returned object into plain data (a DataLoader into its batches);
            default ``values.to_plain``.
        observe: ``observe(function, result, args, case)`` after the call: more plain
            observations keyed by a label the message uses (``{"parameter.grad after ...": ...}``).
        describe: a short text for a case's arguments in messages; default from ``params``.
        visible_seed: the seed of the visible cases.
        number: its number in the chapter (Exercise 3), set by ``numbered``.
        test_cell: the grade_id of its test cell when it is not ``test_<name>``.
    """

    name: str
    chapter: str
    points: int
    cases: Callable[[int, bool], list[Case]]
    contract: Contract
    build: Callable[[tuple], tuple] | None = None
    convert: Callable | None = None
    observe: Callable | None = None
    describe: Callable[[Case], str] | None = None
    visible_seed: int = 0
    number: int = 0
    test_cell: str = ""

    @property
    def params(self) -> tuple[str, ...]:
        """The function's parameter names (declared in the contract)."""
        return self.contract.params

    @property
    def grade_id(self) -> str:
        """The nbgrader grade_id of the exercise's test cell."""
        return self.test_cell or f"test_{self.name}"


def numbered(*exercises: Exercise) -> tuple[Exercise, ...]:
    """A chapter's exercises in notebook order, each numbered by its position (1, 2, ...)."""
    return tuple(replace(exercise, number=index) for index, exercise in enumerate(exercises, 1))
