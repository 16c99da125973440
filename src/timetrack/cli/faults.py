"""The fault plan of `timetrack serve`, from a plan file or a seed and rate."""

from __future__ import annotations

from pathlib import Path

from timetrack.reference_api import FaultPlan, load_fault_plan

__all__ = ["build_serve_fault_plan"]


def build_serve_fault_plan(
    path: Path | None, seed: int | None, rate: float
) -> FaultPlan | None:
    """Return the plan from `path`, or a seeded one, or None for no faults.

    Raises ValueError when both are given or either is invalid.
    """
    if path is not None and seed is not None:
        raise ValueError(
            "--faults and --fault-seed both set a fault plan; give only one "
            "(a plan file may contain seed and rate)."
        )
    if path is not None:
        return load_fault_plan(path)
    if seed is not None:
        return FaultPlan.seeded(seed, rate)
    return None
