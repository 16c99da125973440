"""Parse JSONPath texts with one shared parser, and each text only once.

dlt compiles cursor paths, data selectors and total paths with
`dlt.common.jsonpath.compile_path`, which builds a new parser, and its parse
tables, for every string: about 12 ms each on the benchmark machine. A sync
calls it dozens of times (per resource copy, per schema computation), which
cost more than half a second of a 100,000-entry sync. Parsed paths are
read-only objects, so one parsed path can serve every caller, and one parser
can parse every path.
"""

from __future__ import annotations

import functools
import importlib
import threading
from typing import Any

import dlt.common.jsonpath as dlt_jsonpath

__all__ = ["install_jsonpath_cache", "parse_path"]

_CACHE_SIZE = 256

_lock = threading.Lock()
_parsers: dict[bool, Any] = {}


def _new_parser(debug: bool) -> Any:
    # Imported by name: jsonpath-ng ships type hints from 1.17 on but not
    # before, and dlt 1.31 allows both.
    module = importlib.import_module("jsonpath_ng.ext.parser")
    parser_class = module.ExtendedJsonPathParser
    # jsonpath-ng 1.17 deprecates the debug argument, so it is passed only
    # when set.
    return parser_class(debug=True) if debug else parser_class()


@functools.lru_cache(maxsize=_CACHE_SIZE)
def parse_path(path: str, debug: bool = False) -> Any:
    """Parse `path` like `jsonpath_ng.ext.parse`, reusing one parser per mode."""
    # The parser keeps state while it parses, so one parse runs at a time.
    with _lock:
        parser = _parsers.get(debug)
        if parser is None:
            parser = _parsers[debug] = _new_parser(debug)
        return parser.parse(path)


def install_jsonpath_cache() -> None:
    """Make dlt's `compile_path` use `parse_path`; calling it again does nothing."""
    # NOTE: dlt 1.31's `compile_path` calls the module global `_parse` for every
    # string, so replacing that global reaches every caller.
    setattr(dlt_jsonpath, "_parse", parse_path)  # noqa: B010
