"""Streaming reader for CSV and XLSX exports.

A file is read row by row and never loaded whole. It can be read more than once,
because the number convention is decided from a first pass over every numeric cell.
"""

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, BinaryIO

import openpyxl

from creatives.imports.errors import ImportFileError, file_error
from creatives.imports.parsing.numbers import Cell

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

SNIFF_BYTES = 64 * 1024
MAX_TITLE_LINES = 20
DELIMITERS = ",;\t"
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True, slots=True)
class Record:
    """One row of a table; `line` is the 1-based line (or sheet row) where it starts."""

    line: int
    cells: list[Cell]

    def is_empty(self) -> bool:
        return all(cell == "" for cell in self.cells)


@dataclass(frozen=True, slots=True)
class Header:
    """The header row and the report title lines found above it."""

    line: int
    names: list[str]
    title_lines: list[list[str]]

    def index(self, name: str) -> int | None:
        expected = name.strip().casefold()
        for position, column in enumerate(self.names):
            if column.casefold() == expected:
                return position
        return None


def _decode_bom(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8"


def _xlsx_cell(value: object) -> Cell:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # repr gives the shortest text that round-trips, so 0.1 stays 0.1.
        return Decimal(repr(value))
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, time):
        return value.isoformat()
    return str(value)


class _CountingReader(io.RawIOBase):
    """A binary file that reports how many bytes were read, for progress bars."""

    def __init__(self, raw: BinaryIO, on_read: Callable[[int], None]) -> None:
        self._raw = raw
        self._on_read = on_read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: "WriteableBuffer") -> int:
        count = self._raw.readinto(buffer)  # type: ignore[attr-defined]
        self._on_read(count or 0)
        return int(count or 0)

    def close(self) -> None:
        self._raw.close()
        super().close()


class TableFile:
    """A CSV (comma, semicolon or tab separated) or XLSX file on disk.

    `on_read`, when set, receives the number of bytes of every read of a CSV file.
    """

    def __init__(self, path: Path, file_name: str | None = None) -> None:
        self.path = path
        self.file_name = file_name or path.name
        self.on_read: Callable[[int], None] | None = None
        with path.open("rb") as handle:
            head = handle.read(4)
        self.is_xlsx = head.startswith(_ZIP_MAGIC)
        self.encoding = "" if self.is_xlsx else _decode_bom(head)
        self.delimiter = "" if self.is_xlsx else self._sniff_delimiter()

    def records(self) -> Iterator[Record]:
        """Yield every row of the file, title lines and empty rows included."""
        if self.is_xlsx:
            yield from self._xlsx_records()
        else:
            yield from self._csv_records()

    def _open_text(self) -> IO[str]:
        if self.on_read is None:
            return self.path.open(encoding=self.encoding, newline="")
        counting = _CountingReader(self.path.open("rb"), self.on_read)
        buffered = io.BufferedReader(counting)
        return io.TextIOWrapper(buffered, encoding=self.encoding, newline="")

    def _sniff_delimiter(self) -> str:
        try:
            with self._open_text() as handle:
                sample = handle.read(SNIFF_BYTES)
        except UnicodeDecodeError as error:
            raise self._encoding_error(error) from error

        # A truncated last line would mislead the sniffer.
        if len(sample) == SNIFF_BYTES and "\n" in sample:
            sample = sample[: sample.rindex("\n")]
        lines = sample.splitlines(keepends=True)

        sniffer = csv.Sniffer()
        # Report title lines above the header have no delimiters, so retry without them.
        for skip in range(min(len(lines), MAX_TITLE_LINES)):
            try:
                return sniffer.sniff(
                    "".join(lines[skip:]), delimiters=DELIMITERS
                ).delimiter
            except csv.Error:
                continue

        if not any(mark in sample for mark in DELIMITERS):
            return ","
        raise file_error(
            self.file_name,
            "cannot detect the delimiter; save the file with commas, semicolons or "
            "tabs between the columns",
        )

    def _encoding_error(self, error: UnicodeDecodeError) -> ImportFileError:
        return file_error(
            self.file_name,
            f"is not UTF-8 text (byte {error.object[error.start : error.start + 1]!r} "
            f"at offset {error.start}); save the file as UTF-8 CSV or as XLSX",
        )

    def _csv_records(self) -> Iterator[Record]:
        with self._open_text() as handle:
            reader = csv.reader(handle, delimiter=self.delimiter, strict=True)
            last_line = 0
            try:
                for cells in reader:
                    yield Record(last_line + 1, list(cells))
                    last_line = reader.line_num
            except UnicodeDecodeError as error:
                raise self._encoding_error(error) from error
            except csv.Error as error:
                raise file_error(
                    self.file_name, f"is not valid CSV ({error})", line=last_line + 1
                ) from error

    def _xlsx_records(self) -> Iterator[Record]:
        workbook = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield Record(number, [_xlsx_cell(value) for value in row])
        finally:
            workbook.close()


def find_header(
    table: TableFile,
    is_header: Callable[[list[str]], bool],
    expected: str,
) -> Header:
    """Find the header row among the first lines; the lines above it are titles."""
    titles: list[list[str]] = []
    for record in table.records():
        names = [str(cell).strip() for cell in record.cells]
        while names and names[-1] == "":
            names.pop()
        if is_header(names):
            return Header(record.line, names, titles)
        titles.append(names)
        if len(titles) >= MAX_TITLE_LINES:
            break

    raise file_error(
        table.file_name,
        f"no header row found in the first {MAX_TITLE_LINES} lines; "
        f"expected {expected}",
    )


def data_records(table: TableFile, header: Header) -> Iterator[Record]:
    """Yield the rows below the header, each padded or checked to the header's width."""
    width = len(header.names)
    for record in table.records():
        if record.line <= header.line:
            continue
        cells = record.cells
        if len(cells) > width:
            if any(cell != "" for cell in cells[width:]):
                raise file_error(
                    table.file_name,
                    f"row has {len(cells)} fields but the header has {width}",
                    line=record.line,
                )
            cells = cells[:width]
        elif len(cells) < width:
            if cells and not table.is_xlsx and any(cell != "" for cell in cells):
                raise file_error(
                    table.file_name,
                    f"row has {len(cells)} fields but the header has {width}",
                    line=record.line,
                )
            cells = cells + [""] * (width - len(cells))
        yield Record(record.line, cells)
