"""Ad copy as the original tables store it: Python-list text such as `['Hungry? 🍕 ...']`."""

import ast
import hashlib
import json
import re
import unicodedata

_WHITESPACE = re.compile(r"\s+")


def parse_copies(raw: str | None) -> list[str]:
    """Return the copies of a list-encoded cell, or the cell itself when it is plain text.

    The original system wrote Python reprs (single quotes, so not JSON); `ast.literal_eval`
    reads them exactly, including emoji, curly quotes and commas inside a copy.
    """
    if raw is None:
        return []
    text = raw.strip()
    if not text:
        return []
    if text.startswith("[") and text.endswith("]"):
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return [text]
        if isinstance(value, list | tuple):
            return [
                str(item) for item in value if item is not None and str(item).strip()
            ]
    return [text]


def normalize_copy(text: str) -> str:
    """Apply Unicode NFC and collapse runs of whitespace, so equal copies group together."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def creative_key(copies: list[str]) -> str:
    return json.dumps([normalize_copy(copy) for copy in copies], ensure_ascii=False)


def creative_id_for_copies(copies: list[str]) -> str:
    """Derive a stable id from the normalised copy, so links survive reloads of the data."""
    digest = hashlib.sha256(creative_key(copies).encode("utf-8")).hexdigest()
    return f"c_{digest[:16]}"


def creative_id_for_ad(ad_id: str | None) -> str:
    """Derive the id of an ad that has no copy; the metrics SQL computes the same md5 form."""
    digest = hashlib.md5(
        (ad_id or "").encode("utf-8"), usedforsecurity=False
    ).hexdigest()
    return f"a_{digest[:16]}"


def display_text(copies: list[str]) -> str | None:
    if not copies:
        return None
    return "\n\n".join(normalize_copy(copy) for copy in copies)
