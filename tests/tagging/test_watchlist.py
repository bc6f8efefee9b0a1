"""The shipped watchlist and the user's extensions and overrides."""

from __future__ import annotations

import logging
import pickle
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from pipeline.records import Entity
from pipeline.tagging.match import find_mentions
from pipeline.tagging.sentences import split_sentences
from pipeline.tagging.watchlist import (
    DEFAULT_PATH,
    KINDS,
    Watchlist,
    WatchlistError,
    load_watchlist,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def watchlist() -> Watchlist:
    return load_watchlist()


def entities_in(text: str, watchlist: Watchlist) -> list[str]:
    return [m.entity for m in find_mentions(text, split_sentences(text), watchlist)]


def test_default_watchlist_is_the_packaged_file() -> None:
    assert DEFAULT_PATH == ROOT / "pipeline" / "data" / "watchlist.toml"


def test_default_watchlist_is_broad(watchlist: Watchlist) -> None:
    kinds = Counter(e.kind for e in watchlist.entities)
    assert len(watchlist.entities) >= 250
    assert set(kinds) == KINDS
    assert kinds["org"] >= 150
    assert kinds["person"] >= 30
    assert kinds["publisher"] >= 20


def test_default_watchlist_loads_without_alias_conflicts(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="pipeline.tagging.watchlist"):
        load_watchlist()
    assert not caplog.records


def test_every_ambiguous_alias_is_documented(watchlist: Watchlist) -> None:
    doc = (ROOT / "docs" / "watchlist.md").read_text(encoding="utf-8")
    ruled = [rule.alias for rule in watchlist.rules if not rule.is_plain]
    assert ruled
    assert [alias for alias in ruled if f"| `{alias}` |" not in doc] == []


def test_default_entries_have_no_duplicate_names() -> None:
    data = tomllib.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    names = Counter(entry["name"] for entry in data["entity"])
    assert [name for name, count in names.items() if count > 1] == []


@pytest.mark.parametrize(
    ("name", "parent"),
    [
        ("Azure", "Microsoft"),
        ("GitHub", "Microsoft"),
        ("GitHub Copilot", "Microsoft"),
        ("LinkedIn", "Microsoft"),
        ("Activision Blizzard", "Microsoft"),
        ("Nuance", "Microsoft"),
        ("MAI-1", "Microsoft"),
        ("ChatGPT", "OpenAI"),
        ("GPT-4", "OpenAI"),
        ("Sora", "OpenAI"),
        ("Amazon Web Services", "Amazon"),
        ("Google Cloud", "Google"),
        ("Google DeepMind", "Google"),
        ("Gemini", "Google"),
        ("Google", "Alphabet"),
        ("Claude", "Anthropic"),
        ("Llama", "Meta"),
        ("Grok", "xAI"),
        ("CUDA", "NVIDIA"),
        ("H100", "NVIDIA"),
        ("Blackwell", "NVIDIA"),
        ("SoftBank Vision Fund", "SoftBank"),
    ],
)
def test_parents(watchlist: Watchlist, name: str, parent: str) -> None:
    assert watchlist.entity(name).parent == parent


@pytest.mark.parametrize(
    ("name", "top"),
    [
        ("Azure", "Microsoft"),
        ("Google Cloud", "Alphabet"),
        ("Vertex AI", "Alphabet"),
        ("AWS Lambda", "Amazon"),
        ("Microsoft", "Microsoft"),
        ("Acme Robotics", "Acme Robotics"),  # not listed: itself
    ],
)
def test_rollup_reaches_the_top_parent(watchlist: Watchlist, name: str, top: str) -> None:
    assert watchlist.rollup(name) == top


def test_entity_lookup(watchlist: Watchlist) -> None:
    azure = watchlist.entity("Azure")
    assert isinstance(azure, Entity)
    assert azure.kind == "product"
    assert "Microsoft Azure" in azure.aliases
    assert "Azure" in watchlist
    assert "Acme Robotics" not in watchlist
    with pytest.raises(KeyError):
        watchlist.entity("Acme Robotics")
    assert watchlist.lookup("AWS") == watchlist.entity("Amazon Web Services")
    assert watchlist.lookup("reuters.com") == watchlist.entity("Reuters")
    assert watchlist.lookup("Acme") is None


def test_fingerprint_changes_with_rules_not_with_loading(watchlist: Watchlist) -> None:
    assert load_watchlist().fingerprint == watchlist.fingerprint
    ruled = load_watchlist(
        overrides=[
            {
                "name": "Bing",
                "kind": "product",
                "parent": "Microsoft",
                "rules": [{"alias": "Bing", "require_context": ["search"]}],
            }
        ]
    )
    assert ruled.fingerprint != watchlist.fingerprint
    assert load_watchlist(overrides=({"name": "Foo", "kind": "org"},)).fingerprint != (
        watchlist.fingerprint
    )


def test_watchlist_pickles_as_data_and_still_matches(watchlist: Watchlist) -> None:
    payload = pickle.dumps(watchlist)
    restored = pickle.loads(payload)
    assert len(payload) < 500_000
    assert restored.entities == watchlist.entities
    text = "Microsoft invested in OpenAI; AWS and Google Cloud compete."
    assert entities_in(text, restored) == entities_in(text, watchlist)


# ---- user extensions and overrides ----------------------------------------------------


def test_override_replaces_a_default_entry_whole(watchlist: Watchlist) -> None:
    custom = load_watchlist(
        overrides=[{"name": "Azure", "kind": "product", "aliases": ["Azure Cloud Platform"]}]
    )
    assert custom.entity("Azure").parent is None
    assert custom.entity("Azure").aliases == ("Azure Cloud Platform",)
    assert len(custom.entities) == len(watchlist.entities)


def test_override_adds_an_entity_with_rules() -> None:
    custom = load_watchlist(
        overrides=[
            {
                "name": "Acme Robotics",
                "kind": "org",
                "aliases": ["Acme"],
                "parent": "SoftBank",
                "rules": [{"alias": "Acme", "require_context": ["robot*"]}],
            }
        ]
    )
    assert custom.rollup("Acme Robotics") == "SoftBank"
    assert entities_in("Acme builds robots.", custom) == ["Acme Robotics"]
    assert entities_in("Acme builds anvils.", custom) == []


def test_disabled_entry_is_removed() -> None:
    custom = load_watchlist(overrides=[{"name": "Bing", "disabled": True}])
    assert "Bing" not in custom
    assert entities_in("Microsoft Bing grew.", custom) == ["Microsoft"]


def test_extra_toml_file_extends_the_default(tmp_path: Path) -> None:
    extra = tmp_path / "mine.toml"
    extra.write_text(
        """
[discovery]
stop_names = ["Gotham"]

[[entity]]
name = "Wayne Enterprises"
kind = "org"
aliases = ["WayneCorp"]

[[entity]]
name = "Colossus"
disabled = true
""",
        encoding="utf-8",
    )
    custom = load_watchlist(extra=extra)
    assert custom.entity("Wayne Enterprises").aliases == ("WayneCorp",)
    assert "Colossus" not in custom
    assert "Gotham" in custom.stop_names
    assert "January" in custom.stop_names  # the default's list is kept


def test_config_overrides_apply_after_the_extra_file(tmp_path: Path) -> None:
    extra = tmp_path / "mine.toml"
    extra.write_text('[[entity]]\nname = "Foo"\nkind = "org"\n', encoding="utf-8")
    custom = load_watchlist(extra=extra, overrides=[{"name": "Foo", "kind": "product"}])
    assert custom.entity("Foo").kind == "product"


def test_user_alias_takes_over_a_default_alias(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        custom = load_watchlist(
            overrides=[{"name": "Lambda Inc", "kind": "org", "aliases": ["Lambda Labs"]}]
        )
    assert entities_in("Lambda Labs raised money.", custom) == ["Lambda Inc"]
    assert "Lambda Labs" in caplog.text


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"name": "Foo", "kind": "company"}, "entity 'Foo': 'kind' must be one of"),
        ({"name": "Foo", "kind": "org", "colour": "red"}, "entity 'Foo': unknown key 'colour'"),
        ({"name": "Foo", "kind": "org", "aliases": "Foo Inc"}, "'aliases' must be a list"),
        ({"name": "Foo", "kind": "org", "parent": "Nope"}, "'parent' 'Nope' is not on"),
        ({"name": "", "kind": "org"}, "'name' must be a non-empty string"),
        (
            {"name": "Foo", "kind": "org", "rules": [{"alias": "Foo", "reject": ["x"]}]},
            "entity 'Foo' rule 'Foo': unknown key 'reject'",
        ),
        (
            {"name": "Foo", "kind": "org", "rules": [{"require_context": ["x"]}]},
            "each rule needs 'alias'",
        ),
        (
            {"name": "Foo", "kind": "org", "rules": [{"alias": "F", "case_insensitive": "y"}]},
            "'case_insensitive' must be true or false",
        ),
    ],
)
def test_bad_entries_fail_naming_the_entry_and_key(entry: dict, message: str) -> None:
    with pytest.raises(WatchlistError, match=message.replace("(", r"\(")):
        load_watchlist(overrides=[entry])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[[entities]]\nname = "Foo"\nkind = "org"\n', "unknown key 'entities'"),
        ('[discovery]\nstop_name = ["Foo"]\n', r"\[discovery\]: unknown key 'stop_name'"),
        ('[[entity]]\nname = "Foo"\ndisabled = "yes"\n', "'disabled' must be true or false"),
        (
            '[[entity]]\nname = "Foo"\nkind = "org"\n[[entity]]\nname = "Foo"\nkind = "org"\n',
            "'Foo' is defined twice",
        ),
    ],
)
def test_bad_extra_files_fail_naming_the_key(tmp_path: Path, content: str, message: str) -> None:
    extra = tmp_path / "mine.toml"
    extra.write_text(content, encoding="utf-8")
    with pytest.raises(WatchlistError, match=message):
        load_watchlist(extra=extra)


def test_parent_loop_is_rejected() -> None:
    entries = [
        {"name": "Foo", "kind": "org", "parent": "Bar"},
        {"name": "Bar", "kind": "org", "parent": "Foo"},
    ]
    with pytest.raises(WatchlistError, match="loops"):
        load_watchlist(overrides=entries)


def test_disabling_a_parent_of_remaining_entries_is_an_error() -> None:
    with pytest.raises(WatchlistError, match="'Azure': 'parent' 'Microsoft' is not on"):
        load_watchlist(overrides=[{"name": "Microsoft", "disabled": True}])


def test_unreadable_extra_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[[entity]\nname = ", encoding="utf-8")
    with pytest.raises(WatchlistError, match=r"bad\.toml"):
        load_watchlist(extra=bad)
    with pytest.raises(WatchlistError, match=r"missing\.toml"):
        load_watchlist(extra=tmp_path / "missing.toml")
