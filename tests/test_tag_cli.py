"""The `newsmon tag` contract: JSONL in, one JSON line out per input line, same order."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from flows.cli import app
from tests.conftest import ROOT, SEEDS

runner = CliRunner()
ENTITY_KEYS = {"name", "canonical", "kind", "parent", "count"}
DEAL_KEYS = {
    "type",
    "parties",
    "roles",
    "amount_usd",
    "amount_text",
    "status",
    "background",
    "sentence",
}


def _tag_lines(lines: list[str]) -> list[dict]:
    result = runner.invoke(app, ["tag", "-"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def test_tag_jsonl_keeps_order_and_shape() -> None:
    items = [
        {"id": "a", "text": "Microsoft invested $10 billion in OpenAI in January 2023."},
        {"id": "b", "text": "The weather in Ohio was mild this week."},
        {
            "id": "c",
            "text": "Nvidia agreed to acquire Run:ai for $700 million, the companies said.",
        },
    ]
    out = _tag_lines([json.dumps(i) for i in items])
    assert [o["id"] for o in out] == ["a", "b", "c"]
    for o in out:
        assert set(o) == {"id", "entities", "deals"}
        assert all(set(e) == ENTITY_KEYS for e in o["entities"])
        assert all(set(d) == DEAL_KEYS for d in o["deals"])
    deal = out[0]["deals"][0]
    assert (deal["type"], sorted(deal["parties"]), deal["amount_usd"]) == (
        "investment",
        ["Microsoft", "OpenAI"],
        10_000_000_000,
    )
    assert deal["roles"] == {"Microsoft": "investor", "OpenAI": "target"}
    assert out[1]["deals"] == []
    assert out[2]["deals"][0]["type"] == "acquisition"


def test_tag_bad_lines_get_an_error_and_the_rest_goes_on() -> None:
    out = _tag_lines(
        ["not json", json.dumps({"id": "x"}), json.dumps({"id": "y", "text": "OpenAI"})]
    )
    assert [o["id"] for o in out] == [None, "x", "y"]
    assert "error" in out[0] and "error" in out[1] and "error" not in out[2]
    assert out[2]["entities"][0]["name"] == "OpenAI"


def test_tag_seed_file_from_a_real_process(tmp_path: Path) -> None:
    """The installed entry point, as external evaluation runs it."""
    source = tmp_path / "in.jsonl"
    seeds = sorted(SEEDS.glob("*.txt"))
    source.write_text(
        "".join(json.dumps({"id": p.name, "text": p.read_text()}) + "\n" for p in seeds)
    )
    proc = subprocess.run(
        [sys.executable, "-m", "flows.cli", "tag", str(source)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o["id"] for o in out] == [p.name for p in seeds]
    names = {e["name"]: e for e in out[0]["entities"]}
    assert names["Azure"]["parent"] == "Microsoft"
    assert any(d["type"] == "joint_venture" for d in out[0]["deals"])


def test_tag_text_prints_a_readable_table() -> None:
    result = runner.invoke(
        app, ["tag", "--text", "SoftBank agreed to invest $40 billion in OpenAI."]
    )
    assert result.exit_code == 0, result.output
    assert "investment" in result.stdout and "SoftBank" in result.stdout


def test_tag_needs_exactly_one_input() -> None:
    result = runner.invoke(app, ["tag"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
