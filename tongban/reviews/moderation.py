"""What the public sees of a rater's text (好差评公示).

A bad review's text is published only once the unit has verified it: the callback is recorded
with a finding (属实 or not) and the rectification has moved past 待核实, or it has been answered.
Until then the review counts in every figure but its text is withheld, so that an unverified
accusation is not published in the agency's name. Whatever is shown passes through `mask`, which
hides the abusive words listed in `data/abusive_words.txt` (data, not code: the list changes
without a release of the rules)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .models import BAD_LEVELS, Rating, Rectification

MASK = "＊＊"
WORDS_FILE = Path(__file__).with_name("data") / "abusive_words.txt"


@lru_cache(maxsize=1)
def _pattern(path: str = str(WORDS_FILE)) -> re.Pattern | None:
    parts = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts.append(line[3:] if line.startswith("re:") else re.escape(line))
    # Longest first, so that "他妈的" is masked whole rather than leaving "他" before a masked "妈的".
    parts.sort(key=len, reverse=True)
    return re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE) if parts else None


def mask(text: str) -> str:
    pattern = _pattern()
    return pattern.sub(MASK, text or "") if pattern else (text or "")


def is_verified(rating: Rating) -> bool:
    """A bad review is verified once the callback has a finding and the rectification has moved on,
    or once it has been answered."""
    rect = getattr(rating, "rectification", None)
    if rect is None:
        return False
    if rect.status == Rectification.Status.ANSWERED:
        return True
    return rect.status == Rectification.Status.RECTIFYING and rect.founded is not None


def public_text(rating: Rating) -> str | None:
    """The rater's text as the public may read it; None while a bad review waits for verification."""
    if rating.level in BAD_LEVELS and not is_verified(rating):
        return None
    return mask(rating.text)
