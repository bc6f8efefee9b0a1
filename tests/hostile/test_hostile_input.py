"""Config and CLI input never reach SQL as text: names made of SQL are stored as names."""

from __future__ import annotations

from pathlib import Path

import duckdb
from typer.testing import CliRunner

from flows.cli import app
from pipeline.settings import FeedSettings
from tests.hostile.conftest import write_config
from warehouse import store
from warehouse.db import Database

runner = CliRunner()
NAMES = [
    "x'); drop table articles; --",
    'q" or 1=1 --',
    "semi; delete from feeds",
    "$1 ? :name %s {}",
    "ünïcode\u202e\u0000nul",
]


def test_sql_in_feed_names_is_stored_as_text(tmp_path: Path) -> None:
    db = Database(tmp_path / "n.duckdb")
    db.migrate()
    feeds = [FeedSettings(name=n, url=f"https://a.example/{i}") for i, n in enumerate(NAMES)]
    store.sync_feeds(db, feeds)
    with duckdb.connect(str(db.path), read_only=True) as con:
        names = {row[0] for row in con.execute("select name from feeds").fetchall()}
        tables = {
            row[0] for row in con.execute("select table_name from duckdb_tables()").fetchall()
        }
    assert names == set(NAMES)
    assert {"articles", "feeds", "entries"} <= tables
    for name in NAMES:
        assert store.enable_feed(db, name) == "enabled"
    assert store.enable_feed(db, "' or '1'='1") == "missing"


def test_sql_in_cli_arguments_is_an_argument(tmp_path: Path) -> None:
    config = write_config(tmp_path / "newsmon.toml", tmp_path / "n.duckdb", {})
    name = "evil'); drop table feeds; --"
    added = runner.invoke(
        app, ["feeds", "add", "https://b.example/rss?a='1'", "--name", name, "-c", str(config)]
    )
    assert added.exit_code == 0, added.output
    missing = runner.invoke(app, ["feeds", "enable", "x' or '1'='1", "-c", str(config)])
    assert missing.exit_code == 2 and "no feed named" in missing.output
    enabled = runner.invoke(app, ["feeds", "enable", name, "-c", str(config)])
    assert enabled.exit_code == 0, enabled.output
    removed = runner.invoke(app, ["feeds", "remove", name, "-c", str(config)])
    assert removed.exit_code == 0, removed.output
    with duckdb.connect(str(tmp_path / "n.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from feeds").fetchone() == (0,)
