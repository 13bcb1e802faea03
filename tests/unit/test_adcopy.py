from creatives.creatives.adcopy import (
    creative_id_for_copies,
    display_text,
    normalize_copy,
    parse_copies,
)


def test_parse_single_copy_with_emoji_and_curly_quotes() -> None:
    raw = "['Hungry? 🍕 Use ‘FIRSTORDER’ – 20% off, today only']"

    assert parse_copies(raw) == ["Hungry? 🍕 Use ‘FIRSTORDER’ – 20% off, today only"]


def test_parse_carousel_keeps_commas_inside_copies() -> None:
    raw = "['Tents, stoves, mugs', \"It's a 2-person tent\", 'Last one']"

    assert parse_copies(raw) == [
        "Tents, stoves, mugs",
        "It's a 2-person tent",
        "Last one",
    ]


def test_parse_plain_text_and_empty_cells() -> None:
    assert parse_copies("Just text, not a list") == ["Just text, not a list"]
    assert parse_copies(None) == []
    assert parse_copies("   ") == []
    assert parse_copies("[]") == []
    assert parse_copies("[None, '']") == []


def test_parse_broken_list_is_kept_as_text() -> None:
    assert parse_copies("['unterminated]") == ["['unterminated]"]


def test_normalize_nfc_and_whitespace() -> None:
    decomposed = "Cafe\u0301  au\tlait\n"

    assert normalize_copy(decomposed) == "Café au lait"


def test_equal_normalised_copies_share_an_id() -> None:
    assert creative_id_for_copies(["Café  au lait"]) == creative_id_for_copies(
        ["Cafe\u0301 au lait"]
    )
    assert creative_id_for_copies(["A", "B"]) != creative_id_for_copies(["A"])
    assert creative_id_for_copies(["A"]).startswith("c_")


def test_display_text_joins_carousel_copies() -> None:
    assert display_text(["One", "Two"]) == "One\n\nTwo"
    assert display_text([]) is None
