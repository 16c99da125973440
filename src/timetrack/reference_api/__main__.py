"""Run the reference API in the foreground: ``python -m timetrack.reference_api``."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from types import FrameType

from timetrack.reference_api.fault_config import load_fault_plan
from timetrack.reference_api.faults import FaultPlan
from timetrack.reference_api.server import ReferenceApi

logger = logging.getLogger("timetrack.reference_api")


class _StopRequestedError(Exception):
    """Raised by the SIGTERM handler to leave the serving loop."""


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _StopRequestedError(signal.Signals(signum).name)


def _parse_end(value: str) -> datetime:
    try:
        end = datetime.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"invalid ISO-8601 time {value!r}") from error
    if end.utcoffset() is None:
        raise argparse.ArgumentTypeError(
            f"--end needs a UTC offset such as Z or +02:00, got {value!r}"
        )
    return end


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line of the reference API server."""
    parser = argparse.ArgumentParser(
        prog="python -m timetrack.reference_api",
        description=(
            "Serve a local time-tracking API with generated data. Prints "
            "'serving URL' on stdout once the port is bound."
        ),
    )

    parser.add_argument("--host", default="127.0.0.1", help="IP address to bind")
    parser.add_argument(
        "--port", type=int, default=0, help="TCP port to bind (0 picks a free one)"
    )

    parser.add_argument(
        "--size", type=int, default=1000, help="number of time entries to generate"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for the data")
    parser.add_argument(
        "--end",
        type=_parse_end,
        default=None,
        help="end of the 90-day data window, ISO-8601 with offset (default: now)",
    )

    parser.add_argument(
        "--api-key", default="reference-key", help="api_key that requests must send"
    )
    parser.add_argument(
        "--latency",
        type=float,
        default=0.0,
        help="seconds to wait before each response",
    )
    parser.add_argument(
        "--max-limit",
        type=int,
        default=1000,
        help="maximum limit a request may ask for",
    )

    parser.add_argument(
        "--faults", type=Path, default=None, help="JSON fault plan file"
    )
    parser.add_argument(
        "--fault-seed", type=int, default=None, help="seed of random faults"
    )
    parser.add_argument(
        "--fault-rate",
        type=float,
        default=0.1,
        help="share of time entry requests that get a random fault, 0 to 1",
    )
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="log each request to stderr, with the api_key masked",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Generate the data, print the URL and serve until SIGTERM or Ctrl-C."""
    arguments = parse_arguments(argv)
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.INFO if arguments.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        faults = None
        if arguments.faults is not None and arguments.fault_seed is not None:
            raise ValueError("give --faults or --fault-seed, not both")
        if arguments.faults is not None:
            faults = load_fault_plan(arguments.faults)
        elif arguments.fault_seed is not None:
            faults = FaultPlan.seeded(arguments.fault_seed, arguments.fault_rate)
        api = ReferenceApi(
            size=arguments.size,
            seed=arguments.seed,
            end=arguments.end,
            api_key=arguments.api_key,
            host=arguments.host,
            port=arguments.port,
            latency=arguments.latency,
            max_limit=arguments.max_limit,
            verbose=arguments.verbose,
            faults=faults,
        ).bind()
    except (ValueError, OSError) as error:
        logger.error("could not start the reference API: %s", error)
        return 2
    url = api.url
    signal.signal(signal.SIGTERM, _raise_stop)
    try:
        print(f"serving {url}", flush=True)
        logger.info("serving %d time entries at %s", api.store.total(), url)
        api.serve_forever()
    except (KeyboardInterrupt, _StopRequestedError) as reason:
        logger.info("stopped serving %s (%s)", url, type(reason).__name__)
    finally:
        api.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
