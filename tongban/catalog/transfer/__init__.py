"""Import and export of the catalog as Excel (.xlsx) and JSON.

Counties keep their item lists in Excel, so the workbook is the primary format: four sheets
(事项, 申请材料, 办理环节, 收费项目) joined by 实施编码. JSON carries the same records nested.
An import is all or nothing: every problem in the file is reported with its sheet, row and
column (or JSON path) in Chinese, and nothing is written unless the whole file is valid.
"""

from ._common import (
    JSON_FORMAT,
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    CellError,
    ImportRejected,
    Record,
    Where,
)
from .columns import (
    ELEMENT_KEYS,
    FEE_COLUMNS,
    HEADER,
    ITEM_COLUMNS,
    MATERIAL_COLUMNS,
    SHEETS,
    STAGE_COLUMNS,
)
from .exporting import export_records, exported_version, to_json, to_xlsx
from .importing import ImportResult, catalog_import
from .reading import read_json, read_xlsx

__all__ = [
    "ELEMENT_KEYS",
    "FEE_COLUMNS",
    "HEADER",
    "ITEM_COLUMNS",
    "JSON_FORMAT",
    "MATERIAL_COLUMNS",
    "MAX_ROWS",
    "MAX_UPLOAD_BYTES",
    "SHEETS",
    "STAGE_COLUMNS",
    "CellError",
    "ImportRejected",
    "ImportResult",
    "Record",
    "Where",
    "catalog_import",
    "export_records",
    "exported_version",
    "read_json",
    "read_xlsx",
    "to_json",
    "to_xlsx",
]
