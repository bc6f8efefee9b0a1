"""How DuckDB is opened: its signed extensions come from the `duckdb-ext-*` wheels'
folder and are never installed or fetched at run time."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def extension_directory() -> str | None:
    """Where the `duckdb-ext-*` wheels put DuckDB's signed extension binaries."""
    try:
        import duckdb_ext  # namespace package of the duckdb-ext-* wheels
    except ImportError:
        return None
    for base in duckdb_ext.__path__:
        candidate = Path(base) / "extensions"
        if candidate.is_dir():
            return str(candidate)
    return None


def duckdb_config(read_only: bool) -> dict[str, Any]:
    """`duckdb.connect` settings: extensions from the wheels only; read-only if asked."""
    config: dict[str, Any] = {
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }
    ext_dir = extension_directory()
    if ext_dir:
        config["extension_directory"] = ext_dir
    if read_only:
        config["access_mode"] = "READ_ONLY"
    return config
