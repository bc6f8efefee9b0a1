"""The store's errors, worded for the operator (a module of their own, so every other
warehouse module can raise them without importing the connection code)."""

from __future__ import annotations


class StoreError(Exception):
    """A store problem worded for the operator."""


class StoreBusy(StoreError):
    """Another process held the database for longer than the lock timeout."""


class StoreMissing(StoreError):
    """There is no database to read yet."""
