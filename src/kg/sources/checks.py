"""Checks every input passes before it can become an article.

Bytes -> text: size limit, empty file, binary content (NUL bytes or many control
characters), UTF-8 decoding (an invalid byte is reported with its offset; a UTF-8 BOM is
dropped, UTF-16 with a BOM is accepted). Text -> article body: it must read as English
(a cheap test on the share of ASCII letters and of common English function words, no
language-detection dependency) and be long enough to be an article. Each check returns a
short human reason (``str``) on failure and ``None`` when the input passes.
"""
from __future__ import annotations

import re

MIN_WORDS = 20
"""Fewer words than this is not an article (a caption, a stub, a navigation page)."""

MIN_ENGLISH_SHARE = 0.15
"""English news prose has 30-45% function words; German, French, Spanish score under 10%."""

MIN_TELEGRAPHIC_SHARE = 0.05
"""Telegraphic English (press notes in bullet points: "MoU inked: 5 Feb, Senate Hall") has 8-15%:
accepted when no other language's function words outnumber the English ones."""

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")

# Frequent English function words: present in any English prose, rare in other languages.
ENGLISH_FUNCTION_WORDS = frozenset(
    """a about after against all also an and are as at be been before between both but by
    can could did do does during each for from had has have he her his how if in into is it
    its more most not of on or other our over she should so some such than that the their
    them then there these they this those through to under up was we were what when where
    which while who will with would you""".split()
)

# The function words of the languages most often met instead of English, to tell telegraphic
# English from them. Words that are also English ("die", "a", "on") or that occur in names quoted
# in English news ("de", "la", "van") are left out.
OTHER_FUNCTION_WORDS = {
    "German": frozenset("der das und den dem des ein eine einer mit von zu auf ist sich nicht auch am im zur zum über wird haben".split()),
    "French": frozenset("les des une est dans pour par sur avec qui ont sont aux du ce cette au été".split()),
    "Spanish": frozenset("los las del una por para con que es su sus al fue entre este esta".split()),
    "Portuguese": frozenset("os uma para com que não das dos pela pelo foi ao entre este esta".split()),
    "Italian": frozenset("il gli della delle degli dei una per con che non sono nel nella alla".split()),
    "Dutch": frozenset("het een en voor met zijn niet ook bij naar werd heeft wordt deze".split()),
}


def normalise_newlines(text: str) -> str:
    """The only normalisation article text gets: CRLF/CR -> LF; no trailing whitespace."""
    return text.replace("\r\n", "\n").replace("\r", "\n").rstrip()


def check_size(size: int, max_bytes: int) -> str | None:
    if size > max_bytes:
        return f"file too large ({size:,} bytes, limit {max_bytes:,})"
    if size == 0:
        return "empty file"
    return None


def decode(data: bytes) -> str:
    """Decode bytes as text or raise ``ValueError`` with a short reason."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise ValueError(f"invalid UTF-16 at byte offset {e.start}") from None
    if b"\x00" in data:
        raise ValueError("binary file (contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValueError(f"invalid UTF-8 at byte offset {e.start}") from None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f\v")
    if controls > max(3, len(text) // 100):
        raise ValueError(f"binary file ({controls} control characters)")
    if not text.strip():
        raise ValueError("empty file")
    return text


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def check_english(text: str) -> str | None:
    """``None`` when ``text`` plausibly is English prose, else a reason."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return "no text (no letters)"
    ascii_share = sum(ch.isascii() for ch in letters) / len(letters)
    if ascii_share < 0.6:
        return f"no English content (only {ascii_share:.0%} Latin letters)"
    ws = [w.lower() for w in words(text)]
    if len(ws) >= 8:
        english = sum(w in ENGLISH_FUNCTION_WORDS for w in ws)
        share = english / len(ws)
        if share < MIN_ENGLISH_SHARE:
            other, n = max(((lang, sum(w in fw for w in ws)) for lang, fw in OTHER_FUNCTION_WORDS.items()),
                           key=lambda x: x[1])
            if share < MIN_TELEGRAPHIC_SHARE or n >= english:
                why = f", more {other} ones" if n >= english and n else ""
                return f"no English content ({share:.0%} English function words{why})"
    return None


def check_article_text(text: str) -> str | None:
    """Run the text checks on an article body; ``None`` when it is acceptable."""
    if not text.strip():
        return "no article text"
    reason = check_english(text)
    if reason:
        return reason
    n = len(words(text))
    if n < MIN_WORDS:
        return f"too short to be an article ({n} words, need {MIN_WORDS})"
    return None
