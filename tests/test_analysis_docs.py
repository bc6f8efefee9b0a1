"""docs/sql.md documents every table and view of the schema, with every column, and the
README gives every view an example query that runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.test_analysis_seed import seeded_settings
from warehouse.db import Database

DOC = (ROOT / "docs" / "sql.md").read_text("utf-8")


def _sections() -> dict[str, str]:
    """Heading name -> the text up to the next heading of the same or a higher level."""
    parts = re.split(r"^### `([a-z_]+)`$", DOC, flags=re.M)
    return {
        name: re.split(r"^##? ", body, flags=re.M)[0]
        for name, body in zip(parts[1::2], parts[2::2], strict=True)
    }


def test_every_table_and_view_is_documented_with_its_columns(tmp_path: Path) -> None:
    db = Database(tmp_path / "schema.duckdb")
    db.migrate()
    with db.reader() as con:
        columns = con.execute(
            "select table_name, column_name from duckdb_columns() "
            "where schema_name = 'main' and not internal order by table_name, column_index"
        ).fetchall()
    sections = _sections()
    missing = [
        f"{table}.{column}"
        for table, column in columns
        if f"`{column}`" not in sections.get(table, "")
    ]
    assert not missing, f"document these in docs/sql.md: {missing}"


README = (ROOT / "README.md").read_text("utf-8")


@pytest.mark.usefixtures("prefect_harness")
def test_the_readme_view_examples_run_on_the_seeds(
    tmp_path_factory: pytest.TempPathFactory, seed_site: str
) -> None:
    examples = re.findall(r"^\| `(\w+)` \| [^|]+ \| `(select [^`]+)` \|$", README, flags=re.M)
    views = {view for view, _ in examples}
    with Database(seeded_settings(tmp_path_factory, seed_site).storage.database).reader() as con:
        documented = {
            row[0]
            for row in con.execute(
                "select view_name from duckdb_views() where schema_name = 'main' and not internal"
            ).fetchall()
        }
        assert documented - {"entity_rollup"} <= views, "a view without a README example"
        for view, example in examples:
            assert view in example, example
            con.execute(example).fetchall()  # raises on an example that does not run
