"""Settings: defaults, the documented TOML keys, environment overrides, and errors that
name the key at fault (in the library and through the CLI)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.settings import Settings, SettingsError, load_settings

DOCUMENTED = """
[storage]
database = "data/newsmon.duckdb"
[http]
allow_private_networks = ["127.0.0.0/8"]
[[feeds]]
name = "Example"
url = "https://example.com/feed.xml"
"""


def _write(folder: Path, text: str, name: str = "newsmon.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no ./newsmon.toml here
    settings = load_settings(env={})
    assert settings == Settings()
    assert settings.source is None
    assert settings.storage.database == Path("data/newsmon.duckdb")
    assert settings.http.allow_private_networks == ()
    assert settings.http.respect_robots_txt is True
    assert settings.feeds == ()


def test_documented_keys_load(tmp_path: Path) -> None:
    path = _write(tmp_path, DOCUMENTED)
    settings = load_settings(path, env={})
    assert settings.source == path
    # A relative database path in the file is relative to the file's folder.
    assert settings.storage.database == tmp_path / "data" / "newsmon.duckdb"
    assert settings.http.allow_private_networks == ("127.0.0.0/8",)
    assert [(f.name, f.url, f.enabled) for f in settings.feeds] == [
        ("Example", "https://example.com/feed.xml", True)
    ]


def test_config_path_from_environment(tmp_path: Path) -> None:
    path = _write(tmp_path, DOCUMENTED, "elsewhere.toml")
    settings = load_settings(env={"NEWSMON_CONFIG": str(path)})
    assert settings.source == path
    assert len(settings.feeds) == 1


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, DOCUMENTED)
    target = tmp_path / "other" / "db.duckdb"
    settings = load_settings(path, env={"NEWSMON_DB": str(target), "NEWSMON_LOCK_TIMEOUT": "5"})
    assert settings.storage.database == target
    assert settings.storage.lock_timeout_s == 5.0
    assert settings.http.allow_private_networks == ("127.0.0.0/8",)  # the rest still loads


def test_relative_database_from_environment_is_relative_to_the_cwd(tmp_path: Path) -> None:
    (tmp_path / "etc").mkdir()
    path = _write(tmp_path / "etc", DOCUMENTED)
    settings = load_settings(path, env={"NEWSMON_DB": "run/x.duckdb"})
    assert settings.storage.database == Path("run/x.duckdb")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[http]\nuser_agnet = 'x'\n", "http.user_agnet"),
        ("[storag]\ndatabase = 'x'\n", "storag"),
        ("[http]\nmax_redirects = 'five'\n", "http.max_redirects"),
        ("[http]\nallow_private_networks = '127.0.0.0/8'\n", "http.allow_private_networks"),
        ("[http]\nconnect_timeout_s = -1\n", "http.connect_timeout_s"),
        ("[http]\ndeadline_s = 0\n", "http.deadline_s"),
        ("[http]\nallow_private_networks = ['10.0.0.0/33']\n", "http.allow_private_networks"),
        ("[http]\nallow_private_networks = ['localhost']\n", "http.allow_private_networks"),
        ("[[feeds]]\nname = 'x'\nurl = 'ftp://example.com/feed.xml'\n", "feeds.0.url"),
        ("[[feeds]]\nname = 'x'\nurl = 'file:///etc/passwd'\n", "feeds.0.url"),
        ("[[feeds]]\nname = 'x'\nurl = 'https:///feed.xml'\n", "feeds.0.url"),
        ("[[feeds]]\nname = ''\nurl = 'https://example.com/a'\n", "feeds.0.name"),
        ("[[feeds]]\nurl = 'https://example.com/a'\n", "feeds.0.name"),
        (
            "[[feeds]]\nname = 'a'\nurl = 'https://example.com/f'\n"
            "[[feeds]]\nname = 'b'\nurl = 'https://example.com/f'\n",
            "feeds",
        ),
        ("storage = 5\n", "storage"),
        ("[storage]\nbackend = 'postgres'\n", "storage.backend"),
        ("[storage.ducklake]\nport = 0\n", "storage.ducklake.port"),
        ("[storage.ducklake]\ndata_dir = 'x'\n", "storage.ducklake.data_dir"),
        ("[storage.ducklake]\ncatalog = 'postgresql://db/newsmon'\n", "storage.ducklake.catalog"),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, text: str, key: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(SettingsError) as caught:
        load_settings(path, env={})
    message = str(caught.value)
    assert f"{key}:" in message
    assert str(path) in message


LAKE = """
[storage]
backend = "ducklake"
[storage.ducklake]
catalog = "host=db.internal port=5432 user=newsmon"
dbname = "news monitor"
data_path = "lake"
"""


def test_ducklake_keys_load(tmp_path: Path) -> None:
    storage = load_settings(_write(tmp_path, LAKE), env={}).storage
    assert storage.backend == "ducklake"
    assert storage.database == tmp_path / "data" / "newsmon.duckdb"  # unused, still valid
    # a relative data path is relative to the file's folder, as the database path is
    assert storage.ducklake.data_path == tmp_path / "lake"
    assert Settings().storage.backend == "duckdb"  # the default is the embedded file


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[storage]\nbackend = 'ducklake'\n", "ducklake.data_path is required"),
        (
            "[storage]\nbackend = 'ducklake'\n[storage.ducklake]\ndata_path = '/lake'\n",
            "ducklake.catalog (or ducklake.dbname) is required",
        ),
        (
            "[storage.ducklake]\ncatalog = 'dbname=n password=hunter2'\n",
            "set NEWSMON_PG_PASSWORD",
        ),
        ("[storage.ducklake]\npassword = 'hunter2'\n", "set NEWSMON_PG_PASSWORD"),
    ],
)
def test_ducklake_settings_say_what_is_missing(tmp_path: Path, text: str, says: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(says)) as caught:
        load_settings(_write(tmp_path, text), env={})
    assert "storage" in str(caught.value)
    assert "hunter2" not in str(caught.value)  # a secret is never echoed back


def test_duplicate_feed_url_says_so(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "[[feeds]]\nname = 'a'\nurl = 'https://example.com/f'\n"
        "[[feeds]]\nname = 'b'\nurl = 'https://example.com/f'\n",
    )
    with pytest.raises(SettingsError, match=re.escape("listed twice: https://example.com/f")):
        load_settings(path, env={})


def test_bad_environment_value_names_the_key(tmp_path: Path) -> None:
    path = _write(tmp_path, DOCUMENTED)
    with pytest.raises(SettingsError, match=re.escape("storage.lock_timeout_s")):
        load_settings(path, env={"NEWSMON_LOCK_TIMEOUT": "soon"})


def test_invalid_toml(tmp_path: Path) -> None:
    path = _write(tmp_path, "[http\nuser_agent = 'x'\n")
    with pytest.raises(SettingsError, match="not valid TOML") as caught:
        load_settings(path, env={})
    assert str(path) in str(caught.value)


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(SettingsError, match="config file not found") as caught:
        load_settings(missing, env={})
    assert str(missing) in str(caught.value)


def test_missing_file_from_environment(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="config file not found"):
        load_settings(env={"NEWSMON_CONFIG": str(tmp_path / "nope.toml")})


def test_cli_reports_a_bad_config_without_a_traceback(tmp_path: Path) -> None:
    from flows.cli import app

    path = _write(tmp_path, "[http]\nconnect_timeout_s = -1\n", "bad.toml")
    result = CliRunner().invoke(app, ["ingest", "--config", str(path)])
    assert result.exit_code == 2, result.output
    assert "http.connect_timeout_s" in result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, SettingsError)  # handled, not escaped


def test_a_feed_name_listed_twice_is_refused(tmp_path: Path) -> None:
    # feeds are keyed by name in the database: a second one would overwrite the first
    twice = '[[feeds]]\nname = "A"\nurl = "https://a.example/1"\n'
    twice += '[[feeds]]\nname = "A"\nurl = "https://a.example/2"\n'
    with pytest.raises(SettingsError, match="feed name listed twice: A"):
        load_settings(_write(tmp_path, twice), env={})
