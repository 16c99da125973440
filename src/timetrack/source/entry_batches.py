"""The resource step that turns batches of API time entries into loadable rows.

One step does the per-entry work of a sync: normalize each entry
(`normalize_time_entry`), reject the ones that cannot load (`PageValidator`),
drop entries already read in this run, remember running timers, and hand dlt
an Arrow table. A batch in the plain JSON shape takes the columnar path
(`columnar.normalize_batch`), which does the same on whole Arrow columns. Any
other batch goes record by record.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import dlt
import pyarrow as pa
from dlt.common.normalizers.utils import generate_dlt_ids
from dlt.extract.items_transform import ItemTransform

from timetrack.source.arrow import ArrowPages
from timetrack.source.batches import record_offsets
from timetrack.source.columnar import normalize_batch
from timetrack.source.normalize import normalize_time_entry
from timetrack.source.running import track_running_entries, track_running_table
from timetrack.source.validate import REJECTED_TABLE, PageValidator

__all__ = ["ROW_ID", "TimeEntryBatches", "with_row_ids"]

logger = logging.getLogger(__name__)

# dlt's row id column. Added here, so dlt's normalize step can take the Parquet
# files as they are instead of rewriting every row to add it.
ROW_ID = "_dlt_id"
_ROW_ID_FIELD = pa.field(ROW_ID, pa.string(), nullable=False)


def with_row_ids(table: pa.Table) -> pa.Table:
    """Return `table` with a `_dlt_id` column of new ids, as dlt generates them."""
    if ROW_ID in table.column_names:
        return table
    ids = pa.array(generate_dlt_ids(table.num_rows), pa.string())
    return table.append_column(_ROW_ID_FIELD, ids)


class TimeEntryBatches(ItemTransform[Any]):
    """Resource step from batches of API time entries to rows for the destination.

    With `arrow` off, rows stay dicts (for destinations whose Arrow loading
    differs, see `sync.run`). `running_state` returns the dict of running-timer
    ids to update; by default the one in the dlt source state. `columnar_batches`
    and `record_batches` count the batches each path took, and `validator` contains the
    reject and repeat counts. `columnar` off sends every batch record by record.
    """

    def __init__(
        self,
        columns: Mapping[str, Mapping[str, Any]],
        *,
        arrow: bool = True,
        nested_json: bool = False,
        running_state: Callable[[], dict[str, bool]] | None = None,
        columnar: bool = True,
    ) -> None:
        super().__init__(lambda item: item)
        self.running_state = running_state
        self.columnar = columnar
        self.validator = PageValidator()
        self.to_arrow = ArrowPages(columns, nested_json=nested_json) if arrow else None
        self.columnar_batches = 0
        self.record_batches = 0

    def __call__(self, item: Any, meta: Any = None) -> Iterator[Any]:
        """Yield the rejects of `item`, if any, then its rows."""
        records: list[Any] = item if isinstance(item, list) else [item]
        if not records:
            return
        if self.to_arrow is not None and self.columnar:
            table = normalize_batch(
                records, self.to_arrow.schema, self.to_arrow.converters
            )
            if table is not None:
                self.columnar_batches += 1
                table = self._drop_repeated(table)
                track_running_table(table, self._state())
                if table.num_rows:
                    yield with_row_ids(table)
                return
        self.record_batches += 1
        yield from self._record_path(records, item)

    def _state(self) -> dict[str, bool] | None:
        return self.running_state() if self.running_state is not None else None

    def _drop_repeated(self, table: pa.Table) -> pa.Table:
        keep = self.validator.keep_new(table.column("id"))
        return table if keep is None else table.filter(pa.array(keep, pa.bool_()))

    def _record_path(self, records: list[Any], item: Any) -> Iterator[Any]:
        normalized = [
            normalize_time_entry(record) if isinstance(record, dict) else record
            for record in records
        ]
        valid, rejects = self.validator.split(normalized, record_offsets(item))
        if rejects:
            yield dlt.mark.with_table_name(rejects, REJECTED_TABLE)
        if not valid:
            return
        track_running_entries(valid, self._state())
        rows = valid if self.to_arrow is None else self.to_arrow(valid)
        yield with_row_ids(rows) if isinstance(rows, pa.Table) else rows
