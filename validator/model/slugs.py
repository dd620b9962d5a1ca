"""Papers with Code's paper ids: one function, shared by the importer and `pwc new`."""

from __future__ import annotations

import re
import unicodedata

# Papers with Code cut paper slugs on a word boundary at 45 characters: its ids include
# `neural-architecture-search-with-reinforcement` (45) and `deep-biaffine-attention-for-neural-dependency`
# (45), while `breaking-the-softmax-bottleneck-a-high-rank` (43) stops before a word that would pass 45.
PAPER_SLUG_CHARS = 45


def paper_slug(title: str, limit: int = PAPER_SLUG_CHARS) -> str:
    """The title slugified as Django does (punctuation dropped, not a word break: `Don't` ->
    `dont`), words joined by '-', cut at a word boundary at `limit` characters; "paper" if empty."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^\w\s-]", "", text).replace("_", "-")
    words = [w for w in re.split(r"[-\s]+", text) if w]
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > limit and out:
            break
        out = candidate[:limit]
    return out.strip("-") or "paper"
