"""The storage format of the warehouse file: a file newsmon creates is in DuckDB's current
format (whose checkpoints write only the index buffers a batch changed), and
`newsmon upgrade-storage` copies a file of the old format into it, losing nothing (its
committed log included), keeping the file as it was beside it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from flows.cli import app
from pipeline.tagging.tagger import tag
from pipeline.tagging.watchlist import load_watchlist
from tests.records import stored_article
from warehouse import store, tags
from warehouse.db import STORAGE_VERSION, Database
from warehouse.store import Batch

runner = CliRunner()
STAMP = datetime(2025, 5, 6, 10, 0, tzinfo=UTC)
TEXT = (
    "Nvidia signed a $2 billion contract to supply chips to Oracle for its data centres. "
    "Oracle will also buy networking gear from Nvidia, the companies said on Monday."
)


def _old_file(path: Path) -> Database:
    """A warehouse in the format DuckDB writes by default (readable by DuckDB 1.0), with
    articles, tags, summaries and postings, its last batch still in the log."""
    duckdb.connect(str(path), config={"storage_compatibility_version": "v1.0.0"}).close()
    db = Database(path)
    db.migrate()
    watchlist = load_watchlist()
    tags.sync_entities(db, watchlist.entities)
    for n in range(2):
        article = stored_article(f"https://news.example/{n}", f"{TEXT} Part {n}.", STAMP, STAMP)
        tagged = [tag(article.article_id, article.text, watchlist, article.published)]
        store.store_batch(db, "run", Batch((), [article], {}, (), {}, tagged), {}, keep_raw=False)
    assert db.log_mb() > 0, "the last batch waits in the log"
    return db


def _contents(db: Database) -> dict[str, list[tuple]]:
    with db.reader() as con:
        tables = [r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()]
        rows = {t: con.execute(f'select * from "{t}" order by all').fetchall() for t in tables}
        rows["keys"] = con.execute(
            "select table_name, constraint_text from duckdb_constraints() "
            "where constraint_type in ('PRIMARY KEY', 'UNIQUE') order by all"
        ).fetchall()
        rows["views"] = con.execute(
            "select view_name from duckdb_views() where not internal order by all"
        ).fetchall()
    return rows


def test_a_new_file_is_in_the_current_format(tmp_path: Path) -> None:
    db = Database(tmp_path / "new.duckdb")
    db.migrate()
    assert db.storage_version() == f"{STORAGE_VERSION}+"


def test_upgrade_storage_copies_everything_and_keeps_the_old_file(tmp_path: Path) -> None:
    db = _old_file(tmp_path / "cli.duckdb")
    assert db.storage_version() == "v1.0.0+"
    before = _contents(db)
    assert before["articles"] and before["mentions"] and before["search_postings"]
    config = tmp_path / "newsmon.toml"
    config.write_text('[storage]\ndatabase = "cli.duckdb"\n')

    done = runner.invoke(app, ["upgrade-storage", "--config", str(config)])
    assert done.exit_code == 0, done.output
    assert db.storage_version() == f"{STORAGE_VERSION}+"
    assert not db.wal_path.exists()
    assert _contents(db) == before
    kept = Database(tmp_path / "cli.duckdb.before-upgrade")
    assert kept.storage_version() == "v1.0.0+" and _contents(kept) == before

    # the upgraded file takes the next batch, its keys still keep an article once
    article = stored_article("https://news.example/0", TEXT, STAMP, STAMP)
    later = stored_article("https://news.example/later", f"{TEXT} Later.", STAMP, STAMP)
    batch = Batch((), [article, later], {}, (), {}, [])
    store.store_batch(db, "run-2", batch, {}, keep_raw=False)
    with db.reader() as con:
        assert con.execute("select count(*) from articles").fetchone()[0] == 3

    again = runner.invoke(app, ["upgrade-storage", "--config", str(config)])
    assert again.exit_code == 0 and "already" in again.output


def test_upgrade_storage_leaves_the_file_when_the_old_one_is_in_the_way(tmp_path: Path) -> None:
    db = _old_file(tmp_path / "w.duckdb")
    before = _contents(db)
    in_the_way = tmp_path / "w.duckdb.before-upgrade"
    in_the_way.write_text("an earlier upgrade's file, not yet moved away")
    config = tmp_path / "newsmon.toml"
    config.write_text('[storage]\ndatabase = "w.duckdb"\n')
    done = runner.invoke(app, ["upgrade-storage", "--config", str(config)])
    assert done.exit_code == 3 and "in the way" in done.output
    assert db.storage_version() == "v1.0.0+" and _contents(db) == before
    assert in_the_way.read_text().startswith("an earlier upgrade")
