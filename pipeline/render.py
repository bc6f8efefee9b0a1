"""Rendering a digest: markdown, plain text, HTML for mail clients, and webhook payloads.

Pure. Everything that comes from articles is untrusted: HTML-escaped in the HTML,
backslash-escaped in markdown, `&<>`-escaped in Slack mrkdwn, and a link is made only
of an http(s) URL. The HTML uses inline CSS and tables only, as mail clients need.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

from pipeline.digest import DealEntry, DealSource, Digest, digest_as_dict

SLACK_MAX_DEALS = 40  # Slack allows 50 blocks per message: one section per deal
SLACK_MAX_CHARS = 2900  # and 3000 characters per section
MAX_EVIDENCE = 600
TYPE_LABELS = {
    "investment": "Investment",
    "acquisition": "Acquisition",
    "partnership": "Partnership",
    "joint_venture": "Joint venture",
    "contract": "Contract",
    "licensing": "Licensing",
}
STATUS_COLOURS = {
    "announced": "#1a7f37",
    "completed": "#1a7f37",
    "planned": "#0969da",
    "reported": "#9a6700",
    "in_talks": "#8250df",
    "failed": "#cf222e",
}


@dataclass(frozen=True, slots=True)
class RenderedDigest:
    """One digest in every format a channel sends."""

    digest_id: str
    created: datetime
    subject: str
    markdown: str
    text: str
    html: str
    kind: str = "digest"  # digest | alert


def render(digest: Digest, prefix: str = "newsmon") -> RenderedDigest:
    return RenderedDigest(
        digest.digest_id,
        digest.created,
        subject(digest, prefix),
        render_markdown(digest),
        render_text(digest),
        render_html(digest),
        digest.kind,
    )


# ---- labels shared by every format -----------------------------------------------------


def subject(digest: Digest, prefix: str = "newsmon") -> str:
    alert = "ALERT " if digest.kind == "alert" else ""
    return f"{prefix}: {alert}{counts_label(digest)} — {day_label(digest.created)}"


def title(digest: Digest) -> str:
    """'Deal digest — 4 Mar 2025', or 'Deal alert — …' for an alert."""
    name = "Deal alert" if digest.kind == "alert" else "Deal digest"
    return f"{name} — {day_label(digest.created)}"


def counts_label(digest: Digest) -> str:
    total, updates = len(digest.entries), digest.updates
    if not total:
        return "no new deals"
    new = total - updates
    parts = [f"{new} new deal{'s' * (new != 1)}"] if new else []
    parts += [f"{updates} update{'s' * (updates != 1)}"] if updates else []
    return ", ".join(parts)


def period_label(digest: Digest) -> str:
    if digest.kind == "alert":
        return "the articles of the latest ingest"
    if digest.period_start is None:
        return "all articles stored so far"
    return f"articles stored since {digest.period_start:%Y-%m-%d %H:%M} UTC"


def day_label(when: datetime | None) -> str:
    return f"{when.day} {when:%b %Y}" if when else "undated"


def type_label(deal_type: str) -> str:
    return TYPE_LABELS.get(deal_type, deal_type.replace("_", " ").capitalize())


def status_label(status: str) -> str:
    return status.replace("_", " ")


def headline(entry: DealEntry) -> str:
    names = ", ".join(p.name for p in entry.parties)
    named = f" ({entry.name})" if entry.name else ""
    return f"{type_label(entry.type)}: {names}{named}"


def parties_label(entry: DealEntry) -> str:
    return ", ".join(f"{p.name} ({p.role})" for p in entry.parties)


def amount_label(amount_text: str | None, qualifier: str | None, usd: float | None) -> str:
    if usd is None and not amount_text:
        return "amount undisclosed"
    written = amount_text or usd_short(usd)
    if qualifier and not written.lower().startswith(qualifier.lower()):
        written = f"{qualifier} {written}"
    if usd is not None and amount_text and "$" not in amount_text:
        written += f" (≈ {usd_short(usd)})"
    return written


def entry_amount(entry: DealEntry) -> str:
    return amount_label(entry.amount_text, entry.amount_qualifier, entry.amount_usd)


def usd_short(value: float | None) -> str:
    if value is None:
        return "undisclosed"
    for size, unit in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= size:
            return f"${value / size:.1f}".removesuffix(".0") + unit
    return f"${value:,.0f}"


def seen_label(entry: DealEntry) -> str:
    """'first seen 4 Mar 2025', flagged when the deal was only ever told as history."""
    seen = f"first seen {day_label(entry.first_seen)}"
    return f"{seen} · background only" if entry.background_only else seen


def confirmed_note(entry: DealEntry) -> str:
    """'Confirmed by Microsoft newsroom on 5 Mar 2025', or '' when unconfirmed."""
    if entry.confirmed_at is None:
        return ""
    source = entry.confirmed_by or "a primary source"
    return f"Confirmed by {source} on {day_label(entry.confirmed_at)}"


def alerted_note(entry: DealEntry) -> str:
    return f"already alerted on {day_label(entry.alerted_at)}" if entry.alerted_at else ""


def update_note(entry: DealEntry) -> str:
    """'status in talks → announced; amount undisclosed → $2 billion' for an update."""
    previous = entry.previous
    if previous is None:
        return ""
    changes = []
    if previous.status != entry.status:
        changes.append(f"status {status_label(previous.status)} → {status_label(entry.status)}")
    if previous.amount_usd != entry.amount_usd:
        before = amount_label(previous.amount_text, None, previous.amount_usd)
        changes.append(f"amount {before} → {entry_amount(entry)}")
    if entry.is_confirmed and not previous.confirmed:
        changes.append("confirmed by a primary source")
    return "; ".join(changes) or "changed"


def outlet(source: DealSource) -> str:
    return source.outlet or urlsplit(source.url).hostname or "unknown outlet"


def safe_url(url: str) -> str | None:
    """The URL if it is http(s) with a host, else None: no javascript: or data: links."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() in ("http", "https") and parts.hostname:
        return url.strip()
    return None


def type_counts(digest: Digest) -> list[tuple[str, int]]:
    counts = Counter(type_label(e.type) for e in digest.entries)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _clip(text: str, limit: int = MAX_EVIDENCE) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# ---- markdown --------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>!|~&])")
_MD_LEADING = re.compile(r"^(\d*)([#+=.)-])")


def md_escape(text: str) -> str:
    """Article text as literal markdown: no links, HTML, emphasis or headings from it."""
    escaped = _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))
    return _MD_LEADING.sub(r"\1\\\2", escaped)


def render_markdown(digest: Digest) -> str:
    lines = [f"# {title(digest)}", ""]
    lines.append(f"{counts_label(digest).capitalize()} from {period_label(digest)}.")
    if digest.entries:
        lines += ["", *_markdown_chart(digest)]
    for number, entry in enumerate(digest.entries, 1):
        lines += ["", *_markdown_entry(number, entry)]
    lines += ["", "---", f"{digest.kind} `{digest.digest_id}`", ""]
    return "\n".join(lines)


def _markdown_chart(digest: Digest) -> list[str]:
    rows = [f"| {label} | {'█' * count} {count} |" for label, count in type_counts(digest)]
    return ["| deal type | deals |", "|---|---|", *rows]


def _markdown_entry(number: int, entry: DealEntry) -> list[str]:
    if entry.alerted_at is not None:
        return [
            f"## {number}. {md_escape(headline(entry))}",
            "",
            f"**{md_escape(entry_amount(entry))}** · {status_label(entry.status)}"
            f" · *{alerted_note(entry)}*",
        ]
    marker = "**UPDATE** " if entry.is_update else ""
    lines = [
        f"## {number}. {marker}{md_escape(headline(entry))}",
        "",
        f"**{md_escape(entry_amount(entry))}** · {status_label(entry.status)}"
        f" · {seen_label(entry)}",
    ]
    if entry.is_update:
        lines += ["", f"*Update: {md_escape(update_note(entry))}*"]
    if entry.is_confirmed:
        lines += ["", f"**{md_escape(confirmed_note(entry))}**" + _md_link(entry.confirmed_url)]
    lines += ["", f"Parties: {md_escape(parties_label(entry))}"]
    lines += ["", f"> {md_escape(_clip(entry.evidence))}", ""]
    lines += [f"Sources ({len(entry.sources)}):", *(_markdown_source(s) for s in entry.sources)]
    return lines


def _markdown_source(source: DealSource) -> str:
    title = md_escape(source.title or source.url)
    url = safe_url(source.url)
    link = f"[{title}](<{_link_target(url)}>)" if url else title
    return f"- {link} — {md_escape(outlet(source))}, {day_label(source.published)}"


def _md_link(url: str | None) -> str:
    safe = safe_url(url or "")
    return f": <{_link_target(safe)}>" if safe else ""


def _link_target(url: str) -> str:
    # inside <...> a markdown link target may hold anything but <, > and line breaks
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~.-_")


# ---- plain text ------------------------------------------------------------------------


def render_text(digest: Digest) -> str:
    lines = [title(digest)]
    lines.append(f"{counts_label(digest).capitalize()} from {period_label(digest)}.")
    for number, entry in enumerate(digest.entries, 1):
        lines += ["", *_text_entry(number, entry)]
    lines += ["", f"-- {digest.kind} {digest.digest_id}", ""]
    return "\n".join(lines)


def _text_entry(number: int, entry: DealEntry) -> list[str]:
    if entry.alerted_at is not None:
        return [
            f"{number}. {headline(entry)}",
            f"   {entry_amount(entry)} · {status_label(entry.status)} · {alerted_note(entry)}",
        ]
    marker = "[UPDATE] " if entry.is_update else ""
    lines = [
        f"{number}. {marker}{headline(entry)}",
        f"   {entry_amount(entry)} · {status_label(entry.status)} · {seen_label(entry)}",
    ]
    if entry.is_update:
        lines.append(f"   Update: {update_note(entry)}")
    if entry.is_confirmed:
        lines.append(f"   {confirmed_note(entry)}: {entry.confirmed_url or ''}".rstrip(": "))
    lines += [f"   Parties: {parties_label(entry)}", f"   “{_clip(entry.evidence)}”", "   Sources:"]
    for source in entry.sources:
        lines.append(
            f"   - {_clip(source.title or source.url, 200)} — {outlet(source)}, "
            f"{day_label(source.published)}"
        )
        lines.append(f"     {source.url}")
    return lines


# ---- HTML (mail clients: inline CSS, tables) -------------------------------------------

_FONT = "font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def render_html(digest: Digest) -> str:
    body = [
        f'<h1 style="{_FONT}font-size:22px;margin:0 0 8px;color:#1f2328;">{_e(title(digest))}</h1>',
        f'<p style="{_FONT}font-size:14px;color:#57606a;margin:0 0 16px;">'
        f"{_e(counts_label(digest).capitalize())} from {_e(period_label(digest))}.</p>",
    ]
    if digest.entries:
        body.append(_html_chart(digest))
    body += [_html_entry(n, e) for n, e in enumerate(digest.entries, 1)]
    body.append(
        f'<p style="{_FONT}font-size:11px;color:#8c959f;margin:24px 0 0;">'
        f"newsmon {_e(digest.kind)} {_e(digest.digest_id)}</p>"
    )
    return _html_page(digest, "\n".join(body))


def _html_page(digest: Digest, content: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="newsmon-digest" content="{_e(digest.digest_id)}">\n'
        f"<title>{_e(subject(digest))}</title>\n</head>\n"
        '<body style="margin:0;padding:0;background:#f6f8fa;">\n'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
        'style="background:#f6f8fa;"><tr><td align="center" style="padding:16px;">\n'
        '<table role="presentation" width="640" cellpadding="0" cellspacing="0" '
        'style="max-width:640px;width:100%;background:#ffffff;border:1px solid #d0d7de;'
        'border-radius:6px;"><tr><td style="padding:24px;">\n'
        f"{content}\n</td></tr></table>\n</td></tr></table>\n</body>\n</html>\n"
    )


def _html_chart(digest: Digest) -> str:
    counts = type_counts(digest)
    most = max(count for _, count in counts)
    rows = "".join(
        f'<tr><td style="{_FONT}font-size:12px;color:#57606a;padding:2px 8px 2px 0;'
        f'white-space:nowrap;">{_e(label)}</td>'
        f'<td width="100%" style="padding:2px 0;"><table role="presentation" cellpadding="0" '
        f'cellspacing="0" width="{max(4, round(100 * count / most))}%"><tr>'
        f'<td style="background:#54aeff;height:12px;font-size:1px;line-height:12px;">&nbsp;'
        f'</td></tr></table></td><td style="{_FONT}font-size:12px;color:#57606a;'
        f'padding:2px 0 2px 8px;">{count}</td></tr>'
        for label, count in counts
    )
    return (
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
        f'style="margin:0 0 16px;">{rows}</table>'
    )


def _html_entry(number: int, entry: DealEntry) -> str:
    colour = STATUS_COLOURS.get(entry.status, "#57606a")
    badge = (
        f'<span style="{_FONT}font-size:11px;font-weight:600;color:#ffffff;background:{colour};'
        f'border-radius:10px;padding:1px 8px;">{_e(status_label(entry.status))}</span>'
    )
    update = (
        f'<span style="{_FONT}font-size:11px;font-weight:600;color:#9a6700;background:#fff8c5;'
        f'border:1px solid #d4a72c;border-radius:10px;padding:0 7px;margin-right:6px;">'
        f"UPDATE</span>"
        if entry.is_update
        else ""
    )
    parts = [
        '<div style="border-top:1px solid #d8dee4;padding:14px 0 6px;">',
        f'<h2 style="{_FONT}font-size:16px;margin:0 0 6px;color:#1f2328;">'
        f"{number}. {update}{_e(headline(entry))}</h2>",
        f'<p style="{_FONT}font-size:14px;margin:0 0 6px;color:#1f2328;">'
        f"<strong>{_e(entry_amount(entry))}</strong> &nbsp;{badge} &nbsp;"
        f'<span style="color:#57606a;">{_e(seen_label(entry))}</span></p>',
    ]
    if entry.alerted_at is not None:
        parts += [
            f'<p style="{_FONT}font-size:13px;margin:0 0 6px;color:#57606a;">'
            f"<em>{_e(alerted_note(entry).capitalize())}</em></p>",
            "</div>",
        ]
        return "\n".join(parts)
    if entry.is_update:
        parts.append(
            f'<p style="{_FONT}font-size:13px;margin:0 0 6px;color:#9a6700;">'
            f"Update: {_e(update_note(entry))}</p>"
        )
    if entry.is_confirmed:
        parts.append(
            f'<p style="{_FONT}font-size:13px;margin:0 0 6px;color:#1a7f37;">'
            f"<strong>{_e(confirmed_note(entry))}</strong>{_html_link(entry.confirmed_url)}</p>"
        )
    parts += [
        f'<p style="{_FONT}font-size:13px;margin:0 0 6px;color:#57606a;">'
        f"Parties: {_e(parties_label(entry))}</p>",
        f'<blockquote style="{_FONT}font-size:14px;margin:0 0 8px;padding:0 0 0 10px;'
        f'border-left:3px solid #d0d7de;color:#1f2328;">{_e(_clip(entry.evidence))}</blockquote>',
        f'<ul style="{_FONT}font-size:13px;margin:0;padding:0 0 0 18px;color:#57606a;">'
        + "".join(_html_source(s) for s in entry.sources)
        + "</ul>",
        "</div>",
    ]
    return "\n".join(parts)


def _html_link(url: str | None) -> str:
    safe = safe_url(url or "")
    return f' — <a href="{_e(safe)}" style="color:#0969da;">source</a>' if safe else ""


def _html_source(source: DealSource) -> str:
    title = _e(_clip(source.title or source.url, 200))
    url = safe_url(source.url)
    link = f'<a href="{_e(url)}" style="color:#0969da;">{title}</a>' if url else title
    return f"<li>{link} — {_e(outlet(source))}, {_e(day_label(source.published))}</li>"


# ---- webhook payloads ------------------------------------------------------------------


def slack_escape(text: str) -> str:
    """Slack mrkdwn: &, < and > are control characters (links, mentions)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(digest: Digest, prefix: str = "newsmon") -> dict[str, Any]:
    """A Slack-compatible message: `text` for notifications, `blocks` for the body."""
    summary = f"{counts_label(digest).capitalize()} from {period_label(digest)}."
    blocks = [
        {"type": "header", "text": _plain(title(digest))},
        {"type": "section", "text": _mrkdwn(slack_escape(summary))},
    ]
    shown = digest.entries[:SLACK_MAX_DEALS]
    for number, entry in enumerate(shown, 1):
        blocks.append({"type": "section", "text": _slack_entry(number, entry)})
    more = len(digest.entries) - len(shown)
    if more:
        note = f"…and {more} more deal{'s' * (more != 1)} in the full digest."
        blocks.append({"type": "context", "elements": [_mrkdwn(note)]})
    return {"text": slack_escape(subject(digest, prefix)), "blocks": blocks}


def _plain(text: str) -> dict[str, str]:
    return {"type": "plain_text", "text": _clip(text, 150)}


def _mrkdwn(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": text[:SLACK_MAX_CHARS]}


def _slack_entry(number: int, entry: DealEntry) -> dict[str, str]:
    lines = [
        f"*{number}. {slack_escape(headline(entry))}*",
        f"{slack_escape(entry_amount(entry))} · {status_label(entry.status)}",
    ]
    if entry.alerted_at is not None:
        lines.append(f"_{alerted_note(entry)}_")
        return _mrkdwn("\n".join(lines))
    if entry.is_update:
        lines.append(f":arrows_counterclockwise: *Update:* {slack_escape(update_note(entry))}")
    if entry.is_confirmed:
        lines.append(f":white_check_mark: {slack_escape(confirmed_note(entry))}")
    lines.append(f"> {slack_escape(_clip(entry.evidence, 500))}")
    sources = " · ".join(_slack_source(s) for s in entry.sources[:5])
    extra = len(entry.sources) - 5
    lines.append(sources + (f" · +{extra} more" if extra > 0 else ""))
    return _mrkdwn("\n".join(lines))


def _slack_source(source: DealSource) -> str:
    title = slack_escape(_clip(source.title or outlet(source), 100)).replace("|", "¦")
    url = safe_url(source.url)
    link = f"<{_link_target(url).replace('|', '%7C')}|{title}>" if url else title
    return f"{link} ({slack_escape(outlet(source))})"


def json_payload(digest: Digest, prefix: str = "newsmon") -> dict[str, Any]:
    """A generic JSON document: the digest as data, with its subject and counts."""
    return {
        **digest_as_dict(digest),
        "kind": f"newsmon.{digest.kind}",
        "subject": subject(digest, prefix),
        "deals": len(digest.entries),
        "updates": digest.updates,
    }
