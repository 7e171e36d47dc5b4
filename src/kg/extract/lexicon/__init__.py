"""Word lists the rules read: data, not code, so a new kind of news needs a line, not a patch.

>>> lex = Lexicon.load()
>>> lex.is_role_head("Director-General"), lex.org_head("Division"), lex.org_head("Ministry")
(True, 'unit', 'org')
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).parent


def _lines(name: str) -> list[list[str]]:
    rows = []
    for line in (HERE / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


@dataclass(frozen=True)
class Lexicon:
    roles: frozenset[str]
    honorifics: frozenset[str]
    honorific_forms: tuple[str, ...]  # as written ("RNDr."), for the tokenizer
    org_heads: dict[str, str]  # word -> "org" | "unit"
    place_heads: frozenset[str]
    event_words: tuple[tuple[str, frozenset[str]], ...]  # (type, words), most specific first

    @classmethod
    @lru_cache(maxsize=1)
    def load(cls) -> "Lexicon":
        return cls(
            roles=frozenset(r[0].lower() for r in _lines("roles.txt")),
            honorifics=frozenset(r[0].lower() for r in _lines("honorifics.txt")),
            honorific_forms=tuple(r[0] for r in _lines("honorifics.txt")),
            org_heads={r[0].lower(): (r[1] if len(r) > 1 else "org") for r in _lines("org_heads.txt")},
            place_heads=frozenset(r[0].lower() for r in _lines("places.txt")),
            event_words=tuple((r[0], frozenset(r[1].split())) for r in _lines("event_words.txt")),
        )

    def is_role_head(self, word: str) -> bool:
        return word.lower() in self.roles

    def org_head(self, word: str) -> str | None:
        return self.org_heads.get(word.lower())

    def is_honorific(self, word: str) -> bool:
        return word.lower() in self.honorifics
