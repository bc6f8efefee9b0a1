"""`newsmon sql`, `search`, `trends`, `report` and `export` over the seeded warehouse."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.cli_analysis import register
from pipeline.settings import Settings
from tests.test_analysis_seed import STARGATE_URL, copy_database, seeded_settings
from warehouse.db import Database

pytestmark = pytest.mark.usefixtures("prefect_harness")
register(app)  # idempotent: the lead's cli.py registers these too
runner = CliRunner()
HOSTILE_TITLE = "<script>alert('title')</script> Stargate & co"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, seed_site: str) -> Settings:
    return seeded_settings(tmp_path_factory, seed_site)


def _run(db: Path | Settings, *args: str, stdin: str | None = None):
    path = db.storage.database if isinstance(db, Settings) else db
    return runner.invoke(app, list(args), input=stdin, env={"NEWSMON_DB": str(path)})


def _ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


# ---- sql -----------------------------------------------------------------------------


def test_sql_prints_csv_when_piped(seeded: Settings) -> None:
    out = _ok(
        _run(
            seeded,
            "sql",
            "select entity_a, entity_b, articles from co_mentions "
            "where entity_a = 'Microsoft' and entity_b = 'OpenAI'",
        )
    )
    assert list(csv.reader(io.StringIO(out))) == [
        ["entity_a", "entity_b", "articles"],
        ["Microsoft", "OpenAI", "2"],
    ]


def test_sql_formats(seeded: Settings) -> None:
    query = (
        "select deal_key, parties, amount_usd, first_seen, null as note "
        "from deal_ledger where type = 'joint_venture'"
    )
    rows = json.loads(_ok(_run(seeded, "sql", query, "--format", "json")))
    assert rows == [
        {
            "deal_key": "joint_venture|OpenAI+Oracle+SoftBank|$100B+",
            "parties": ["OpenAI", "Oracle", "SoftBank"],
            "amount_usd": 500000000000.0,
            "first_seen": "2025-03-04T14:30:00+00:00",
            "note": None,
        }
    ]
    markdown = _ok(_run(seeded, "sql", query, "--format", "markdown")).splitlines()
    assert markdown[0] == "| deal_key | parties | amount_usd | first_seen | note |"
    assert markdown[1] == "|---|---|---|---|---|"
    assert markdown[2].startswith("| joint_venture\\|OpenAI+Oracle+SoftBank\\|$100B+ |")
    table = _ok(_run(seeded, "sql", "select 'Oracle' as party, null as note", "--format", "table"))
    assert "party" in table and "Oracle" in table and "NULL" in table and "1 row" in table


def test_sql_table_shows_values_as_text_not_markup(seeded: Settings) -> None:
    out = _ok(_run(seeded, "sql", "select '[bold red]x[/]' as v", "--format", "table"))
    assert "[bold red]x[/]" in out


def test_sql_from_a_file_and_stdin(seeded: Settings, tmp_path: Path) -> None:
    query = tmp_path / "q.sql"
    query.write_text("-- how many originals\nselect count(*) as n from article_dates;\n")
    assert _ok(_run(seeded, "sql", "--file", str(query))) == "n\n2\n"
    assert _ok(_run(seeded, "sql", "--file", "-", stdin="select 41 + 1 as n")) == "n\n42\n"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("select * from no_such_table", "Catalog Error"),
        ("select [1, 2][ from", "Parser Error"),
        ("delete from articles", "read-only"),
    ],
)
def test_sql_error_prints_duckdbs_message_and_exits_1(
    seeded: Settings, query: str, message: str
) -> None:
    result = _run(seeded, "sql", query)
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_sql_usage_and_missing_database(seeded: Settings, tmp_path: Path) -> None:
    assert _run(seeded, "sql").exit_code == 2
    assert _run(seeded, "sql", "select 1", "--file", "x.sql").exit_code == 2
    missing = _run(tmp_path / "none.duckdb", "sql", "select 1")
    assert missing.exit_code == 3
    assert "no database" in missing.stderr


# ---- search, trends ------------------------------------------------------------------


def test_search_prints_ranked_hits_with_snippets(seeded: Settings) -> None:
    out = _ok(_run(seeded, "search", "stargate oracle"))
    assert out.startswith("1. Microsoft and OpenAI Redraw Their Alliance as Stargate")
    assert "joint venture with Oracle" in out
    assert "AI Wire · 2025-03-04" in out
    filtered = _ok(_run(seeded, "search", "microsoft", "--entity", "aws", "--since", "2025-05-01"))
    assert filtered.startswith("1. OpenAI Courts New Hyperscalers") and "\n2. " not in filtered
    unknown = _run(seeded, "search", "microsoft", "--entity", "Micrsoft")
    assert unknown.exit_code == 2 and "did you mean Microsoft" in unknown.stderr


def test_search_rebuild_repairs_the_index(seeded: Settings, tmp_path: Path) -> None:
    db = copy_database(seeded, tmp_path / "copy.duckdb")
    with Database(db).transaction() as con:  # an index left half-built
        con.execute("delete from search_postings")
        con.execute("update search_state set built = false")
    missing = _run(db, "search", "stargate")
    assert missing.exit_code == 3 and "newsmon search --rebuild" in missing.stderr
    result = _run(db, "search", "stargate", "--rebuild")
    assert result.exit_code == 0, result.output
    assert "indexed 2 articles" in result.stderr
    assert result.stdout.startswith("1. Microsoft and OpenAI Redraw")


def test_trends_table_sparkline_and_png(seeded: Settings, tmp_path: Path) -> None:
    png = tmp_path / "trend.png"
    out = _ok(_run(seeded, "trends", "microsoft", "Open AI", "--by", "week", "--png", str(png)))
    assert "articles per week, 2025-03-03 to 2025-05-19" in out
    lines = {line.split()[1]: line for line in out.splitlines() if "█" in line}
    assert set(lines) == {"Microsoft", "OpenAI"}
    # twelve weeks: a mention in the first and in the last
    assert "█▁▁▁▁▁▁▁▁▁▁█" in lines["Microsoft"]
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_trends_rollup_counts_products_for_their_parent(seeded: Settings) -> None:
    plain = _ok(_run(seeded, "trends", "Microsoft", "--by", "week", "--since", "2025-05-01"))
    rolled = _ok(
        _run(seeded, "trends", "Microsoft", "--by", "week", "--since", "2025-05-01", "--rollup")
    )

    def mentions(out: str) -> int:
        row = next(line for line in out.splitlines() if "Microsoft" in line and "█" in line)
        return int(row.split("│")[3])

    assert mentions(rolled) > mentions(plain) > 0
    unknown = _run(seeded, "trends", "Nonexistent Corp")
    assert unknown.exit_code == 2 and "unknown entity" in unknown.stderr


# ---- report, export ------------------------------------------------------------------


def _hostile_copy(seeded: Settings, folder: Path) -> Path:
    """The seeded database with a script in a title and a javascript: URL."""
    db = copy_database(seeded, folder / "hostile.duckdb")
    with Database(db).transaction() as con:
        con.execute(
            "update articles set title = ? where canonical_url = ?", [HOSTILE_TITLE, STARGATE_URL]
        )
        con.execute(
            "update articles set canonical_url = 'javascript:alert(1)' "
            "where duplicate_of is not null"
        )
    return db


def test_report_is_self_contained_and_escapes_article_text(
    seeded: Settings, tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    _ok(_run(_hostile_copy(seeded, tmp_path), "report", "--out", str(out)))
    html = out.read_text("utf-8")
    assert "Deal ledger" in html and "joint_venture" in html and "$500B" in html
    assert "OpenAI, Oracle, SoftBank" in html and "$500 billion" in html
    assert "Mention trends" in html and "Named together" in html and "Deal timeline" in html
    assert html.count("data:image/png;base64,") == 2
    assert "<script" not in html
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; Stargate &amp; co" in html
    # the copy with a javascript: URL is listed (by title and outlet), but not as a link
    assert 'href="javascript:' not in html and "Cloud Ledger Daily" in html
    assert "http://" not in html.replace('href="http://', "")  # no external resources
    assert 'src="http' not in html


def test_report_opens_in_headless_chromium(seeded: Settings, tmp_path: Path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("needs the Debian chromium package")
    out = tmp_path / "report.html"
    _ok(_run(_hostile_copy(seeded, tmp_path), "report", "--out", str(out)))
    shot = tmp_path / "report.png"
    flags = ["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    screenshot = [f"--screenshot={shot}", "--window-size=1280,2400", "--enable-logging=stderr"]
    done = subprocess.run(
        [browser, *flags, *screenshot, out.as_uri()], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 20_000
    assert "Refused to" not in done.stderr  # nothing blocked by the page's CSP
    assert "Uncaught" not in done.stderr
    dom = subprocess.run(
        [browser, *flags, "--dump-dom", out.as_uri()], capture_output=True, text=True, timeout=120
    ).stdout
    assert "<script" not in dom and "Deal ledger" in dom


def test_export_writes_every_table_and_view_as_parquet(seeded: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    out = _ok(_run(seeded, "export", "--format", "parquet", str(folder)))
    assert "deal_ledger" in out
    files = {p.stem for p in folder.glob("*.parquet")}
    with Database(seeded.storage.database).reader() as con:
        relations = con.execute(
            "select table_name from duckdb_tables() where schema_name = 'main' union all "
            "select view_name from duckdb_views() where schema_name = 'main' and not internal"
        ).fetchall()
        ledger_rows = con.execute("select count(*) from deal_ledger").fetchone()[0]
    assert files == {r[0] for r in relations}  # and not the index's own tables
    assert {"articles", "mentions", "deal_ledger", "co_mentions", "feed_health"} <= files
    parquet = duckdb.connect()
    assert parquet.execute(
        "select count(*) from read_parquet(?)", [str(folder / "deal_ledger.parquet")]
    ).fetchone() == (ledger_rows,)
    pair = parquet.execute(
        "select articles from read_parquet(?) where entity_a = 'Microsoft' and entity_b = 'OpenAI'",
        [str(folder / "co_mentions.parquet")],
    ).fetchall()
    assert pair == [(2,)]
