"""Name normalisation shared by extraction, resolution and RDF: one definition of "the same name".

>>> norm("the UNESCO’s  Division")
'unesco division'
>>> slug("Division of Ecological & Earth Sciences")
'division-of-ecological-earth-sciences'
"""
from __future__ import annotations

import hashlib
import re
import unicodedata


def norm(text: str) -> str:
    """Case-, accent- and punctuation-free form of a name, without a leading "the"."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"['’]s\b", "", text)
    text = re.sub(r"\([^)]*\)", " ", text)  # "(DRR)" inside a name is an aside
    text = re.sub(r"[^\w\s]", " ", text)
    words = text.split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


MAX_SLUG = 80


def slug(text: str) -> str:
    """ASCII, lower case, words joined by "-"; long names keep a hash so slugs stay unique."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    s = re.sub(r"[^a-z0-9]+", "-", norm(text)).strip("-") or "x"
    if len(s) > MAX_SLUG:
        s = s[:MAX_SLUG].rstrip("-") + "-" + hashlib.sha256(s.encode()).hexdigest()[:8]
    return s


def entity_hash(*parts: object) -> str:
    """The hash that names posts and agreements after what they link (see docs/rdf-mapping.md)."""
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:16]
