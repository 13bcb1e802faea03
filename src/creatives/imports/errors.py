"""Errors of the import pipeline, each naming the file, line, column and value."""

from dataclasses import dataclass, field

MAX_VALUE_SHOWN = 60


def shorten(value: str) -> str:
    """Cut a long cell (an ad text in a wrong column) for messages."""
    if len(value) <= MAX_VALUE_SHOWN:
        return value
    return value[: MAX_VALUE_SHOWN - 3] + "..."


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One invalid cell or row of an imported file."""

    line: int | None
    column: str | None
    value: str | None
    message: str

    @property
    def has_position(self) -> bool:
        return not (self.line is None and self.column is None and self.value is None)

    def describe(self) -> str:
        parts = []
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.column is not None:
            parts.append(f"column {self.column!r}")
        if self.value is not None:
            parts.append(f"value {shorten(self.value)!r}")
        where = ", ".join(parts)
        return f"{where}: {self.message}" if where else self.message


class CellError(ValueError):
    """A cell value that cannot be parsed; the row parser adds line and column."""


@dataclass
class ImportFileError(Exception):
    """An import that failed as a whole; nothing of the file was written.

    `problems` lists the invalid rows (at most `MAX_PROBLEMS`); `problem_count` counts
    them all, so the message can state how many lines are affected.
    """

    file_name: str
    message: str
    problems: list[RowProblem] = field(default_factory=list)
    problem_count: int = 0

    MAX_PROBLEMS = 50

    def __post_init__(self) -> None:
        super().__init__(self.message)
        self.problem_count = max(self.problem_count, len(self.problems))

    @property
    def first(self) -> RowProblem | None:
        return self.problems[0] if self.problems else None

    def __str__(self) -> str:
        first = self.first
        # A problem without a position (an encoding or delimiter error) reads as
        # "file: message", not "file, message".
        if first is None or self.problem_count > 1 or not first.has_position:
            return f"{self.file_name}: {self.message}"
        return f"{self.file_name}, {first.describe()}"


def file_error(
    file_name: str,
    message: str,
    *,
    line: int | None = None,
    column: str | None = None,
    value: str | None = None,
) -> ImportFileError:
    """Build an ImportFileError for a single problem."""
    problem = RowProblem(line=line, column=column, value=value, message=message)
    return ImportFileError(file_name=file_name, message=message, problems=[problem])
