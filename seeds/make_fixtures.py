"""Build the served seed fixtures under ``seeds/site/`` from the two seed article texts.

Run from anywhere::

    python seeds/make_fixtures.py            # rewrites seeds/site/ and seeds/fixtures.json
    python seeds/make_fixtures.py --out DIR  # writes the same tree under DIR instead

Standard library only. The output is deterministic (no clock, no randomness, sorted JSON),
so running it twice gives byte-identical files; ``tests/test_seed_fixtures.py`` checks that
the committed tree matches a fresh build. Commit the regenerated files together with any
change to this script.

What it writes (``site/`` is served as the web root, e.g. ``http://127.0.0.1:<port>/``):

- one article page per seed on a fictional outlet, "AI Wire" (``www.aiwire-news.example``),
  marked up like a real news page: Open Graph and ``article:`` meta tags, an absolute
  ``<link rel="canonical">``, a JSON-LD ``NewsArticle`` block, and page chrome around the
  ``<article>`` (nav, breadcrumb, cookie banner, ad slot, newsletter box, related links,
  reader comments, footer) that an extractor must leave out;
- a syndicated copy of seed 004 on a second fictional outlet, "Cloud Ledger Daily", with
  different chrome and markup. Its canonical URL is its own, not the original's, so
  duplicates can only be found by comparing text (see ``syndication_policy`` in the manifest);
- ``feeds/rss.xml`` (RSS 2.0, the two originals, one link carrying ``utm_`` tracking
  parameters) and ``feeds/atom.xml`` (Atom 1.0, the originals plus the copy); item links are
  root-relative so they resolve against whatever host serves the tree;
- an official post of one of the parties to a seed deal (``seeds/official/stargate.txt``,
  written by the newsmon team for these fixtures, not the company's words) on a fictional
  newsroom, "OpenAI Newsroom" (``newsroom.openai.example``), with its own feed,
  ``feeds/official.xml``: configured as an ``official`` source of OpenAI, it confirms the
  Stargate joint venture that the AI Wire story reported;
- ``robots.txt`` disallowing ``/private/``, with ``private/secret.html`` behind it;
- ``index.html`` linking to the feeds and the pages.

Alongside ``site/`` it writes ``fixtures.json``, the manifest tests assert against: per page
its seed file, path, title, author, publication time, canonical URL, and the copy's original;
the feeds and their entry counts; and chrome phrases that must never reach extracted text.
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parent

EST = timezone(timedelta(hours=-5))
EDT = timezone(timedelta(hours=-4))
BST = timezone(timedelta(hours=1))

TRACKING_QUERY = "?utm_source=rss&utm_medium=feed"


@dataclass(frozen=True)
class Outlet:
    """A fictional news site: its name, home URL and the bits of chrome it shows."""

    key: str
    name: str
    home: str  # absolute, with trailing slash
    tagline: str


@dataclass(frozen=True)
class Story:
    """One served article page: which seed it shows, where, and its metadata."""

    seed: str
    outlet: Outlet
    path: str  # root-relative, also the path of the canonical URL
    title: str
    author: str
    section: str
    published: datetime  # local time of the outlet, with offset
    modified: datetime
    summary: str
    copy_of: Story | None = None

    @property
    def canonical(self) -> str:
        return self.outlet.home.rstrip("/") + self.path


AI_WIRE = Outlet(
    key="aiwire",
    name="AI Wire",
    home="https://www.aiwire-news.example/",
    tagline="Deals, chips and clouds: the business of artificial intelligence",
)
CLOUD_LEDGER = Outlet(
    key="cloudledger",
    name="Cloud Ledger Daily",
    home="https://www.cloudledger-daily.example/",
    tagline="Independent coverage of the cloud economy",
)

STARGATE_STORY = Story(
    seed="000_f844235f3c9f1614.txt",
    outlet=AI_WIRE,
    path="/news/2025/03/04/microsoft-openai-alliance-stargate.html",
    title="Microsoft and OpenAI Redraw Their Alliance as Stargate Takes Shape",
    author="Dana Whitfield",
    section="Cloud",
    published=datetime(2025, 3, 4, 9, 30, tzinfo=EST),
    modified=datetime(2025, 3, 4, 11, 5, tzinfo=EST),
    summary=(
        "OpenAI is building infrastructure beyond Azure through the Stargate joint venture, "
        "while Microsoft widens its own roster of AI model partners."
    ),
)
HYPERSCALER_STORY = Story(
    seed="004_fbee2b38ced3e7ae.txt",
    outlet=AI_WIRE,
    path="/news/2025/05/20/openai-hyperscalers-microsoft-ai-models.html",
    title="OpenAI Courts New Hyperscalers as Microsoft Builds Its Own AI Models",
    author="Marcus Ellery",
    section="AI",
    published=datetime(2025, 5, 20, 7, 45, tzinfo=EDT),
    modified=datetime(2025, 5, 20, 9, 10, tzinfo=EDT),
    summary=(
        "Talks with AWS and Google Cloud, Microsoft's MAI-1 model and new data centers "
        "point to a looser partnership between the two AI heavyweights."
    ),
)
SYNDICATED_STORY = Story(
    seed=HYPERSCALER_STORY.seed,
    outlet=CLOUD_LEDGER,
    path="/wire/2025/05/21/openai-courts-new-hyperscalers.html",
    title=HYPERSCALER_STORY.title,
    author=HYPERSCALER_STORY.author,
    section="Partner content",
    published=datetime(2025, 5, 21, 8, 0, tzinfo=BST),
    modified=datetime(2025, 5, 21, 8, 0, tzinfo=BST),
    summary=HYPERSCALER_STORY.summary,
    copy_of=HYPERSCALER_STORY,
)
ORIGINALS = (STARGATE_STORY, HYPERSCALER_STORY)
ALL_STORIES = (*ORIGINALS, SYNDICATED_STORY)

NEWSROOM = Outlet(
    key="newsroom",
    name="OpenAI Newsroom",
    home="https://newsroom.openai.example/",
    tagline="Official announcements (a seed fixture written by the newsmon team)",
)
OFFICIAL_STORY = Story(
    seed="official/stargate.txt",
    outlet=NEWSROOM,
    path="/newsroom/2025/03/12/stargate-next-step.html",
    title="Stargate takes its next step",
    author="OpenAI",
    section="Company",
    published=datetime(2025, 3, 12, 10, 0, tzinfo=EDT),
    modified=datetime(2025, 3, 12, 10, 0, tzinfo=EDT),
    summary="OpenAI, Oracle and SoftBank form the Stargate Project joint venture.",
)
OFFICIAL_ENTITIES = ("OpenAI",)  # whose source the newsroom is (feeds.entities)

# Chrome text that must never end up in extracted article text. Every phrase is written
# into at least one page; the manifest lists them so tests can check both facts.
AD_TEXT = "Advertisement: Scale your GPU cluster in minutes with Nimbus Compute"
NEWSLETTER_TEXT = "Get the AI Wire Morning Brief in your inbox every weekday"
COOKIE_TEXT = "We use cookies to measure readership and personalise adverts"
COMMENTS = (
    ("quietkestrel", "Azure will be fine. Enterprises care about SLAs, not drama."),
    ("ledgerhawk_88", "Ten years from now we will call this the great cloud unbundling."),
    ("maya.t", "Would love a follow-up piece on what this means for Copilot pricing."),
)
CLOUD_LEDGER_AD = "Advertisement. Sponsored by Ferrocore Storage: archive petabytes for less"
CLOUD_LEDGER_NEWSLETTER = "Join 40,000 readers of The Ledger Letter, free every Friday"
CLOUD_LEDGER_COMMENTS = (
    ("ops_rachel", "We moved half our training jobs off a single cloud last year. Worth it."),
    ("b_nakamura", "Multi-cloud sounds great until you see the egress bill."),
)


# ---- seed text -> blocks -----------------------------------------------------------------

_BULLET = re.compile(r"^\s*•\s*")


def _is_heading(line: str) -> bool:
    # Seed headings are short lines without closing punctuation; paragraphs end in one.
    return len(line.split()) <= 12 and not line.rstrip().endswith((".", "!", "?", ":", '"'))


def parse_blocks(text: str) -> list[tuple[str, str | list[str]]]:
    """Split a seed text into ("h2", str), ("p", str) and ("ul", [items]) blocks."""
    blocks: list[tuple[str, str | list[str]]] = []
    for raw in text.splitlines():
        if not raw.strip():
            continue
        if _BULLET.match(raw):
            item = _BULLET.sub("", raw).strip()
            if blocks and blocks[-1][0] == "ul":
                blocks[-1][1].append(item)  # type: ignore[union-attr]
            else:
                blocks.append(("ul", [item]))
        elif _is_heading(raw):
            blocks.append(("h2", raw.strip()))
        else:
            blocks.append(("p", raw.strip()))
    return blocks


def render_blocks(blocks: list[tuple[str, str | list[str]]], indent: str) -> list[str]:
    """HTML lines for the article body blocks."""
    lines: list[str] = []
    for kind, value in blocks:
        if kind == "ul":
            lines.append(f"{indent}<ul>")
            lines.extend(f"{indent}  <li>{escape(item, quote=False)}</li>" for item in value)
            lines.append(f"{indent}</ul>")
        else:
            lines.append(f"{indent}<{kind}>{escape(str(value), quote=False)}</{kind}>")
    return lines


def _split_for_ad(blocks: list, ratio: float = 0.5) -> int:
    """Index of the block after which a mid-article ad goes: after a paragraph, mid-way."""
    target = int(len(blocks) * ratio)
    for i in range(target, len(blocks) - 1):
        if blocks[i][0] == "p" and blocks[i + 1][0] == "h2":
            return i + 1
    return target


# ---- shared head ------------------------------------------------------------------------


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _json_ld(story: Story) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": story.canonical},
        "headline": story.title,
        "description": story.summary,
        "articleSection": story.section,
        "inLanguage": "en",
        "author": {"@type": "Person", "name": story.author},
        "datePublished": _iso(story.published),
        "dateModified": _iso(story.modified),
        "publisher": {
            "@type": "Organization",
            "name": story.outlet.name,
            "url": story.outlet.home,
            "logo": {"@type": "ImageObject", "url": story.outlet.home + "static/logo.png"},
        },
    }
    if story.copy_of is not None:
        data["isBasedOn"] = story.copy_of.canonical
    text = json.dumps(data, indent=2, ensure_ascii=False).replace("</", "<\\/")
    return "\n".join("    " + line for line in text.splitlines())


def render_head(story: Story, stylesheet: str) -> list[str]:
    """The <head> of an article page: title, social/article meta, canonical, JSON-LD."""
    t, o = escape(story.title), story.outlet
    return [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '  <meta charset="utf-8">',
        '  <meta name="viewport" content="width=device-width, initial-scale=1">',
        f"  <title>{t} | {escape(o.name)}</title>",
        f'  <meta name="description" content="{escape(story.summary)}">',
        f'  <meta name="author" content="{escape(story.author)}">',
        f'  <link rel="canonical" href="{escape(story.canonical)}">',
        f'  <meta property="og:title" content="{t}">',
        '  <meta property="og:type" content="article">',
        f'  <meta property="og:url" content="{escape(story.canonical)}">',
        f'  <meta property="og:site_name" content="{escape(o.name)}">',
        f'  <meta property="og:description" content="{escape(story.summary)}">',
        f'  <meta property="article:published_time" content="{_iso(story.published)}">',
        f'  <meta property="article:modified_time" content="{_iso(story.modified)}">',
        f'  <meta property="article:author" content="{escape(story.author)}">',
        f'  <meta property="article:section" content="{escape(story.section)}">',
        f'  <link rel="stylesheet" href="{stylesheet}">',
        '  <script type="application/ld+json">',
        _json_ld(story),
        "  </script>",
        "</head>",
    ]


def _long_date(moment: datetime) -> str:
    return f"{moment:%B} {moment.day}, {moment.year}"


# ---- AI Wire (the original outlet) ------------------------------------------------------


def _aiwire_top(story: Story) -> list[str]:
    return [
        '<body class="article-page">',
        '  <div id="cookie-banner" class="cookie-banner" role="dialog">',
        f'    <p>{escape(COOKIE_TEXT)}. <a href="/privacy.html">Learn more</a></p>',
        '    <button type="button" class="cookie-accept">Accept all</button>',
        "  </div>",
        '  <header class="site-header">',
        '    <a class="logo" href="/">AI Wire</a>',
        f'    <p class="tagline">{escape(AI_WIRE.tagline)}</p>',
        '    <nav class="main-nav" aria-label="Main">',
        "      <ul>",
        '        <li><a href="/">Home</a></li>',
        '        <li><a href="/section/ai/">AI</a></li>',
        '        <li><a href="/section/cloud/">Cloud</a></li>',
        '        <li><a href="/section/deals/">Deals</a></li>',
        '        <li><a href="/section/policy/">Policy</a></li>',
        "      </ul>",
        "    </nav>",
        "  </header>",
        '  <nav class="breadcrumb" aria-label="Breadcrumb">',
        "    <ol>",
        '      <li><a href="/">Home</a></li>',
        f'      <li><a href="/section/{story.section.lower()}/">{escape(story.section)}</a></li>',
        f'      <li aria-current="page">{escape(story.title)}</li>',
        "    </ol>",
        "  </nav>",
    ]


def _aiwire_article(story: Story, blocks: list) -> list[str]:
    cut = _split_for_ad(blocks)
    return [
        '  <main id="main">',
        '    <article class="story">',
        '      <header class="story-header">',
        f"        <h1>{escape(story.title)}</h1>",
        '        <p class="byline">By <a rel="author" href="/authors/'
        f'{_slug(story.author)}/">{escape(story.author)}</a></p>',
        f'        <time class="published" datetime="{_iso(story.published)}">'
        f"{_long_date(story.published)}</time>",
        "      </header>",
        '      <div class="article-body" itemprop="articleBody">',
        *render_blocks(blocks[:cut], "        "),
        '        <div class="ad ad-inline" data-slot="mid-article">',
        f"          <span>{escape(AD_TEXT)}</span>",
        "        </div>",
        *render_blocks(blocks[cut:], "        "),
        "      </div>",
        "    </article>",
    ]


def _aiwire_after(story: Story) -> list[str]:
    other = next(s for s in ORIGINALS if s is not story)
    lines = [
        '    <aside class="related" aria-label="Related articles">',
        "      <h3>Related articles</h3>",
        "      <ul>",
        f'        <li><a href="{other.path}">{escape(other.title)}</a></li>',
        '        <li><a href="/news/2025/02/11/nvidia-gtc-preview.html">'
        "What to watch at Nvidia GTC</a></li>",
        '        <li><a href="/news/2025/01/22/data-center-power-crunch.html">'
        "The data center power crunch, explained</a></li>",
        "      </ul>",
        "    </aside>",
        '    <aside class="newsletter">',
        f"      <h3>{escape(NEWSLETTER_TEXT)}</h3>",
        '      <form action="/newsletter/subscribe" method="post">',
        '        <input type="email" name="email" placeholder="you@example.com">',
        '        <button type="submit">Sign up</button>',
        "      </form>",
        "    </aside>",
        '    <section id="comments" class="comments">',
        f"      <h3>{len(COMMENTS)} comments</h3>",
    ]
    for user, text in COMMENTS:
        lines += [
            '      <div class="comment">',
            f'        <p class="comment-author">{escape(user)}</p>',
            f'        <p class="comment-text">{escape(text)}</p>',
            "      </div>",
        ]
    return [*lines, "    </section>", "  </main>"]


def _aiwire_footer() -> list[str]:
    return [
        '  <footer class="site-footer">',
        "    <nav>",
        '      <a href="/about.html">About</a>',
        '      <a href="/contact.html">Contact</a>',
        '      <a href="/privacy.html">Privacy</a>',
        '      <a href="/feeds/rss.xml">RSS</a>',
        "    </nav>",
        "    <p>&copy; 2025 AI Wire Media. All rights reserved.</p>",
        "  </footer>",
        "</body>",
        "</html>",
    ]


def render_aiwire_page(story: Story, blocks: list) -> str:
    """An original article page in AI Wire's chrome."""
    lines = [
        *render_head(story, "/static/aiwire.css"),
        *_aiwire_top(story),
        *_aiwire_article(story, blocks),
        *_aiwire_after(story),
        *_aiwire_footer(),
    ]
    return "\n".join(lines) + "\n"


# ---- Cloud Ledger Daily (the syndicating outlet) ----------------------------------------


def _ledger_top() -> list[str]:
    return [
        "<body>",
        '  <div class="gdpr-consent" id="consent">',
        "    Cloud Ledger Daily and its partners store cookies on your device.",
        '    <a href="/legal/cookies">Manage preferences</a>',
        "  </div>",
        '  <div class="masthead">',
        '    <a class="brand" href="/">Cloud Ledger <em>Daily</em></a>',
        f'    <span class="motto">{escape(CLOUD_LEDGER.tagline)}</span>',
        "  </div>",
        '  <ul class="menu" role="navigation">',
        '    <li><a href="/markets/">Markets</a></li>',
        '    <li><a href="/infrastructure/">Infrastructure</a></li>',
        '    <li><a href="/wire/">Wire</a></li>',
        '    <li><a href="/opinion/">Opinion</a></li>',
        "  </ul>",
        '  <div class="crumbs"><a href="/">Cloud Ledger Daily</a> &rsaquo; '
        '<a href="/wire/">Wire</a></div>',
        '  <div class="sponsored adslot" id="leaderboard">',
        f"    <p>{escape(CLOUD_LEDGER_AD)}</p>",
        "  </div>",
    ]


def _ledger_article(story: Story, blocks: list) -> list[str]:
    original = story.copy_of
    assert original is not None
    return [
        '  <div class="layout">',
        '    <article class="post hentry">',
        f'      <h1 class="entry-title">{escape(story.title)}</h1>',
        '      <div class="entry-meta">',
        f'        <span class="author vcard">{escape(story.author)}, {AI_WIRE.name}</span>',
        f'        <time class="entry-date" datetime="{_iso(story.published)}">'
        f"{story.published:%d.%m.%Y}</time>",
        "      </div>",
        '      <div class="entry-content">',
        *render_blocks(blocks, "        "),
        "      </div>",
        "    </article>",
        '    <div class="syndication-credit">',
        f'      Republished from <a href="{escape(original.canonical)}">{AI_WIRE.name}</a>',
        "      under a content partnership.",
        "    </div>",
    ]


def _ledger_after() -> list[str]:
    lines = [
        '    <div class="sidebar">',
        '      <div class="widget more-stories">',
        "        <h4>More from the wire</h4>",
        f'        <a href="{STARGATE_STORY.path}">{escape(STARGATE_STORY.title)}</a>',
        '        <a href="/markets/2025/05/19/colocation-prices.html">'
        "Colocation prices climb again</a>",
        "      </div>",
        '      <div class="widget signup-box">',
        f"        <p>{escape(CLOUD_LEDGER_NEWSLETTER)}</p>",
        '        <input type="email" aria-label="Email address"><button>Subscribe</button>',
        "      </div>",
        "    </div>",
        '    <section id="comments" class="discussion">',
        "      <h4>Reader discussion</h4>",
        "      <ol>",
    ]
    for user, text in CLOUD_LEDGER_COMMENTS:
        lines.append(f"        <li><b>{escape(user)}</b> {escape(text)}</li>")
    return [*lines, "      </ol>", "    </section>", "  </div>"]


def _ledger_footer() -> list[str]:
    return [
        '  <div class="bottom-bar">',
        '    <a href="/about/">About us</a> &middot; <a href="/legal/terms">Terms</a>',
        "    <span>Cloud Ledger Daily is published by Ledger Media Group.</span>",
        "  </div>",
        "</body>",
        "</html>",
    ]


def render_ledger_page(story: Story, blocks: list) -> str:
    """The syndicated copy in Cloud Ledger Daily's chrome."""
    lines = [
        *render_head(story, "/assets/ledger.css"),
        *_ledger_top(),
        *_ledger_article(story, blocks),
        *_ledger_after(),
        *_ledger_footer(),
    ]
    return "\n".join(lines) + "\n"


# ---- the official newsroom ---------------------------------------------------------------


def render_newsroom_page(story: Story, blocks: list) -> str:
    """The official post, in a plain newsroom's chrome."""
    body = blocks[1:] if blocks and blocks[0] == ("h2", story.title) else blocks
    lines = [
        *render_head(story, "/static/newsroom.css"),
        "<body>",
        "  <!-- A seed fixture: team-written prose, not the company's own words. -->",
        '  <header class="newsroom-header">',
        f'    <a href="/">{escape(story.outlet.name)}</a>',
        '    <nav><a href="/newsroom/">All news</a> <a href="/research/">Research</a></nav>',
        "  </header>",
        "  <main>",
        "    <article>",
        f"      <h1>{escape(story.title)}</h1>",
        f'      <time datetime="{_iso(story.published)}">{_long_date(story.published)}</time>',
        *render_blocks(body, "      "),
        "    </article>",
        "  </main>",
        '  <footer class="newsroom-footer">',
        f"    <p>{escape(story.outlet.tagline)}</p>",
        "  </footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(lines) + "\n"


def render_official_rss() -> str:
    """RSS 2.0 of the newsroom: the one official post."""
    story = OFFICIAL_STORY
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0">',
        "  <channel>",
        f"    <title>{_x(NEWSROOM.name)}</title>",
        f"    <link>{NEWSROOM.home}</link>",
        f"    <description>{_x(NEWSROOM.tagline)}</description>",
        "    <item>",
        f"      <title>{_x(story.title)}</title>",
        f"      <link>{_x(story.path)}</link>",
        f'      <guid isPermaLink="false">{_guid(story)}</guid>',
        f"      <pubDate>{_rfc822(story.published)}</pubDate>",
        f"      <description>{_x(story.summary)}</description>",
        "    </item>",
        "  </channel>",
        "</rss>",
    ]
    return "\n".join(lines) + "\n"


# ---- feeds ------------------------------------------------------------------------------


def _x(text: str) -> str:
    # Element text: escape markup characters, leave quotes readable.
    return escape(text, quote=False)


def render_rss() -> str:
    """RSS 2.0 with the two originals; the second link carries tracking parameters."""
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:atom="http://www.w3.org/2005/Atom">',
        "  <channel>",
        "    <title>AI Wire: latest stories</title>",
        f"    <link>{AI_WIRE.home}</link>",
        f"    <description>{_x(AI_WIRE.tagline)}</description>",
        "    <language>en-us</language>",
        '    <atom:link href="/feeds/rss.xml" rel="self" type="application/rss+xml"/>',
        f"    <lastBuildDate>{_rfc822(HYPERSCALER_STORY.modified)}</lastBuildDate>",
        "    <ttl>30</ttl>",
    ]
    for story in sorted(ORIGINALS, key=lambda s: s.published, reverse=True):
        link = story.path + (TRACKING_QUERY if story is HYPERSCALER_STORY else "")
        lines += [
            "    <item>",
            f"      <title>{_x(story.title)}</title>",
            f"      <link>{_x(link)}</link>",
            f'      <guid isPermaLink="false">{_guid(story)}</guid>',
            f"      <pubDate>{_rfc822(story.published)}</pubDate>",
            f"      <dc:creator>{_x(story.author)}</dc:creator>",
            f"      <category>{_x(story.section)}</category>",
            f"      <description>{_x(story.summary)}</description>",
            "    </item>",
        ]
    return "\n".join([*lines, "  </channel>", "</rss>"]) + "\n"


def render_atom() -> str:
    """Atom 1.0 with the two originals and the syndicated copy; hrefs are relative."""
    stories = sorted(ALL_STORIES, key=lambda s: s.published, reverse=True)
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">',
        "  <id>tag:aiwire-news.example,2025:feeds/all</id>",
        "  <title>AI Wire and partners: all stories</title>",
        f"  <subtitle>{_x(AI_WIRE.tagline)}</subtitle>",
        '  <link rel="self" type="application/atom+xml" href="/feeds/atom.xml"/>',
        '  <link rel="alternate" type="text/html" href="/"/>',
        f"  <updated>{_iso(stories[0].modified)}</updated>",
    ]
    for story in stories:
        lines += [
            "  <entry>",
            f"    <id>{_atom_id(story)}</id>",
            f"    <title>{_x(story.title)}</title>",
            f'    <link rel="alternate" type="text/html" href="{escape(story.path)}"/>',
            f"    <published>{_iso(story.published)}</published>",
            f"    <updated>{_iso(story.modified)}</updated>",
            f"    <author><name>{_x(story.author)}</name></author>",
            f"    <summary>{_x(story.summary)}</summary>",
            "  </entry>",
        ]
    return "\n".join([*lines, "</feed>"]) + "\n"


def _rfc822(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC))


def _guid(story: Story) -> str:
    return f"{story.outlet.key}:{story.published:%Y%m%d}:{Path(story.path).stem}"


def _atom_id(story: Story) -> str:
    host = story.outlet.home.split("//", 1)[1].strip("/").removeprefix("www.")
    return f"tag:{host},{story.published:%Y-%m-%d}:{story.path}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# ---- small pages ------------------------------------------------------------------------

ROBOTS_TXT = """\
# AI Wire test site: everything may be crawled except /private/.
User-agent: *
Disallow: /private/
Allow: /
"""


def render_secret() -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n  <meta charset="utf-8">\n'
        '  <meta name="robots" content="noindex, nofollow">\n'
        "  <title>Staff only</title>\n</head>\n<body>\n"
        "  <h1>Staff only</h1>\n"
        "  <p>Draft embargoed story list. robots.txt disallows this page; "
        "a polite crawler never fetches it.</p>\n"
        "</body>\n</html>\n"
    )


def render_index() -> str:
    items = "\n".join(
        f'      <li><a href="{s.path}">{escape(s.title)}</a> ({escape(s.outlet.name)})</li>'
        for s in ALL_STORIES
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n  <meta charset="utf-8">\n'
        "  <title>newsmon seed site</title>\n"
        '  <link rel="alternate" type="application/rss+xml" title="AI Wire (RSS)"'
        ' href="/feeds/rss.xml">\n'
        '  <link rel="alternate" type="application/atom+xml" title="AI Wire and partners (Atom)"'
        ' href="/feeds/atom.xml">\n'
        "</head>\n<body>\n"
        "  <h1>newsmon seed site</h1>\n"
        "  <p>Fixture pages for tests. Generated by seeds/make_fixtures.py; do not edit.</p>\n"
        "  <h2>Feeds</h2>\n"
        "  <ul>\n"
        '    <li><a href="/feeds/rss.xml">RSS 2.0</a></li>\n'
        '    <li><a href="/feeds/atom.xml">Atom 1.0</a></li>\n'
        "  </ul>\n"
        "  <h2>Articles</h2>\n"
        f"  <ul>\n{items}\n  </ul>\n"
        "</body>\n</html>\n"
    )


# ---- manifest ---------------------------------------------------------------------------


def _page_entry(story: Story) -> dict:
    return {
        "seed": story.seed,
        "kind": "syndicated" if story.copy_of else "original",
        "outlet": story.outlet.name,
        "path": story.path,
        "file": "site" + story.path,
        "title": story.title,
        "author": story.author,
        "published": _utc_iso(story.published),
        "published_local": _iso(story.published),
        "date": f"{story.published:%Y-%m-%d}",
        "canonical_url": story.canonical,
        "copy_of": story.copy_of.path if story.copy_of else None,
    }


def build_manifest() -> dict:
    """The facts tests assert against, derived from the same data as the pages."""
    return {
        "generated_by": "seeds/make_fixtures.py",
        "site_root": "site",
        "pages": [_page_entry(s) for s in ALL_STORIES],
        "syndication_policy": (
            "The syndicated copy's <link rel=canonical> and og:url point to its own URL on "
            "the syndicating outlet, not to the original (its JSON-LD isBasedOn names the "
            "original). Canonical URLs therefore differ, and the pipeline has to recognise "
            "the copy by the hash of its normalised extracted text."
        ),
        "feeds": {
            "rss": {"path": "/feeds/rss.xml", "entries": len(ORIGINALS)},
            "atom": {"path": "/feeds/atom.xml", "entries": len(ALL_STORIES)},
        },
        "tracking_query": TRACKING_QUERY,
        "official": {
            **_page_entry(OFFICIAL_STORY),
            "feed": "/feeds/official.xml",
            "entities": list(OFFICIAL_ENTITIES),
            "confirms": "joint_venture|OpenAI+Oracle+SoftBank|$100B+",
        },
        "robots": {"disallow": ["/private/"], "disallowed_page": "/private/secret.html"},
        "index_page": "/index.html",
        "boilerplate": {
            "ads": [AD_TEXT, CLOUD_LEDGER_AD],
            "newsletter": [NEWSLETTER_TEXT, CLOUD_LEDGER_NEWSLETTER],
            "cookies": [COOKIE_TEXT],
            "comments": [text for _, text in (*COMMENTS, *CLOUD_LEDGER_COMMENTS)],
        },
    }


# ---- writing ----------------------------------------------------------------------------


def build_files() -> dict[str, str]:
    """Every generated file, as relative path -> text."""
    files: dict[str, str] = {}
    for story in ALL_STORIES:
        blocks = parse_blocks((SEEDS_DIR / story.seed).read_text(encoding="utf-8"))
        render = render_ledger_page if story.copy_of else render_aiwire_page
        files["site" + story.path] = render(story, blocks)
    official = parse_blocks((SEEDS_DIR / OFFICIAL_STORY.seed).read_text(encoding="utf-8"))
    files["site" + OFFICIAL_STORY.path] = render_newsroom_page(OFFICIAL_STORY, official)
    files["site/feeds/official.xml"] = render_official_rss()
    files["site/feeds/rss.xml"] = render_rss()
    files["site/feeds/atom.xml"] = render_atom()
    files["site/robots.txt"] = ROBOTS_TXT
    files["site/private/secret.html"] = render_secret()
    files["site/index.html"] = render_index()
    manifest = json.dumps(build_manifest(), indent=2, ensure_ascii=False, sort_keys=True)
    files["fixtures.json"] = manifest + "\n"
    return files


def write_files(files: dict[str, str], out: Path) -> None:
    for rel, text in sorted(files.items()):
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=SEEDS_DIR, help="output directory")
    args = parser.parse_args(argv)
    files = build_files()
    write_files(files, args.out)
    for rel in sorted(files):
        print(args.out / rel)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
