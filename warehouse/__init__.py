"""DuckDB warehouse: schema, migrations, views and the store."""
