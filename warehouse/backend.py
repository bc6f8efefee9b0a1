"""Which store the settings name: the embedded DuckDB file or the DuckLake catalog.

A module of its own so that `warehouse.db` (the embedded file, which the DuckLake backend
builds on) never imports `warehouse.lake` back.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from warehouse.db import Database
from warehouse.lake import LakeDatabase

if TYPE_CHECKING:
    from pipeline.settings import StorageSettings


def open_database(storage: StorageSettings, env: Mapping[str, str] | None = None) -> Database:
    """The store `storage` names: the embedded file, or the DuckLake catalog (whose
    PostgreSQL password is read from `env`, by default the process environment)."""
    if storage.backend == "ducklake":
        return LakeDatabase(storage, os.environ if env is None else env)
    return Database(storage.database, storage.lock_timeout_s, storage.checkpoint_wal_mb)
