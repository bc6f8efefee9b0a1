"""How the commands that read what is stored find their database.

`make demo` fills the demo's database (`data/demo.duckdb`, from `seeds/demo.toml`), kept
apart from a real one so that seed articles and the demo's loopback feeds never mix with
what `newsmon ingest` stores. The README's next commands (`newsmon sql`, `report`,
`digest`, `search`, ...) then run with no config at all: with no config file anywhere
(no `--config`, no `$NEWSMON_CONFIG`, no `./newsmon.toml`), no `$NEWSMON_DB`, and no
database at the default place, the demo's database is the one there is to read, and the
command says so on stderr. Once `newsmon init` has written a config, or an ingest has
filled `data/newsmon.duckdb`, that is what they read.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from rich.console import Console

from pipeline.settings import Settings, load_settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEMO_CONFIG = PROJECT_ROOT / "seeds" / "demo.toml"
_err = Console(stderr=True)


def reading_settings(
    config: Path | None, env: Mapping[str, str] | None = None, demo_config: Path | None = None
) -> Settings:
    """The settings of a command that reads the store (raises `SettingsError`)."""
    env = os.environ if env is None else env
    settings = load_settings(config, dict(env))
    demo = _demo_database(settings, env, demo_config or DEMO_CONFIG)
    if demo is None:
        return settings
    _err.print(
        f"reading the demo's database, {demo} (no newsmon.toml here; "
        "`newsmon init` writes one of your own)",
        style="dim",
        highlight=False,
        markup=False,
    )
    storage = settings.storage.model_copy(update={"database": demo})
    return settings.model_copy(update={"storage": storage})


def _demo_database(settings: Settings, env: Mapping[str, str], demo_config: Path) -> Path | None:
    unconfigured = settings.source is None and not env.get("NEWSMON_DB")
    if not unconfigured or settings.storage.database.exists() or not demo_config.is_file():
        return None
    demo = load_settings(demo_config, env={}).storage.database.resolve()
    if not demo.exists():
        return None
    # As the README writes it (data/demo.duckdb) when run in the project folder.
    return demo.relative_to(Path.cwd()) if demo.is_relative_to(Path.cwd()) else demo
