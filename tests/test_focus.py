"""Focus, near-duplicate stories and primary-source confirmation, end to end: sites served
on 127.0.0.1, the real ingest flow under Prefect's test harness, a real DuckDB file."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from flows.ingest import ingest_flow
from flows.seedserver import serve_site
from pipeline.settings import FeedSettings, FocusSettings, Settings
from tests.conftest import SEEDS

pytestmark = pytest.mark.usefixtures("prefect_harness")

STARGATE = "joint_venture|OpenAI+Oracle+SoftBank|$100B+"
OFFICIAL = "https://newsroom.openai.example/newsroom/2025/03/12/stargate-next-step.html"

# Our own prose: one story, told three ways, and two unrelated ones.
STORY = [
    "OpenAI has signed a multi-year agreement to rent computing capacity from Amazon Web "
    "Services, the two companies said on Monday, ending a period in which Microsoft was "
    "the only cloud provider for its largest training runs.",
    "Under the agreement OpenAI will use clusters of Nvidia accelerators in AWS data "
    "centres in the United States, starting with sites in Ohio and Oregon, and it expects "
    "to add capacity in stages over the coming years as new buildings are finished.",
    "People who follow the market say the agreement reflects how hard it has become to "
    "find enough chips and power in one place. Large buyers now spread their orders "
    "across several providers, and the providers compete on delivery dates as much as "
    "on price.",
    "Microsoft remains a large shareholder in OpenAI and keeps its rights to the company's "
    "models. Analysts expect both firms to keep working together on products such as "
    "Copilot, even as OpenAI buys capacity from more than one cloud.",
]
UPDATE_PARAGRAPH = (
    "Updated on Tuesday: an AWS spokesperson said the first clusters were already running "
    "customer workloads and that more would be switched on before the end of the quarter."
)
BOILERPLATE = "This story was distributed by a news agency. Copyright the agency, all rights kept."
OTHER = [
    "The city council approved a new bakery district on Thursday, with twelve shops set to "
    "open along the riverside promenade by the spring, according to the planning office.",
    "Bakers said the district would bring sourdough, rye and pastry makers together in one "
    "place, and the council expects weekend markets to draw visitors from nearby towns.",
    "The plan includes a training kitchen where apprentices learn to run ovens, keep "
    "starters alive and price their bread, and a small museum about the history of flour.",
]
NVIDIA_STORY = [
    "Nvidia said on Wednesday that demand for its data centre chips remained strong, and "
    "that new systems built on its latest accelerators would ship to cloud customers in "
    "larger numbers during the second half of the year.",
    "The company told investors that supply of advanced packaging had improved, and that "
    "it was working with memory makers to secure enough high-bandwidth memory for 2026.",
    "Analysts said the figures showed how much of the industry's spending on artificial "
    "intelligence still flows to one supplier, even as rivals prepare chips of their own.",
]


def page(title: str, paragraphs: list[str], canonical: str, published: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{title}</title><link rel="canonical" href="{canonical}">
<meta property="og:site_name" content="Test Wire">
<meta property="article:published_time" content="{published}">
</head><body><nav>Home News Markets</nav><article><h1>{title}</h1>{body}</article>
<footer>Contact us</footer></body></html>"""


def write_site(root: Path, feed: str, pages: dict[str, tuple[str, list[str], str]]) -> None:
    """Pages at /p/<slug>.html (title, paragraphs, ISO time) and an RSS feed listing them."""
    items = []
    for slug, (title, paragraphs, published) in pages.items():
        path = root / "p" / f"{slug}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        canonical = f"https://www.testwire.example/p/{slug}.html"
        path.write_text(page(title, paragraphs, canonical, published), encoding="utf-8")
        items.append(f"<item><title>{title}</title><link>/p/{slug}.html</link></item>")
    target = root / "feeds" / f"{feed}.xml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>/</link>'
        f"<description>d</description>{''.join(items)}</channel></rss>",
        encoding="utf-8",
    )


def ingest(settings: Settings, *feeds: FeedSettings):
    return asyncio.run(ingest_flow(settings=settings.model_copy(update={"feeds": feeds}))).counts


def rows(settings: Settings, sql: str, params: list | None = None, everything: bool = False):
    with duckdb.connect(str(settings.storage.database), read_only=True) as con:
        if everything:
            con.execute("set variable include_off_topic = true")
        return con.execute(sql, params or []).fetchall()


@pytest.fixture
def focused(seed_settings: Settings) -> Settings:
    focus = FocusSettings(entities=("Microsoft", "OpenAI"))
    return seed_settings.model_copy(update={"focus": focus})


def test_an_off_topic_page_is_kept_marked_and_not_counted(focused: Settings, tmp_path: Path):
    site = tmp_path / "site"
    write_site(
        site,
        "news",
        {
            "aws": ("OpenAI rents AWS capacity", STORY, "2025-06-02T09:00:00+00:00"),
            "bakery": ("A bakery district", OTHER, "2025-06-02T10:00:00+00:00"),
            "nvidia": ("Nvidia demand", NVIDIA_STORY, "2025-06-02T11:00:00+00:00"),
        },
    )
    with serve_site(site) as base:
        counts = ingest(focused, FeedSettings(name="wire", url=f"{base}/feeds/news.xml"))
    assert (counts.articles_stored, counts.off_topic) == (3, 2)

    stored = rows(focused, "select title, off_topic, text is not null from articles order by 1")
    assert stored == [
        ("A bakery district", True, False),
        ("Nvidia demand", True, False),
        ("OpenAI rents AWS capacity", False, True),
    ]
    states = rows(focused, "select state, count(*) from entries group by 1 order by 1")
    assert states == [("off_topic", 2), ("stored", 1)]
    assert rows(focused, "select off_topic from ingest_runs") == [(2,)]

    nvidia = "select coalesce(sum(articles), 0) from entity_mentions_daily where entity = 'NVIDIA'"
    assert rows(focused, nvidia) == [(1,)]  # named in the on-topic story
    assert rows(focused, nvidia, everything=True) == [(2,)]  # asked for every article
    assert rows(focused, "select count(*) from article_dates") == [(1,)]
    assert rows(focused, "select count(*) from article_dates", everything=True) == [(3,)]


def test_without_a_focus_every_article_is_on_topic(seed_settings: Settings, tmp_path: Path):
    seed_settings = seed_settings.model_copy(update={"focus": FocusSettings()})
    site = tmp_path / "site"
    write_site(site, "news", {"bakery": ("A bakery district", OTHER, "2025-06-02T10:00:00Z")})
    with serve_site(site) as base:
        counts = ingest(seed_settings, FeedSettings(name="wire", url=f"{base}/feeds/news.xml"))
    assert counts.off_topic == 0
    assert rows(seed_settings, "select off_topic, text is not null from articles") == [
        (False, True)
    ]


def test_keep_off_topic_text(focused: Settings, tmp_path: Path):
    keep = focused.model_copy(
        update={"focus": focused.focus.model_copy(update={"keep_off_topic_text": True})}
    )
    site = tmp_path / "site"
    write_site(site, "news", {"bakery": ("A bakery district", OTHER, "2025-06-02T10:00:00Z")})
    with serve_site(site) as base:
        ingest(keep, FeedSettings(name="wire", url=f"{base}/feeds/news.xml"))
    assert rows(keep, "select off_topic, text is not null from articles") == [(True, True)]


def test_edited_copies_of_one_story_are_one_story(seed_settings: Settings, tmp_path: Path):
    """A wire copy (new headline, boilerplate) in one run; an update (a paragraph added, one
    rewritten) in the next: one story, looked up against the stored signatures."""
    site = tmp_path / "site"
    first = {"aws": ("OpenAI rents AWS capacity", STORY, "2025-06-02T09:00:00+00:00")}
    copy = [*STORY, BOILERPLATE]
    first["wire"] = ("OpenAI turns to Amazon for computing", copy, "2025-06-02T12:00:00+00:00")
    first["other"] = ("Nvidia demand", NVIDIA_STORY, "2025-06-02T11:00:00+00:00")
    write_site(site, "first", first)
    edited = [*STORY[:2], STORY[2].replace("People who follow", "Those who track"), *STORY[3:]]
    update = {"upd": ("OpenAI and AWS: update", [*edited, UPDATE_PARAGRAPH], "2025-06-03T08:00Z")}
    write_site(site, "second", update)
    with serve_site(site) as base:
        ingest(seed_settings, FeedSettings(name="first", url=f"{base}/feeds/first.xml"))
        ingest(seed_settings, FeedSettings(name="second", url=f"{base}/feeds/second.xml"))

    stories = dict(
        rows(
            seed_settings, "select canonical_url, story_id from articles where duplicate_of is null"
        )
    )
    by_slug = {url.rsplit("/", 1)[1].removesuffix(".html"): s for url, s in stories.items()}
    assert len(by_slug) == 4  # no exact copies: four original articles
    assert by_slug["aws"] == by_slug["wire"] == by_slug["upd"]
    assert by_slug["other"] != by_slug["aws"]
    aws_day = rows(
        seed_settings,
        "select articles, stories from entity_mentions_daily "
        "where entity = 'Amazon Web Services' and day = date '2025-06-02'",
    )
    assert aws_day == [(2, 1)]
    weekly = rows(
        seed_settings,
        "select sum(articles), sum(stories) from entity_trends_weekly where entity = 'OpenAI'",
    )
    assert weekly == [(3, 1)]  # three articles, one story (counted on the day it started)


def test_a_press_report_then_an_official_post_confirms_the_deal(
    seed_settings: Settings, seed_site: str
):
    press = FeedSettings(name="press", url=f"{seed_site}/feeds/rss.xml")
    official = FeedSettings(
        name="newsroom",
        url=f"{seed_site}/feeds/official.xml",
        kind="official",
        entities=("OpenAI",),
    )
    ledger = "select confirmed_by, confirmed_at, confirmed_url from deal_ledger where deal_key = ?"
    ingest(seed_settings, press)
    assert rows(seed_settings, ledger, [STARGATE]) == [(None, None, None)]

    ingest(seed_settings, press, official)
    [(by, at, url)] = rows(seed_settings, ledger, [STARGATE])
    assert (by, url) == ("newsroom", OFFICIAL)
    assert at == datetime.fromisoformat("2025-03-12T14:00:00+00:00")
    confirmed = rows(
        seed_settings, "select deal_key from deal_ledger where confirmed_at is not null"
    )
    assert confirmed == [(STARGATE,)]  # the newsroom's other mentions confirm nothing else
    kinds = rows(seed_settings, "select name, kind, entities from feeds order by name")
    assert kinds == [("newsroom", "official", ["OpenAI"]), ("press", "press", [])]


def test_an_official_source_of_another_company_confirms_nothing(
    seed_settings: Settings, seed_site: str
):
    others = FeedSettings(
        name="nvidia-news",
        url=f"{seed_site}/feeds/official.xml",
        kind="official",
        entities=("Nvidia",),
    )
    ingest(seed_settings, FeedSettings(name="press", url=f"{seed_site}/feeds/rss.xml"), others)
    assert rows(
        seed_settings, "select count(*) from deal_ledger where confirmed_at is not null"
    ) == [(0,)]


def test_the_seed_manifest_names_the_official_post() -> None:
    import json

    manifest = json.loads((SEEDS / "fixtures.json").read_text())
    assert manifest["official"]["canonical_url"] == OFFICIAL
    assert manifest["official"]["confirms"] == STARGATE


def test_trends_count_off_topic_articles_when_asked(focused: Settings, tmp_path: Path):
    from typer.testing import CliRunner

    from flows.cli import app

    site = tmp_path / "site"
    write_site(site, "news", {"nvidia": ("Nvidia demand", NVIDIA_STORY, "2025-06-02T11:00Z")})
    with serve_site(site) as base:
        ingest(focused, FeedSettings(name="wire", url=f"{base}/feeds/news.xml"))
    config = tmp_path / "newsmon.toml"
    config.write_text(f'[storage]\ndatabase = "{focused.storage.database}"\n')
    runner = CliRunner()
    on_topic = runner.invoke(app, ["trends", "NVIDIA", "-c", str(config)])
    assert on_topic.exit_code == 0 and "no mentions of NVIDIA" in on_topic.stdout
    everything = runner.invoke(app, ["trends", "NVIDIA", "--include-off-topic", "-c", str(config)])
    assert everything.exit_code == 0, everything.output
    assert "no mentions" not in everything.stdout and "NVIDIA" in everything.stdout
