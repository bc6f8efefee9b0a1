"""Tagging: watchlist entities, sentence splitting, mentions and deals."""
