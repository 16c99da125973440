"""Turn each page of records into an Arrow table typed by the declared columns.

dlt normalizes Python dicts row by row (type checks, coercion, JSON writing),
which is most of the CPU time of a plain sync. An Arrow table with the declared
types lets dlt write the page to a load file as is.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import dlt
import orjson
import pyarrow as pa
from dlt.common.jsonpath import compile_path
from dlt.extract.items_transform import ItemTransform
from dlt.sources.rest_api.typing import RESTAPIConfig

__all__ = [
    "ArrowPages",
    "add_dlt_columns_to_arrow",
    "build_arrow_schema",
    "build_converters",
    "compile_data_selectors",
    "convert_page",
]

logger = logging.getLogger(__name__)

# dlt stores timezone-aware timestamps as UTC microseconds in DuckDB and
# PostgreSQL, so the page is cast straight to that type.
_TIMESTAMP = pa.timestamp("us", tz="UTC")

_JSON_LIST = pa.list_(pa.string())

_ARROW_TYPES: dict[str, pa.DataType] = {
    "text": pa.string(),
    "bigint": pa.int64(),
    "bool": pa.bool_(),
    "double": pa.float64(),
    # dlt loads a json column from an Arrow string holding the JSON text.
    "json": pa.string(),
}


def build_arrow_schema(columns: Mapping[str, Mapping[str, Any]]) -> pa.Schema:
    """Build the Arrow schema of the declared dlt column hints."""
    fields = []
    for name, hints in columns.items():
        data_type = hints["data_type"]
        if data_type == "timestamp":
            arrow_type = (
                _TIMESTAMP if hints.get("timezone", True) else pa.timestamp("us")
            )
        elif data_type in _ARROW_TYPES:
            arrow_type = _ARROW_TYPES[data_type]
        else:
            raise ValueError(
                f"Column {name!r} has data type {data_type!r}, which has no Arrow "
                f"mapping; supported: timestamp, {', '.join(sorted(_ARROW_TYPES))}."
            )
        fields.append(pa.field(name, arrow_type, nullable=hints.get("nullable", True)))
    return pa.schema(fields)


def _to_text(values: list[Any]) -> pa.Array:
    array = pa.array(values)
    if pa.types.is_integer(array.type) or pa.types.is_null(array.type):
        return array.cast(pa.string())
    if pa.types.is_string(array.type):
        return array
    raise TypeError(f"expected text or integer ids, got Arrow type {array.type}")


def _to_json_text(values: list[Any]) -> pa.Array:
    texts = [
        None if value is None else orjson.dumps(value).decode() for value in values
    ]
    return pa.array(texts, pa.string())


def _to_json_list(values: list[Any]) -> pa.Array:
    # A list of strings stays an Arrow list, which dlt maps to its json type
    # like the declared hint, so it loads as JSON without a type warning.
    # Other JSON values are stored as JSON text.
    try:
        return pa.array(values, _JSON_LIST)
    except (pa.ArrowException, TypeError):
        return _to_json_text(values)


def _to_timestamp(arrow_type: pa.DataType) -> Callable[[list[Any]], pa.Array]:
    def convert(values: list[Any]) -> pa.Array:
        # The profile mapping step hands over aware datetimes; Arrow keeps
        # their instant. ISO 8601 text with "Z" or "+05:30" offsets parses into
        # the UTC instant, and a string it cannot parse raises, so the page
        # falls back.
        array = pa.array(values)
        if pa.types.is_timestamp(array.type):
            if array.type.tz is None:
                raise TypeError("naive datetimes have no instant")
            return array.cast(arrow_type)
        return array.cast(pa.string()).cast(arrow_type)

    return convert


def _to_type(arrow_type: pa.DataType) -> Callable[[list[Any]], pa.Array]:
    def convert(values: list[Any]) -> pa.Array:
        # Arrow converts 1.5 to int64 1 when given the type up front, so the
        # type is inferred first and only exact matches are accepted.
        array = pa.array(values)
        if array.type == arrow_type or pa.types.is_null(array.type):
            return array.cast(arrow_type)
        if pa.types.is_floating(arrow_type) and pa.types.is_integer(array.type):
            return array.cast(arrow_type)
        raise TypeError(f"expected {arrow_type} values, got Arrow type {array.type}")

    return convert


def build_converters(
    schema: pa.Schema, columns: Mapping[str, Mapping[str, Any]], nested_json: bool
) -> list[Callable[[list[Any]], pa.Array]]:
    """Return one function per field of `schema` that builds its Arrow array."""
    converters: list[Callable[[list[Any]], pa.Array]] = []
    for field in schema:
        data_type = columns[field.name]["data_type"]
        if data_type == "text":
            converters.append(_to_text)
        elif data_type == "json":
            converters.append(_to_json_list if nested_json else _to_json_text)
        elif data_type == "timestamp":
            converters.append(_to_timestamp(field.type))
        else:
            converters.append(_to_type(field.type))
    return converters


def convert_page(
    rows: list[dict[str, Any]],
    schema: pa.Schema,
    converters: list[Callable[[list[Any]], pa.Array]],
) -> pa.Table | None:
    """Convert a page of records to a table of `schema`, or None if it does not fit.

    A page does not fit when a record has a field that is not declared, or a
    value that cannot be converted to its column's type exactly.
    """
    names = schema.names
    declared = set(names)
    for row in rows:
        if not declared.issuperset(row):
            return None
    arrays = []
    try:
        for name, convert in zip(names, converters, strict=True):
            arrays.append(convert([row.get(name) for row in rows]))
    except (pa.ArrowException, TypeError, ValueError, OverflowError) as error:
        logger.debug("Page of %d records kept as dicts: %s", len(rows), error)
        return None
    fields = [
        field.with_type(array.type) for field, array in zip(schema, arrays, strict=True)
    ]
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


class ArrowPages(ItemTransform[Any, dict[str, Any]]):
    """A resource step that turns each page (a list of dicts) into an Arrow table.

    A page that does not fit the declared columns passes through unchanged, so
    dlt normalizes it row by row as it would without this step. json columns
    become JSON text, on which dlt logs a warning per item that the Arrow type
    differs from the hint. With `nested_json`, lists of strings stay Arrow lists
    instead, which DuckDB loads as JSON but dlt's CSV writer for PostgreSQL
    rejects.
    """

    # Added as a step of its own, dlt places it by affinity after incremental
    # cursors (1) and before the item limit (1.1). `TimeEntryBatches` calls it
    # directly instead, before the incremental step.
    placement_affinity: ClassVar[float] = 1.05

    def __init__(
        self, columns: Mapping[str, Mapping[str, Any]], *, nested_json: bool = False
    ) -> None:
        super().__init__(lambda item: item)
        self.schema = build_arrow_schema(columns)
        self.converters = build_converters(self.schema, columns, nested_json)
        self.pages_converted = 0
        self.pages_kept = 0

    def __call__(self, item: Any, meta: Any = None) -> Any:
        """Return `item` as an Arrow table when it is a page of fitting records."""
        if not isinstance(item, list) or not item:
            return item
        if not all(isinstance(row, dict) for row in item):
            return item
        table = convert_page(item, self.schema, self.converters)
        if table is None:
            self.pages_kept += 1
            return item
        self.pages_converted += 1
        return table


def compile_data_selectors(config: RESTAPIConfig) -> RESTAPIConfig:
    """Return a copy of `config` whose data selectors are compiled JSONPaths.

    dlt 1.31 parses a string data selector again for every page, and building
    that parser costs more than the rest of a page's extraction.
    """
    resources: list[Any] = []
    for original in config["resources"]:
        resource: Any = original
        endpoint: Any = resource.get("endpoint") if isinstance(resource, dict) else None
        selector = endpoint.get("data_selector") if isinstance(endpoint, dict) else None
        if isinstance(selector, str):
            resource = {
                **resource,
                "endpoint": {**endpoint, "data_selector": compile_path(selector)},
            }
        resources.append(resource)
    compiled: RESTAPIConfig = {**config, "resources": resources}
    return compiled


def add_dlt_columns_to_arrow(pipeline_name: str) -> None:
    """Make pipeline `pipeline_name` add `_dlt_load_id` to Arrow items.

    dlt adds `_dlt_load_id` and `_dlt_id` to dict rows but not to Arrow tables
    by default. Without them, tables loaded by earlier versions (where both are
    NOT NULL) would reject the new rows, and fallback pages would differ from
    the rest. `_dlt_id` comes with the tables (`entry_batches.with_row_ids`):
    had dlt added it, its normalize step would rewrite every Parquet file.
    """
    # Scoped by the pipeline name, so other pipelines in the process keep
    # dlt's defaults.
    section = f"{pipeline_name}.normalize.parquet_normalizer"
    dlt.config[f"{section}.add_dlt_load_id"] = True
    dlt.config[f"{section}.add_dlt_id"] = False
