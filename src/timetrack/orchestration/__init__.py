"""Running syncs from an orchestrator: accounts, and Dagster assets in `dagster_defs`.

Importing this package does not import Dagster; only `dagster_defs` does.
"""
