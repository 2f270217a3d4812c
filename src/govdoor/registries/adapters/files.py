"""CSV and XLSX sources: one header row of field names, then one record per row.

Why coerce by schema: a spreadsheet knows only text and numbers, a register's schema knows
integers, booleans and nested objects; an empty cell means "no value", not "".
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import IO, Any

from govdoor.registries.adapters import Row, adapters


def _types(json_schema: dict[str, Any]) -> dict[str, Any]:
    return {name: spec.get("type") for name, spec in json_schema.get("properties", {}).items()}


def coerce(value: Any, kind: Any) -> Any:
    """Turn a cell into the schema's type where that is unambiguous; leave it for the validator
    to refuse (naming the field) otherwise."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    if hasattr(value, "isoformat"):  # openpyxl dates
        return value.date().isoformat() if hasattr(value, "date") else value.isoformat()
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    text = str(value).strip()
    try:
        if kind == "integer":
            return int(float(text)) if float(text).is_integer() else text
        if kind == "number":
            return float(text) if not isinstance(value, int | float) else value
        if kind == "boolean":
            lowered = text.lower()
            return {
                "true": True,
                "1": True,
                "yes": True,
                "false": False,
                "0": False,
                "no": False,
            }.get(lowered, text)
        if kind in ("object", "array"):
            return json.loads(text)
    except (ValueError, json.JSONDecodeError):
        return text
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return text


def _row(header: list[str], cells: list[Any], types: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, cell in zip(header, cells, strict=False):
        if not name:
            continue
        value = coerce(cell, types.get(name))
        if value is not None:
            out[name] = value
    return out


@adapters.register("csv")
class CsvSource:
    def __init__(self, stream: IO[bytes] | IO[str], json_schema: dict[str, Any]) -> None:
        raw = stream.read()
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
        self._reader = csv.reader(io.StringIO(text))
        self._types = _types(json_schema)

    def rows(self) -> Iterator[Row]:
        header: list[str] | None = None
        for number, cells in enumerate(self._reader, start=1):
            if header is None:
                header = [c.strip() for c in cells]
                continue
            if not any(c.strip() for c in cells):
                continue
            yield number, _row(header, cells, self._types)


@adapters.register("xlsx")
class XlsxSource:
    def __init__(self, stream: IO[bytes], json_schema: dict[str, Any]) -> None:
        from openpyxl import load_workbook

        self._book = load_workbook(stream, read_only=True, data_only=True)
        self._types = _types(json_schema)

    def rows(self) -> Iterator[Row]:
        sheet = self._book.worksheets[0]
        header: list[str] | None = None
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if header is None:
                header = [str(c).strip() if c is not None else "" for c in cells]
                continue
            if all(c is None or str(c).strip() == "" for c in cells):
                continue
            yield number, _row(header, list(cells), self._types)


def source_for(filename: str, stream: IO[Any], json_schema: dict[str, Any]) -> Any:
    kind = "xlsx" if filename.lower().endswith(".xlsx") else "csv"
    return adapters.get(kind)(stream, json_schema)
