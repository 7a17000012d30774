"""What reading, importing and exporting share: limits, the rejection, and where a record
came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
JSON_FORMAT = "tongban-catalog"


class ImportRejected(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("；".join(errors))
        self.errors = errors


class CellError(Exception):
    pass


@dataclass
class Where:
    """Where a record or child row came from, to point errors at it."""

    sheet: str | None = None
    row: int | None = None
    columns: dict[str, int] = field(default_factory=dict)  # key -> column number
    path: str | None = None  # JSON path

    def at(self, key: str | None, header: str | None) -> str:
        if self.path is not None:
            return f"{self.path}" + (f".{key}" if key else "") + (f"（{header}）" if header else "")
        where = f"工作表“{self.sheet}”第 {self.row} 行"
        if key and key in self.columns:
            where += f" {get_column_letter(self.columns[key])} 列（{header}）"
        elif header:
            where += f"（{header}）"
        return where


@dataclass
class Record:
    where: Where
    data: dict[str, Any]
    materials: list[tuple[Where, dict]] = field(default_factory=list)
    stages: list[tuple[Where, dict]] = field(default_factory=list)
    fees: list[tuple[Where, dict]] = field(default_factory=list)
