"""newsmon library: records, settings, and the stages of the pipeline (no Prefect here)."""
