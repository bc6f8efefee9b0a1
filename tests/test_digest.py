"""Digest selection, rendering and settings: pure functions, no I/O."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from pipeline.digest import (
    DealEntry,
    DealSource,
    Digest,
    DigestSettings,
    Period,
    SentDeal,
    ancestors_of,
    channels_due,
    compose_digest,
    digest_as_dict,
    digest_from_dict,
    run_settings,
    should_send,
)
from pipeline.records import Party
from pipeline.render import (
    amount_label,
    md_escape,
    render_html,
    render_markdown,
    render_text,
    slack_payload,
    subject,
    usd_short,
)
from pipeline.settings import Settings, SettingsError, load_settings

T0 = datetime(2026, 1, 10, 8, 0, tzinfo=UTC)
PARENTS = {
    "Azure": "Microsoft",
    "Microsoft": None,
    "Google Cloud": "Google",
    "Google": "Alphabet",
    "Alphabet": None,
    "OpenAI": None,
    "Oracle": None,
    "SoftBank": None,
    "Amazon Web Services": "Amazon",
}


def deal(key: str, **changes: object) -> DealEntry:
    base = DealEntry(
        deal_key=key,
        type="contract",
        parties=(Party("OpenAI", "customer"), Party("Oracle", "supplier")),
        status="announced",
        amount_usd=None,
        amount_text=None,
        amount_qualifier=None,
        evidence=f"Evidence for {key}.",
        first_seen=T0 - timedelta(days=1),
        first_stored_at=T0 + timedelta(hours=1),
        first_source_url=f"https://news.example/{key}",
        sources=(DealSource(f"https://news.example/{key}", key, "News", T0),),
        background_only=False,
    )
    return replace(base, **changes)


def period(*candidates: DealEntry, sent: dict | None = None, start=T0) -> Period:
    return Period(start, T0 + timedelta(hours=2), start, candidates, sent or {}, PARENTS)


def sent(key: str, status: str, amount: float | None = None) -> SentDeal:
    return SentDeal(key, status, amount, None, "d0", T0 - timedelta(days=1))


def keys(digest: Digest) -> list[str]:
    return [e.deal_key for e in digest.entries]


def compose(p: Period, **settings: object) -> Digest:
    return compose_digest(p, DigestSettings(**settings), "d1", T0 + timedelta(hours=3))


# ---- selection -------------------------------------------------------------------------


def test_ranks_firm_deals_first_then_larger_amounts() -> None:
    digest = compose(
        period(
            deal("talks", status="in_talks", amount_usd=9e11),
            deal("reported", status="reported", amount_usd=1e9),
            deal("small", status="announced", amount_usd=1e6),
            deal("big", status="completed", amount_usd=5e11),
            deal("undisclosed", status="announced"),
            deal("planned", status="planned"),
        )
    )
    assert keys(digest) == ["big", "small", "undisclosed", "planned", "reported", "talks"]


def test_a_deal_sent_before_returns_only_when_it_moved_forward() -> None:
    candidates = (
        deal("forward", status="announced"),
        deal("back", status="reported"),
        deal("same", status="announced"),
        deal("fell", status="failed"),
        deal("priced", status="announced", amount_usd=2e9),
        deal("repriced", status="announced", amount_usd=2.0001e9),
    )
    previous = {
        "forward": sent("forward", "in_talks"),
        "back": sent("back", "announced"),
        "same": sent("same", "announced"),
        "fell": sent("fell", "in_talks"),
        "priced": sent("priced", "announced", None),
        "repriced": sent("repriced", "announced", 2e9),
    }
    digest = compose(period(*candidates, sent=previous))
    assert sorted(keys(digest)) == ["fell", "forward", "priced"]
    assert all(e.is_update for e in digest.entries)
    forward = next(e for e in digest.entries if e.deal_key == "forward")
    assert forward.previous is not None and forward.previous.status == "in_talks"


def test_background_deals_only_on_request_and_only_when_new() -> None:
    fresh = deal("fresh-history", background_only=True)
    old = deal("old-history", background_only=True, first_stored_at=T0 - timedelta(days=3))
    assert keys(compose(period(fresh, old))) == []
    assert keys(compose(period(fresh, old), include_background=True)) == ["fresh-history"]
    # the first digest of all: everything is new
    assert len(compose(period(fresh, old, start=None), include_background=True).entries) == 2


def test_entities_of_interest_roll_up_through_every_parent() -> None:
    candidates = (
        deal("azure", parties=(Party("Azure", "supplier"), Party("OpenAI", "customer"))),
        deal("gcp", parties=(Party("Google Cloud", "supplier"), Party("OpenAI", "customer"))),
        deal("aws", parties=(Party("Amazon Web Services", "supplier"),)),
    )
    assert keys(compose(period(*candidates), entities=("microsoft",))) == ["azure"]
    assert keys(compose(period(*candidates), entities=("Google",))) == ["gcp"]
    both = compose(period(*candidates), entities=("Alphabet", "Amazon"))
    assert sorted(keys(both)) == ["aws", "gcp"]
    assert ancestors_of(PARENTS)["Google Cloud"] == ("Google", "Alphabet")


def test_deal_type_and_minimum_amount_filters() -> None:
    candidates = (
        deal("big", type="investment", amount_usd=5e9),
        deal("small", type="investment", amount_usd=5e6),
        deal("quiet", type="investment"),
        deal("contract", amount_usd=9e9),
    )
    only = compose(period(*candidates), deal_types=("investment",), min_amount_usd=1e9)
    assert keys(only) == ["big", "quiet"]
    strict = compose(
        period(*candidates),
        deal_types=("investment",),
        min_amount_usd=1e9,
        include_undisclosed=False,
    )
    assert keys(strict) == ["big"]


def test_ancestors_survive_a_cycle() -> None:
    assert ancestors_of({"A": "B", "B": "A"}) == {"A": ("B",), "B": ("A",)}


def test_empty_digest_is_sent_only_when_asked() -> None:
    empty = compose(period())
    assert not should_send(empty, DigestSettings())
    assert should_send(empty, DigestSettings(send_empty=True))


def test_pending_digest_goes_only_where_it_is_missing() -> None:
    assert channels_due(("file", "email", "webhook"), {"email"}, ("file", "email", "webhook")) == (
        "file",
        "webhook",
    )
    # a channel taken out of this run is let go
    assert channels_due(("email", "webhook"), {"email"}, ("email",)) == ()


def test_digest_round_trips_through_json() -> None:
    digest = compose(
        period(deal("a", amount_usd=1e9, amount_text="$1bn"), sent={}),
    )
    updated = replace(digest, entries=(replace(digest.entries[0], previous=sent("a", "in_talks")),))
    again = digest_from_dict(json.loads(json.dumps(digest_as_dict(updated))))
    assert again == updated


# ---- settings --------------------------------------------------------------------------


def test_secrets_in_the_config_file_are_refused_with_the_variable_to_use() -> None:
    with pytest.raises(ValidationError, match="NEWSMON_SMTP_PASSWORD") as refused:
        DigestSettings.model_validate({"email": {"password": "hunter2"}})
    assert "hunter2" not in str(refused.value)  # errors echo their input: not a secret
    with pytest.raises(ValidationError, match="NEWSMON_WEBHOOK_URL"):
        DigestSettings.model_validate({"webhook": {"url": "https://hooks.example/x"}})


def test_email_channel_names_the_missing_keys() -> None:
    with pytest.raises(ValidationError, match=r"digest\.email\.host.*digest\.email\.from"):
        DigestSettings.model_validate({"channels": ["email"], "email": {"to": ["a@b.example"]}})
    with pytest.raises(ValidationError, match="not an email address"):
        DigestSettings.model_validate({"email": {"to": ["nobody"]}})
    with pytest.raises(ValidationError, match="extra"):
        DigestSettings.model_validate({"chanels": ["file"]})


def test_run_settings_override_and_revalidate() -> None:
    base = DigestSettings.model_validate(
        {"channels": ["file"], "email": {"host": "smtp.example", "from": "n@x.example"}}
    )
    assert run_settings(base, ["webhook"], True).channels == ("webhook",)
    assert run_settings(base, None, True).include_background
    with pytest.raises(ValidationError, match=r"digest\.email\.to"):
        run_settings(base, ["email"])


@pytest.mark.skipif("digest" not in Settings.model_fields, reason="Settings.digest not wired")
def test_digest_section_of_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "newsmon.toml"
    config.write_text(
        '[digest]\nchannels = ["file", "email"]\nentities = ["Microsoft"]\n'
        'min_amount_usd = 1e9\n[digest.email]\nhost = "smtp.corp.example"\n'
        'from = "newsmon <n@corp.example>"\nto = ["a@corp.example"]\n'
    )
    digest = load_settings(config, env={}).digest
    assert digest.channels == ("file", "email") and digest.email.sender.endswith("example>")
    config.write_text('[digest.email]\npassword = "hunter2"\n')
    with pytest.raises(SettingsError, match=r"digest\.email: .*NEWSMON_SMTP_PASSWORD"):
        load_settings(config, env={})


# ---- rendering -------------------------------------------------------------------------

HOSTILE = '<script>alert("x")</script> & "quotes"'


def hostile_digest() -> Digest:
    entry = deal(
        "hostile",
        evidence=f"Evidence {HOSTILE}.",
        sources=(
            DealSource("javascript:alert(1)", f"Title {HOSTILE}", "<b>Outlet</b>", T0),
            DealSource('https://news.example/a?x="y"&z=<1>', "[click](http://evil)", None, None),
        ),
    )
    return Digest("d1", T0, None, T0, (entry,))


def test_html_escapes_everything_from_articles() -> None:
    page = render_html(hostile_digest())
    assert "<script>" not in page and "<b>Outlet" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;" in page
    assert 'href="javascript' not in page
    assert 'href="https://news.example/a?x=&quot;y&quot;&amp;z=&lt;1&gt;"' in page


def test_markdown_and_slack_cannot_be_steered_by_article_text() -> None:
    markdown = render_markdown(hostile_digest())
    assert "\\<script\\>" in markdown and "<script>" not in markdown
    assert "\\[click\\](http://evil)" in markdown
    assert md_escape("# not a heading") == "\\# not a heading"
    slack = json.dumps(slack_payload(hostile_digest()))
    assert "<script>" not in slack and "&lt;script&gt;" in slack
    mention = slack_payload(
        replace(hostile_digest(), entries=(deal("m", evidence="<!channel> now"),))
    )
    assert "<!channel>" not in json.dumps(mention)


def test_slack_payload_stays_within_block_limits() -> None:
    many = tuple(deal(f"d{n}", evidence="x" * 5000) for n in range(60))
    payload = slack_payload(Digest("d1", T0, None, T0, many))
    assert len(payload["blocks"]) <= 50
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in payload["blocks"])
    assert "20 more deals" in payload["blocks"][-1]["elements"][0]["text"]


def test_labels() -> None:
    assert amount_label("$500 billion", "up to", 5e11) == "up to $500 billion"
    assert amount_label("£2.5 billion", None, 3.2e9) == "£2.5 billion (≈ $3.2B)"
    assert amount_label(None, None, None) == "amount undisclosed"
    assert usd_short(13e9) == "$13B"
    update = deal("u", status="announced", previous=sent("u", "in_talks"))
    digest = Digest("d1", T0, T0, T0, (update, deal("n")))
    assert subject(digest) == "newsmon: 1 new deal, 1 update — 10 Jan 2026"
    assert "[UPDATE]" in render_text(digest) and "in talks → announced" in render_text(digest)
    assert "UPDATE" in render_html(digest)
