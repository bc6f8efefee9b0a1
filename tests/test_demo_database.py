"""After `make demo`, the README's next commands read the database the demo filled, with
no flag and no variable, in the project folder: with no config anywhere, no
$NEWSMON_DB and no database of one's own, the demo's database is the one there is."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows import cli_settings
from flows.cli import app
from flows.cli_settings import reading_settings

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> Path:
    """A database filled by `newsmon demo`, as `make demo` fills data/demo.duckdb."""
    folder = tmp_path_factory.mktemp("demo")
    result = runner.invoke(app, ["demo", "--database", str(folder / "demo.duckdb")])
    assert result.exit_code == 0, result.output
    return folder / "demo.duckdb"


@pytest.fixture
def project(tmp_path: Path, demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A project folder with no config and no database of its own; the demo config names
    the demo's database."""
    demo_config = tmp_path / "seeds" / "demo.toml"
    demo_config.parent.mkdir()
    demo_config.write_text(f'[storage]\ndatabase = "{demo_db}"\n', encoding="utf-8")
    monkeypatch.setattr(cli_settings, "DEMO_CONFIG", demo_config)
    monkeypatch.chdir(tmp_path)
    for var in ("NEWSMON_CONFIG", "NEWSMON_DB"):
        monkeypatch.delenv(var, raising=False)
    yield tmp_path


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_the_readmes_next_commands_read_the_demo(project: Path, demo_db: Path) -> None:
    counted = _run("sql", "select count(*) as n from articles where duplicate_of is null")
    # the seed site's two press articles and its newsroom post (one copy is a duplicate)
    assert "reading the demo's database" in counted and "\n3\n" in counted
    rolled = _run(
        "sql",
        "select entity, sum(articles) from entity_mentions_daily_rollup "
        "group by 1 order by 2 desc limit 10",
    )
    assert "Microsoft" in rolled and "OpenAI" in rolled
    assert "Stargate" in _run("search", "stargate oracle")
    _run("report", "--out", "report.html")
    assert "Stargate" in (project / "report.html").read_text(encoding="utf-8")
    assert "OpenAI" in _run("trends", "OpenAI")
    _run("digest")
    sent = list((project / "digests").glob("*.md"))
    assert len(sent) == 1 and "Joint venture" in sent[0].read_text(encoding="utf-8")


def test_a_config_or_a_database_of_ones_own_comes_first(project: Path, demo_db: Path) -> None:
    assert reading_settings(None).storage.database == demo_db
    own = project / "data" / "newsmon.duckdb"
    assert reading_settings(None, env={"NEWSMON_DB": str(own)}).storage.database == own
    own.parent.mkdir()
    own.touch()  # an ingest of one's own has run here
    assert reading_settings(None).storage.database == Path("data/newsmon.duckdb")
    own.unlink()
    (project / "newsmon.toml").write_text('[storage]\ndatabase = "mine.duckdb"\n')
    assert reading_settings(None).storage.database == Path("mine.duckdb")
    missing = runner.invoke(app, ["sql", "select 1"])
    assert missing.exit_code == 3 and "no database at" in missing.output


def test_without_a_demo_database_nothing_changes(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_settings, "DEMO_CONFIG", project / "absent.toml")
    assert reading_settings(None).storage.database == Path("data/newsmon.duckdb")
    missing = runner.invoke(app, ["sql", "select 1"])
    assert missing.exit_code == 3 and "no database at data/newsmon.duckdb" in missing.output
