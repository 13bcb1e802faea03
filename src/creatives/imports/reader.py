"""Read an export in two streaming passes: profile the cells, then parse the rows."""

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from creatives.imports.errors import ImportFileError, RowProblem
from creatives.imports.parsing.numbers import NumberFormatDetector, NumberLocale
from creatives.imports.parsing.table import Header, TableFile, data_records, find_header
from creatives.imports.platforms.base import (
    ID_FIELDS,
    METRIC_FIELDS,
    ColumnMap,
    Field,
)
from creatives.imports.rows import (
    AdRow,
    IdShapes,
    ParseOptions,
    RowError,
    RowParser,
    SkippedRow,
)

NUMERIC_FIELDS = (*METRIC_FIELDS, Field.YEAR)


class Platform(Protocol):
    """The header layout of one kind of export."""

    channel: str

    def describe_header(self) -> str: ...

    def is_header(self, names: list[str]) -> bool: ...

    def column_map(self, file_name: str, header: Header) -> ColumnMap: ...


class LineRanges:
    """Line numbers stored as ranges, so a file of many bad lines stays small."""

    def __init__(self) -> None:
        self.ranges: list[list[int]] = []
        self.count = 0

    def add(self, line: int) -> None:
        self.count += 1
        if self.ranges and self.ranges[-1][1] + 1 >= line:
            self.ranges[-1][1] = max(self.ranges[-1][1], line)
        else:
            self.ranges.append([line, line])

    def __str__(self) -> str:
        return ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in self.ranges)


@dataclass
class ReadStats:
    """Counts of the second pass: rows read, rows skipped by reason, invalid rows."""

    rows_read: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    skipped_lines: dict[str, LineRanges] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)
    invalid_lines: LineRanges = field(default_factory=LineRanges)

    def skip(self, reason: str, line: int) -> None:
        self.skipped[reason] += 1
        self.skipped_lines.setdefault(reason, LineRanges()).add(line)

    def add_problem(self, problem: RowProblem) -> None:
        if len(self.problems) < ImportFileError.MAX_PROBLEMS:
            self.problems.append(problem)
        if problem.line is not None:
            self.invalid_lines.add(problem.line)


class ParsedFile:
    """An export whose header, columns and number notation are known."""

    def __init__(
        self,
        path: Path,
        file_name: str,
        platform: Platform,
        options: ParseOptions,
        on_read: Callable[[int], None] | None = None,
    ) -> None:
        self.table = TableFile(path, file_name)
        self.table.on_read = on_read
        self.file_name = file_name
        self.platform = platform
        self.options = options
        self.header = find_header(
            self.table, platform.is_header, platform.describe_header()
        )
        self.columns = platform.column_map(file_name, self.header)
        self.stats = ReadStats()
        self.locale, self.id_shapes = self._profile()

    def _profile(self) -> tuple[NumberLocale, IdShapes]:
        detector = NumberFormatDetector()
        id_shapes = IdShapes()
        numeric = [
            (position, self.header.names[position])
            for name in NUMERIC_FIELDS
            for position in self.columns.positions.get(name, [])
        ]
        ids = [
            (name, positions[0])
            for name in ID_FIELDS
            if (positions := self.columns.positions.get(name))
        ]

        for record in data_records(self.table, self.header):
            for position, column in numeric:
                detector.observe(record.cells[position], record.line, column)
            for name, position in ids:
                id_shapes.observe(name, record.cells[position])

        return detector.decide(self.file_name, self.options.locale), id_shapes

    def rows(self) -> Iterator[AdRow]:
        """Yield the valid rows; raise ImportFileError at the end if any row is invalid.

        After the first invalid row (without `skip_invalid`) no more rows are yielded,
        but the rest of the file is still checked so the error lists every bad line.
        """
        parser = RowParser(self.columns, self.options, self.locale, self.id_shapes)
        failed = False
        for record in data_records(self.table, self.header):
            self.stats.rows_read += 1
            try:
                parsed = parser.parse(record)
            except RowError as error:
                self.stats.add_problem(error.problem)
                if self.options.skip_invalid:
                    self.stats.skip("invalid row", record.line)
                else:
                    failed = True
                continue

            if isinstance(parsed, SkippedRow):
                self.stats.skip(parsed.reason, parsed.line)
            elif not failed:
                yield parsed

        if failed:
            raise self._invalid_rows_error()

    def _invalid_rows_error(self) -> ImportFileError:
        lines = self.stats.invalid_lines
        first = self.stats.problems[0]
        if lines.count == 1:
            message = first.describe()
        else:
            message = (
                f"{lines.count} invalid rows (lines {lines}); first: {first.describe()}"
            )
        return ImportFileError(
            self.file_name,
            message,
            list(self.stats.problems),
            problem_count=lines.count,
        )
