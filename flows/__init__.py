"""Prefect flows, deployments and the `newsmon` CLI."""
