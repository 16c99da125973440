"""One sync at a time per pipeline: an exclusive lock file in the pipelines folder.

The lock is an `fcntl.flock` on `<pipelines dir>/<pipeline name>.lock`. The
operating system releases it when the process ends, however it ends, so a
killed sync never leaves a stale lock behind. The file itself stays, holding
the process id of the last holder for the error message.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from timetrack.errors import SyncLockedError

__all__ = ["hold_pipeline_lock", "lock_path"]

logger = logging.getLogger(__name__)

# How often a waiting sync tries the lock again, in seconds.
_POLL_INTERVAL = 0.2


def lock_path(pipelines_dir: Path, pipeline_name: str) -> Path:
    """Return the lock file of a pipeline."""
    return pipelines_dir / f"{pipeline_name}.lock"


def _try_lock(descriptor: int) -> bool:
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _read_holder(path: Path) -> str:
    try:
        holder = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return "another process"
    return f"process {holder}" if holder.isdigit() else "another process"


@contextlib.contextmanager
def hold_pipeline_lock(
    pipelines_dir: Path,
    pipeline_name: str,
    *,
    wait: float = 0.0,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[Path]:
    """Hold the pipeline's lock for the duration of the block.

    Waits up to `wait` seconds for another sync to finish, then raises
    `SyncLockedError` naming the lock file and the process holding it.
    """
    pipelines_dir.mkdir(parents=True, exist_ok=True)
    path = lock_path(pipelines_dir, pipeline_name)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        waited = 0.0
        while not _try_lock(descriptor):
            if waited >= wait:
                raise SyncLockedError(
                    f"Another sync of pipeline {pipeline_name!r} is running "
                    f"({_read_holder(path)}, lock file {path}). Wait for it to "
                    "finish, pass --wait SECONDS, or use another --pipeline-name."
                )
            if waited == 0:
                logger.info("Waiting up to %.0f s for the sync holding %s", wait, path)
            sleep(_POLL_INTERVAL)
            waited += _POLL_INTERVAL
        os.ftruncate(descriptor, 0)
        os.write(descriptor, str(os.getpid()).encode("ascii"))
        yield path
    finally:
        # Closing the descriptor releases the lock.
        os.close(descriptor)
