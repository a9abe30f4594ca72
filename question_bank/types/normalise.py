"""Comparing typed answers the way a teacher would: ignoring case, spaces, full-width forms and
Chinese versus English punctuation."""

from __future__ import annotations

import re
import unicodedata

# Chinese punctuation that NFKC leaves alone, mapped to the English mark it stands for.
_PUNCTUATION = str.maketrans(
    {
        "。": ".",
        "、": ",",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "《": "<",
        "》": ">",
        "【": "[",
        "】": "]",
        "—": "-",
        "～": "~",
        "·": ".",
        "…": "...",
    }
)
_SPACES = re.compile(r"\s+")


def normalise_answer(text: str) -> str:
    """``ＡＢＣ，１２３`` and ``abc, 123`` and `` Abc，123 `` all become ``abc,123``."""
    text = unicodedata.normalize("NFKC", text or "").translate(_PUNCTUATION)
    text = _SPACES.sub(" ", text).strip().casefold()
    # Spaces around punctuation do not matter ("a , b" is "a,b").
    return re.sub(r"\s*([,.;:!?()\[\]<>\"'~-])\s*", r"\1", text)
