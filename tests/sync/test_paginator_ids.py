"""The paginator reads an id sent as a JSON number and as text as the same id."""

from __future__ import annotations

from typing import Any

from timetrack.source.paginator import OverlappingOffsetPaginator


class _Body:
    """A response whose JSON body has only `total`, as update_state reads it."""

    def __init__(self, total: int) -> None:
        self.total = total

    def json(self) -> dict[str, Any]:
        return {"total": self.total}


def test_number_and_text_id_match() -> None:
    # Numbers on the first page, text on the second; they overlap on id 10.
    pages = {
        0: [{"id": number} for number in range(1, 11)],
        9: [{"id": str(number)} for number in range(10, 16)],
    }
    paginator = OverlappingOffsetPaginator(limit=10)
    requests = 0
    while paginator.has_next_page and requests < 10:
        records = pages.get(paginator.current_value, [])
        paginator.update_state(_Body(15), records)  # type: ignore[arg-type]
        requests += 1
    assert paginator.pass_number == 1
    assert requests == 2
    assert len(paginator.read_ids) == 15
