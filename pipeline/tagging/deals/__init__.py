"""Deals an article reports: what kind, between whom, for how much, how certain, how old.

Rules, not a model: a deal is a trigger word ("invested", "joint venture", "in talks with")
plus the organisations the sentence attaches to it. The reading is a chain of small
stages, one module each:

- `vocabulary`: the triggers, their stems and the status and age cues, from
  `pipeline/data/deal_vocabulary.toml`;
- `triggers`: clauses, the triggers in them, and whether each is usable;
- `sides`: the subject and objects of a trigger, sorted into the paying and receiving side;
- `amounts`: the deal's sum, stakes and key;
- `status`: announced, completed, reported, planned, in talks or failed;
- `background`: the deal's year, and whether it is restated as context;
- `reader`: the article read sentence by sentence, follow-ups joined, restatements merged.

See docs/deals.md for the rules and their limits.
"""

from pipeline.tagging.deals.amounts import amount_band, deal_key
from pipeline.tagging.deals.reader import find_deals

__all__ = ["amount_band", "deal_key", "find_deals"]
