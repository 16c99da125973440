"""The `timetrack` command line."""
