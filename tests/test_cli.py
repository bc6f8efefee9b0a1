"""The CLI over the real pipeline: demo, status, feeds; errors without tracebacks."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app

runner = CliRunner()


def _config(tmp_path: Path, body: str = "") -> Path:
    path = tmp_path / "newsmon.toml"
    path.write_text(f'[storage]\ndatabase = "cli.duckdb"\n{body}')
    return path


@pytest.mark.usefixtures("prefect_harness")
def test_demo_twice_same_rows_and_304s(tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    first = runner.invoke(app, ["demo", "--database", str(db)])
    assert first.exit_code == 0, first.output
    second = runner.invoke(app, ["demo", "--database", str(db)])
    assert second.exit_code == 0, second.output
    table_rows = [line for line in second.stdout.splitlines() if "│" in line]
    # three seed feeds: RSS, Atom and the official newsroom's
    assert any("feeds_not_modified" in line and "│ 3 " in line for line in table_rows)
    assert any("articles " in line and "│ 4 " in line for line in table_rows)
    assert "deals confirmed by a primary source" in first.stdout  # the newsroom's post
    assert "alert written:" in first.stdout and list((tmp_path / "digests").glob("alert-*.md"))
    assert str(db.resolve()) in first.stdout.replace("\n", "")
    status = runner.invoke(app, ["status", "--config", str(_config(tmp_path, ""))])
    assert status.exit_code == 3 and "no database" in status.output  # cli.duckdb: not yet


def test_feeds_add_list_remove(tmp_path: Path) -> None:
    config = _config(tmp_path, '[[feeds]]\nname = "from-config"\nurl = "https://a.example/f.xml"\n')
    added = runner.invoke(
        app, ["feeds", "add", "https://b.example/rss", "--name", "extra", "--config", str(config)]
    )
    assert added.exit_code == 0, added.output
    listed = runner.invoke(app, ["feeds", "list", "--config", str(config)])
    assert "extra" in listed.stdout and "from-config" in listed.stdout
    refused = runner.invoke(app, ["feeds", "add", "ftp://b.example/rss", "--config", str(config)])
    assert refused.exit_code == 2 and "http" in refused.output
    kinded = runner.invoke(
        app, ["feeds", "add", "https://c.example/rss", "--kind", "official", "-c", str(config)]
    )
    assert kinded.exit_code == 0, kinded.output
    listed = runner.invoke(app, ["feeds", "list", "--config", str(config)])
    assert "1 official" in listed.stdout and "2 press" in listed.stdout  # press by default
    bad_kind = runner.invoke(
        app, ["feeds", "add", "https://d.example/rss", "--kind", "blog", "-c", str(config)]
    )
    assert bad_kind.exit_code == 2 and "'official'" in bad_kind.output
    removed = runner.invoke(app, ["feeds", "remove", "extra", "--config", str(config)])
    assert removed.exit_code == 0
    missing = runner.invoke(app, ["feeds", "remove", "extra", "--config", str(config)])
    assert missing.exit_code == 2 and "no feed named extra" in missing.output


def test_ingest_without_feeds_says_what_to_do(tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", "--config", str(_config(tmp_path))])
    assert result.exit_code == 2
    assert "no feeds configured" in result.output and "Traceback" not in result.output
