"""API accounts that an orchestrator syncs side by side, read from dlt config.

A `.dlt/config.toml` lists the accounts and their settings:

    [timetrack]
    accounts = ["acme", "globex"]

    [timetrack.acme]
    base_url = "https://acme.example.com"
    dataset = "acme_time"

and `.dlt/secrets.toml` (or `TIMETRACK__ACME__API_KEY`) contains each key:

    [timetrack.acme]
    api_key = "..."
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import dlt

from timetrack.errors import ConfigError
from timetrack.redact import register_secret
from timetrack.sync.settings import SyncSettings

__all__ = ["Account", "load_accounts"]

_ACCOUNT_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

# Keys of the [timetrack] section that are settings, not account names.
_RESERVED_NAMES = frozenset({"accounts", "destination", "pipelines_dir", "schedule"})


@dataclass(frozen=True)
class Account:
    """One API account: its own base URL, key, dataset and dlt pipeline.

    `api_key` None means it is read from dlt secrets when the sync runs, so
    the key only has to exist on the worker that runs it.
    """

    name: str
    base_url: str
    dataset: str = ""
    api_key: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not _ACCOUNT_NAME.match(self.name) or self.name in _RESERVED_NAMES:
            raise ConfigError(
                f"Invalid account name {self.name!r}: use lowercase letters, digits "
                "and underscores, starting with a letter (at most 40 characters), "
                f"and none of {', '.join(sorted(_RESERVED_NAMES))}."
            )
        if not self.dataset:
            object.__setattr__(self, "dataset", f"time_tracking_{self.name}")

    @property
    def pipeline_name(self) -> str:
        """The dlt pipeline of this account; one per account keeps state apart."""
        return f"timetrack_{self.name}"

    def resolve_api_key(self) -> str:
        """Return the key given, or the one in dlt secrets, or raise ConfigError."""
        key = self.api_key or dlt.secrets.get(f"timetrack.{self.name}.api_key", str)
        if not isinstance(key, str) or not key:
            variable = f"TIMETRACK__{self.name.upper()}__API_KEY"
            raise ConfigError(
                f"Missing API key of account {self.name!r}. Set {variable}, or "
                f"api_key under [timetrack.{self.name}] in .dlt/secrets.toml."
            )
        register_secret(key)
        return key

    def sync_settings(self, template: SyncSettings) -> SyncSettings:
        """Return `template` aimed at this account's API, dataset and pipeline."""
        return replace(
            template,
            base_url=self.base_url,
            api_key=self.resolve_api_key(),
            dataset_name=self.dataset,
            pipeline_name=self.pipeline_name,
        )


def load_accounts(names: Sequence[str] | None = None) -> list[Account]:
    """Read the accounts listed in `[timetrack] accounts` from dlt config.

    Keys are not read here but when each account syncs.
    """
    listed: Any = (
        names if names is not None else dlt.config.get("timetrack.accounts", list)
    )
    if not listed or isinstance(listed, str) or not isinstance(listed, Sequence):
        raise ConfigError(
            'Missing account list. Set accounts = ["name", ...] under [timetrack] '
            "in .dlt/config.toml, or TIMETRACK__ACCOUNTS='[\"name\", ...]'."
        )
    accounts: list[Account] = []
    for name in listed:
        base_url = dlt.config.get(f"timetrack.{name}.base_url", str)
        if not isinstance(base_url, str) or not base_url:
            raise ConfigError(
                f"Missing base URL of account {name!r}. Set base_url under "
                f"[timetrack.{name}] in .dlt/config.toml."
            )
        dataset = dlt.config.get(f"timetrack.{name}.dataset", str)
        accounts.append(
            Account(name=str(name), base_url=base_url, dataset=str(dataset or ""))
        )
    if len({account.name for account in accounts}) != len(accounts):
        raise ConfigError(f"Duplicate account names in {list(listed)!r}.")
    datasets = [account.dataset for account in accounts]
    if len(set(datasets)) != len(datasets):
        raise ConfigError(
            f"Accounts share a dataset in {datasets!r}: give each account its own "
            "dataset, or their rows would be merged into one table."
        )
    return accounts
