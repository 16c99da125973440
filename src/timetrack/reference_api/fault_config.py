"""Fault plans from JSON files and seeded random fault schedules.

A plan file is a JSON object with any of these keys::

    {
      "script": [null, {"kind": "status", "code": 503, "retry_after": "2"}],
      "offsets": {"100": [{"kind": "cap", "cap": 30}]},
      "seed": 7, "rate": 0.2, "per": "request", "kinds": ["status", "reset"]
    }

``script`` and ``offsets`` are the scripted schedules of ``FaultPlan``. With
``seed`` and ``rate``, every request they leave alone gets a random fault from
``kinds`` with probability ``rate``.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Literal

from timetrack.reference_api.faults import (
    Fault,
    FaultPlan,
    ResetFault,
    SlowFault,
    StatusFault,
)
from timetrack.reference_api.page_faults import (
    BadRecordFault,
    DuplicateRecordFault,
    EmptyPageFault,
    HtmlPageFault,
    PageCapFault,
    PageShapeFault,
    TotalFault,
    TruncatedFault,
)

__all__ = [
    "FAULT_KINDS",
    "RANDOM_FAULTS",
    "SeededFaults",
    "build_fault",
    "build_fault_plan",
    "load_fault_plan",
]

FAULT_KINDS: dict[str, type[Fault]] = {
    kind.kind: kind
    for kind in (
        StatusFault,
        ResetFault,
        SlowFault,
        TruncatedFault,
        HtmlPageFault,
        PageShapeFault,
        EmptyPageFault,
        TotalFault,
        PageCapFault,
        DuplicateRecordFault,
        BadRecordFault,
    )
}

# Faults a correct client survives by retrying or re-paging. Slow replies,
# bad records and a lowered total are left out: they need a client timeout,
# end in rejects, or are only safe on some pages.
RANDOM_FAULTS: dict[str, tuple[Fault, ...]] = {
    "status": (
        *(StatusFault(code) for code in (429, 500, 502, 503, 504)),
        StatusFault(429, retry_after="1"),
    ),
    "reset": (ResetFault(), ResetFault(after_headers=True), ResetFault(mid_body=True)),
    "truncated": (TruncatedFault(),),
    "html": (HtmlPageFault(),),
    "shape": (PageShapeFault("no_data"), PageShapeFault("data_not_list")),
    "empty": (EmptyPageFault(),),
    "cap": (PageCapFault(30),),
    "duplicate": (DuplicateRecordFault(),),
}


def build_fault(spec: Mapping[str, Any]) -> Fault:
    """Build a fault from ``{"kind": ..., field: value}``; ValueError if invalid."""
    kind = spec.get("kind")
    fault_class = FAULT_KINDS.get(str(kind))
    if fault_class is None:
        choices = ", ".join(sorted(FAULT_KINDS))
        raise ValueError(f"unknown fault kind {kind!r}; expected one of: {choices}")
    allowed = {item.name for item in fields(fault_class)}  # type: ignore[arg-type]
    arguments = {name: value for name, value in spec.items() if name != "kind"}
    unknown = sorted(set(arguments) - allowed)
    if unknown:
        raise ValueError(
            f"fault {kind!r} has no field {', '.join(unknown)}; "
            f"its fields are: {', '.join(sorted(allowed)) or 'none'}"
        )
    return fault_class(**arguments)


def _build_optional(spec: Mapping[str, Any] | None) -> Fault | None:
    return None if spec is None else build_fault(spec)


@dataclass(frozen=True)
class SeededFaults:
    """Random faults drawn from ``seed``: the same seed gives the same schedule.

    With ``per="request"`` the request number picks the fault. With
    ``per="page"`` the offset and the attempt at that offset pick it, so a
    page's faults do not depend on how many requests came before it.
    ``max_in_a_row`` caps the faults one page gets in a row, so a schedule can
    stay within a client's retry budget.
    """

    seed: int
    rate: float
    kinds: tuple[str, ...] = tuple(RANDOM_FAULTS)
    per: Literal["request", "page"] = "request"
    max_in_a_row: int | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.rate <= 1:
            raise ValueError(f"fault rate must be from 0 to 1, got {self.rate}")
        unknown = sorted(set(self.kinds) - set(RANDOM_FAULTS))
        if unknown or not self.kinds:
            choices = ", ".join(RANDOM_FAULTS)
            raise ValueError(
                f"invalid random fault kinds {', '.join(unknown) or '(none)'}; "
                f"choose from: {choices}"
            )
        if self.per not in ("request", "page"):
            raise ValueError(f"per must be 'request' or 'page', got {self.per!r}")

    def draw(
        self, request_number: int, offset: int | None, attempt: int
    ) -> Fault | None:
        """Return the fault for one request, or None to let it through."""
        if self.max_in_a_row is not None and attempt > self.max_in_a_row:
            return None
        if self.per == "page":
            rng = random.Random(f"{self.seed}:{offset}:{attempt}")
        else:
            rng = random.Random(f"{self.seed}:{request_number}")
        if rng.random() >= self.rate:
            return None
        kind = rng.choice(self.kinds)
        return rng.choice(RANDOM_FAULTS[kind])


def build_fault_plan(config: Mapping[str, Any]) -> FaultPlan:
    """Build a plan from a parsed plan file; ValueError names what is invalid."""
    known = {"script", "offsets", "seed", "rate", "per", "kinds", "max_in_a_row"}
    unknown = sorted(set(config) - known)
    if unknown:
        raise ValueError(
            f"unknown fault plan keys: {', '.join(unknown)}; "
            f"expected: {', '.join(sorted(known))}"
        )
    script: Sequence[Any] = config.get("script", [])
    by_offset: Mapping[str, Sequence[Any]] = config.get("offsets", {})
    drawn = None
    if "seed" in config or "rate" in config:
        drawn = SeededFaults(
            seed=int(config.get("seed", 0)),
            rate=float(config.get("rate", 0.1)),
            kinds=tuple(config.get("kinds", RANDOM_FAULTS)),
            per=config.get("per", "request"),
            max_in_a_row=config.get("max_in_a_row"),
        )
    return FaultPlan(
        scripted=[_build_optional(spec) for spec in script],
        by_offset={
            int(offset): [_build_optional(spec) for spec in specs]
            for offset, specs in by_offset.items()
        },
        drawn=drawn,
    )


def load_fault_plan(path: Path) -> FaultPlan:
    """Read a JSON plan file; ValueError names the file and what is wrong."""
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ValueError(f"could not read fault plan {path}: {error}") from None
    if not isinstance(config, dict):
        raise ValueError(f"fault plan {path} must be a JSON object")
    try:
        return build_fault_plan(config)
    except (TypeError, ValueError) as error:
        raise ValueError(f"invalid fault plan {path}: {error}") from None
