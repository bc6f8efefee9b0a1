"""The DuckLake backend over a real PostgreSQL catalog: the seed ingest lands as in the
embedded file, two ingest processes at once store every article once, and `newsmon sql`
and `newsmon search` read through the catalog.

A throw-away PostgreSQL server is started for the session (initdb in a temporary folder,
as the `postgres` user when run as root, on 127.0.0.1 and a free port) and removed at
the end. Without the server binaries the tests skip, except under CI=true, where they
fail: CI installs the Debian `postgresql` package so that they run.
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import count
from pathlib import Path

import pytest
from prefect.settings import get_current_settings
from typer.testing import CliRunner

from flows.cli import app
from flows.ingest import ingest_flow
from pipeline.settings import Settings, StorageSettings, load_settings
from pipeline.tagging.watchlist import load_watchlist
from tests import test_search_incremental as incremental
from tests.conftest import ROOT
from warehouse import search, tags
from warehouse.backend import open_database
from warehouse.db import Database, StoreBusy, StoreError, StoreMissing
from warehouse.lake import LakeDatabase
from warehouse.sqlfiles import sql

pytestmark = pytest.mark.usefixtures("prefect_harness")
runner = CliRunner()
PASSWORD = "lake-test-secret"
USER = "newsmon"
WAIT_S = 60  # every wait on the server is bounded
KEYS = {
    "feeds": "name",
    "entries": "entry_key",
    "articles": "article_id",
    "entities": "name",
    "mentions": "article_id, start_offset",
    "deal_mentions": "article_id, deal_index",
    "deal_parties": "article_id, deal_index, party",
    "article_tags": "article_id",
    "ingest_runs": "run_id",
    "schema_migrations": "version",
}
COLUMNS = (
    "select table_name, column_index, column_name, data_type from duckdb_columns() "
    "where database_name = current_database() and schema_name = 'main' order by all"
)
# columns that record when something ran, which differ between any two ingests
VOLATILE = {
    "stored_at",
    "first_stored_at",
    "last_polled",
    "last_success",
    "next_poll",
    "last_error_at",
}


def _bindir() -> Path | None:
    """Where initdb and pg_ctl are: on PATH, or where Debian's packages put them."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).resolve().parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), reverse=True)
    return candidates[0].parent if candidates else None


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI installs the postgresql package: see .ci/run)")
    pytest.skip(reason)


@dataclass(frozen=True)
class Server:
    bindir: Path
    port: int
    as_user: tuple[str, ...]  # runuser prefix when the tests run as root
    _names = count(1)

    def create_database(self) -> str:
        name = f"lake_{next(self._names)}"
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, name)
        return name

    def run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [*self.as_user, str(self.bindir / tool), *args],
            check=True,
            capture_output=True,
            timeout=WAIT_S,
            env={**os.environ, "PGPASSWORD": PASSWORD},
        )


@pytest.fixture(scope="session")
def postgres() -> Iterator[Server]:
    """A throw-away PostgreSQL server with password authentication on 127.0.0.1."""
    bindir = _bindir()
    if bindir is None:
        _unavailable("PostgreSQL server binaries not found: apt-get install postgresql")
    as_user: tuple[str, ...] = ()
    root = Path(tempfile.mkdtemp(prefix="newsmon-pg-"))
    if os.geteuid() == 0:  # initdb and postgres refuse to run as root
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            _unavailable("running as root and there is no `postgres` user to run the server")
        os.chown(root, owner.pw_uid, owner.pw_gid)
        as_user = ("runuser", "-u", "postgres", "--")
    server = Server(bindir, _free_port(), as_user)
    try:
        _start(server, root)
        yield server
    finally:
        _stop(server, root)
        shutil.rmtree(root, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(server: Server, root: Path) -> None:
    secret = root / "pwfile"
    secret.write_text(PASSWORD)
    if server.as_user:
        shutil.chown(secret, "postgres", "postgres")
    data = root / "data"
    server.run("initdb", "-D", str(data), "-U", USER, f"--pwfile={secret}", "--auth=scram-sha-256")
    options = f"-h 127.0.0.1 -p {server.port} -k {root} -c fsync=off"
    log = root / "server.log"
    server.run("pg_ctl", "-D", str(data), "-o", options, "-l", str(log), "-w", "-t", "60", "start")


def _stop(server: Server, root: Path) -> None:
    data = root / "data"
    if (data / "postmaster.pid").exists():
        server.run("pg_ctl", "-D", str(data), "-m", "fast", "-w", "-t", "30", "stop")


# ---- settings and helpers ------------------------------------------------------------


def _lake_storage(postgres: Server, tmp_path: Path) -> StorageSettings:
    return StorageSettings.model_validate(
        {
            "backend": "ducklake",
            "ducklake": {
                "host": "127.0.0.1",
                "port": postgres.port,
                "dbname": postgres.create_database(),
                "user": USER,
                "data_path": tmp_path / "lake",
            },
        }
    )


@pytest.fixture
def lake_settings(
    seed_settings: Settings, postgres: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    """The seed settings on a fresh DuckLake catalog (password from the environment)."""
    monkeypatch.setenv("NEWSMON_PG_PASSWORD", PASSWORD)
    return seed_settings.model_copy(update={"storage": _lake_storage(postgres, tmp_path)})


def _rows(db: Database, text: str) -> list[tuple]:
    with db.reader() as con:
        return con.execute(text).fetchall()


def _keys(db: Database) -> dict[str, tuple[int, int]]:
    """Rows per table and distinct keys per table."""
    return {
        t: _rows(db, f"select count(*), count(distinct ({k})) from {t}")[0] for t, k in KEYS.items()
    }


def _views(db: Database) -> dict[str, list[tuple]]:
    """Every view's rows, sorted, without the columns that say when a run happened."""
    with db.reader() as con:
        names = con.execute(
            "select view_name from duckdb_views() "
            "where database_name = current_database() and not internal order by 1"
        ).fetchall()
        out = {}
        for (name,) in names:
            cursor = con.execute(f"select * from {name}")
            keep = [i for i, d in enumerate(cursor.description) if d[0] not in VOLATILE]
            out[name] = sorted((tuple(row[i] for i in keep) for row in cursor.fetchall()), key=repr)
        return out


def _ingest(settings: Settings):
    return asyncio.run(ingest_flow(settings=settings)).counts


# ---- (a) the seed ingest, as in the embedded file --------------------------------------


def test_seed_ingest_matches_the_embedded_file(
    seed_settings: Settings, lake_settings: Settings
) -> None:
    embedded = open_database(seed_settings.storage)
    lake = open_database(lake_settings.storage)
    assert (_ingest(seed_settings).articles_stored, _ingest(lake_settings).articles_stored) == (
        2,
        2,
    )
    assert _rows(lake, COLUMNS) == _rows(embedded, COLUMNS)  # same tables, views, columns
    assert _keys(lake) == _keys(embedded)
    assert all(rows == keys for rows, keys in _keys(lake).values())
    assert _views(lake) == _views(embedded)
    assert _rows(lake, "select count(*) from articles")[0][0] == 3

    again = _ingest(lake_settings)  # a re-run changes nothing but the run log
    assert (again.entries_new, again.articles_stored) == (0, 0)
    assert _keys(lake) == _keys(embedded) | {"ingest_runs": (2, 2)}
    assert (lake_settings.storage.ducklake.data_path / "main").is_dir()  # Parquet files


def test_missing_catalog_is_a_clear_error(postgres: Server, tmp_path: Path) -> None:
    lake = open_database(_lake_storage(postgres, tmp_path), {"NEWSMON_PG_PASSWORD": PASSWORD})
    assert not lake.exists()
    with pytest.raises(StoreMissing, match=r"no DuckLake catalog .* yet"):
        _rows(lake, "select 1")


def test_wrong_password_is_a_clear_error(postgres: Server, tmp_path: Path) -> None:
    lake = open_database(_lake_storage(postgres, tmp_path), {"NEWSMON_PG_PASSWORD": "wrong"})
    with pytest.raises(StoreError, match="cannot open the DuckLake catalog") as caught:
        lake.migrate()
    assert "wrong" not in str(caught.value)


def test_failed_entries_keep_their_class_and_next_attempt_in_the_lake(
    postgres: Server, tmp_path: Path
) -> None:
    from datetime import UTC, datetime, timedelta

    from pipeline.records import FeedEntry, FetchFailure
    from pipeline.retry import RetryPolicy
    from warehouse import store

    lake = open_database(_lake_storage(postgres, tmp_path), {"NEWSMON_PG_PASSWORD": PASSWORD})
    lake.migrate()
    at = datetime.now(UTC)
    gone, busy = (FeedEntry("f", f"http://a.example/{p}", None, "t", None) for p in "gb")
    store.add_entries(lake, "f", [gone, busy], at)
    failures = [
        FetchFailure(gone.url, "fetch", "http_410", "HTTP 410", at, None, True, 410),
        FetchFailure(busy.url, "fetch", "http_503", "HTTP 503", at, None, True, 503, "120"),
    ]
    batch = store.Batch([gone, busy], [], {}, failures)
    store.store_batch(lake, "run", batch, {}, keep_raw=False, retry=RetryPolicy(60, 2, 3600))
    rows = _rows(lake, "select url, failure_class, next_attempt from entries order by url")
    assert rows == [
        (busy.url, "transient", at + timedelta(seconds=120)),
        (gone.url, "permanent", None),
    ]
    assert store.pending_entries(lake, 10, 3, at) == []
    assert [e.url for e in store.pending_entries(lake, 10, 3, at + timedelta(seconds=121))] == [
        busy.url
    ]


# ---- how writers take turns -------------------------------------------------------------

ARTICLE = (
    "insert into articles (article_id, url, canonical_url, content_hash, extractor_version, "
    "fetched_at, stored_at) select 'a1', 'u', 'u', 'h', 'x', now(), now() "
    "where not exists (select 1 from articles where article_id = 'a1')"
)


@pytest.fixture
def two_writers(postgres: Server, tmp_path: Path) -> Iterator[tuple[Database, Database]]:
    """Two stores on one fresh catalog, as two processes would have them."""
    storage = _lake_storage(postgres, tmp_path)
    storage = storage.model_copy(update={"lock_timeout_s": 0.5})
    env = {"NEWSMON_PG_PASSWORD": PASSWORD}
    first, second = open_database(storage, env), open_database(storage, env)
    first.migrate()
    yield first, second
    first.close()
    second.close()


def test_a_second_writer_waits_for_its_turn(two_writers: tuple[Database, Database]) -> None:
    first, second = two_writers
    with first.transaction() as con:
        con.execute(ARTICLE)
        with (
            pytest.raises(StoreBusy, match="being written by another process"),
            second.transaction(),
        ):
            pass
    with second.transaction() as con:  # its turn now, and it sees the first one's row
        con.execute(ARTICLE)
    assert _rows(first, "select count(*) from articles") == [(1,)]


def test_writers_that_create_a_new_catalog_at_once_both_open_it(
    postgres: Server, tmp_path: Path
) -> None:
    """The catalog does not exist yet and two writers attach it at the same moment: both
    create its tables, one loses PostgreSQL's race, attaches again and finds them."""
    storage = _lake_storage(postgres, tmp_path)
    env = {"NEWSMON_PG_PASSWORD": PASSWORD}
    stores = [open_database(storage, env) for _ in range(4)]
    start = threading.Barrier(len(stores))

    def attach(db: Database) -> list[tuple]:
        start.wait(timeout=30)
        with db.transaction() as con:  # a writer: it creates the catalog when missing
            return con.execute("select 1").fetchall()

    try:
        with ThreadPoolExecutor(len(stores)) as pool:
            assert list(pool.map(attach, stores, timeout=120)) == [[(1,)]] * len(stores)
    finally:
        for db in stores:
            db.close()


def test_overlapping_writers_cannot_both_commit(
    two_writers: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Were the lock ever lost, DuckLake itself refuses the second of two overlapping
    writes (the turn counter both update), where two inserts alone would both land."""
    first, second = two_writers
    monkeypatch.setattr(LakeDatabase, "_take_turn", lambda self, con: None)
    with pytest.raises(StoreBusy, match="at the same time"):  # noqa: SIM117
        with first.transaction() as one, second.transaction() as two:
            one.execute(ARTICLE)
            two.execute(ARTICLE)
            # leaving the block commits `two`, then `one`
    assert _rows(first, "select count(*) from articles") == [(1,)]


# ---- (b) two ingest processes on one catalog at once -----------------------------------


def _config(
    tmp_path: Path, seed_site: str, storage: StorageSettings, name: str, delay_s: float = 0
) -> Path:
    lake = storage.ducklake
    path = tmp_path / f"{name}.toml"
    path.write_text(f"""
[storage]
backend = "ducklake"
[storage.ducklake]
catalog = "host=127.0.0.1 port={lake.port} user={lake.user}"
dbname = "{lake.dbname}"
data_path = "{lake.data_path}"
[http]
allow_private_networks = ["127.0.0.0/8"]
per_host_delay_s = {delay_s}
[ingest]
extract_workers = 1
[[feeds]]
name = "seed-rss"
url = "{seed_site}/feeds/rss.xml"
[[feeds]]
name = "seed-atom"
url = "{seed_site}/feeds/atom.xml"
""")
    return path


def _start_ingest(config: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "PREFECT_API_URL": str(get_current_settings().api.url),
        "NEWSMON_PG_PASSWORD": PASSWORD,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "ingest", "--config", str(config)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(proc: subprocess.Popen) -> None:
    try:
        _out, errors = proc.communicate(timeout=240)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    assert proc.returncode == 0, errors


def test_two_writers_at_once_store_every_article_once(
    postgres: Server, seed_site: str, tmp_path: Path
) -> None:
    single = _config(tmp_path, seed_site, _lake_storage(postgres, tmp_path / "one"), "single")
    # The reference run, on a catalog of its own, runs beside the two that share one.
    alone_run = _start_ingest(single)
    # Three seconds between requests to the seed host make each run last over ten, so the
    # two overlap however their processes' start-up times differ (in a fresh clone, where
    # both first compile every module, one second was not always enough).
    lake = _lake_storage(postgres, tmp_path / "two")
    shared = _config(tmp_path, seed_site, lake, "shared", delay_s=3)
    env = {"NEWSMON_PG_PASSWORD": PASSWORD}
    # The catalog exists before they start, as it does for every run but the first: the two
    # then meet in their writes, not in creating the catalog (the test above covers that).
    created = open_database(load_settings(shared, env={}).storage, env)
    created.migrate()
    created.close()
    both = [_start_ingest(shared) for _ in range(2)]
    for proc in (alone_run, *both):
        _finish(proc)
    alone = open_database(load_settings(single, env={}).storage, env)
    together = open_database(load_settings(shared, env={}).storage, env)
    counts = _keys(together)
    assert all(rows == keys for rows, keys in counts.values()), counts
    assert counts == _keys(alone) | {"ingest_runs": (2, 2)}
    assert counts["articles"] == (3, 3)
    # and they did run at once: each started before the other finished
    assert _rows(together, "select max(started_at) < min(finished_at) from ingest_runs") == [
        (True,)
    ]


# ---- (c) newsmon sql and search through the catalog ------------------------------------


@pytest.fixture
def lake_config(
    postgres: Server, seed_site: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A config file on an ingested DuckLake catalog."""
    monkeypatch.setenv("NEWSMON_PG_PASSWORD", PASSWORD)
    config = _config(tmp_path, seed_site, _lake_storage(postgres, tmp_path), "lake")
    _ingest(load_settings(config, env={}))
    return config


def _cli(config: Path, *args: str) -> str:
    result = runner.invoke(app, [*args, "--config", str(config)])
    assert result.exit_code == 0, result.output
    return result.stdout


def _csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_sql_reads_the_views_through_the_catalog(lake_config: Path) -> None:
    ledger = _csv(
        _cli(
            lake_config,
            "sql",
            "select type, parties, articles from deal_ledger "
            "where list_contains(parties, 'Microsoft') and list_contains(parties, 'OpenAI') "
            "and type = 'investment' order by articles desc",
        )
    )
    assert ledger == [
        ["type", "parties", "articles"],
        ["investment", '["Microsoft", "OpenAI"]', "3"],
        ["investment", '["Microsoft", "OpenAI"]', "2"],
    ]
    pair = _csv(
        _cli(
            lake_config,
            "sql",
            "select entity_a, entity_b, articles from co_mentions "
            "where entity_a = 'Microsoft' and entity_b = 'OpenAI'",
        )
    )
    assert pair == [["entity_a", "entity_b", "articles"], ["Microsoft", "OpenAI", "2"]]


def test_sql_on_the_catalog_is_read_only(lake_config: Path) -> None:
    result = runner.invoke(app, ["sql", "delete from articles", "--config", str(lake_config)])
    assert result.exit_code == 1
    assert "read-only" in result.output


def test_search_reads_the_postings_in_the_lake(lake_config: Path) -> None:
    out = _cli(lake_config, "search", "Stargate")
    assert "1." in out and "stargate" in out.lower()
    # the ingest kept the postings in the lake: two originals, the copy not indexed
    docs = _csv(_cli(lake_config, "sql", "select count(*) as n from search_docs"))
    assert docs == [["n"], ["2"]]
    rebuilt = runner.invoke(app, ["search", "Stargate", "--rebuild", "--config", str(lake_config)])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "indexed 2 articles" in rebuilt.stderr
    assert rebuilt.stdout == out  # the same hits and scores from the rebuilt postings


# ---- (d) the search index kept in the lake ---------------------------------------------


def test_the_lake_keeps_the_search_index_equal_to_a_rebuild(
    postgres: Server, tmp_path: Path
) -> None:
    """Batches keep the postings, term numbers and frequencies in the lake as they do in
    the file: the same hits and scores as a rebuild, after new articles, a syndicated
    copy and a removal. And `articles` is written in small row groups (set after the
    migrations, which DuckLake requires)."""
    watchlist = load_watchlist()
    db = open_database(_lake_storage(postgres, tmp_path), env={"NEWSMON_PG_PASSWORD": PASSWORD})
    try:
        db.migrate()
        assert db.migrate() == []  # a second open sets nothing twice
        tags.sync_entities(db, watchlist.entities)
        with db.reader() as con:
            options = con.execute(sql("lake_row_groups", "ducklake")).fetchall()
        assert options == [("2048",)]
        day = datetime(2025, 2, 3, 9, 0, tzinfo=UTC)
        first = [
            incremental._article(f"https://a.example/{k}", k, day) for k in ("stargate", "chips")
        ]
        incremental._store(db, watchlist, first, {})
        incremental.assert_equal_to_rebuild(db)
        copy = incremental._article("https://c.example/reprint", "chips", day.replace(day=7))
        rules = incremental._article("https://c.example/rules", "rules", None, day=8)
        incremental._store(db, watchlist, [copy, rules], {copy.article_id: first[1].article_id})
        state = incremental.assert_equal_to_rebuild(db)
        assert incremental._found(state, "chip export rules") == {
            first[1].article_id,
            rules.article_id,
        }
        with db.transaction() as con:
            con.execute("delete from articles where article_id = ?", [rules.article_id])
            search.remove_articles(con, [rules.article_id])
        state = incremental.assert_equal_to_rebuild(db)
        assert incremental._found(state, "chip export rules") == {first[1].article_id}
        assert state["totals"][0] == 2
    finally:
        db.close()


# ---- the storage benchmark still runs ---------------------------------------------------


@pytest.mark.timeout(300)
def test_storage_bench_quick(postgres: Server) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.storage", "--quick", "--port", str(postgres.port),
         "--user", USER],
        cwd=ROOT,
        env={**os.environ, "NEWSMON_PG_PASSWORD": PASSWORD},
        capture_output=True,
        text=True,
        timeout=280,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-4000:]
    for figure in ("store 20 tagged articles", "seed ingest, flow wall", "ducklake:"):
        assert figure in done.stdout
