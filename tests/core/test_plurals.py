"""English counts read right for one: `1 business day`, `1 person was told`; Japanese, which
has no plural, is unchanged."""

from __future__ import annotations

import string

from core.i18n import default_catalog

CATALOG = default_catalog()
EN = CATALOG.translator("en")
JA = CATALOG.translator("ja")


def test_one_and_many_in_english() -> None:
    assert EN("digest.settings.days", days=1) == "1 business day"
    assert EN("digest.settings.days", days=3) == "3 business days"
    assert EN("digest.event.seats_left", count=1) == "1 seat left"
    assert EN("events.admin.cancelled_notice", count=1) == (
        "Cancelled. The 1 person registered was told personally."
    )
    assert EN("events.admin.cancelled_notice", count=4) == (
        "Cancelled. The 4 people registered were told personally."
    )
    assert EN("feedback.summary.responses", count=1, answered=1, registered=1, rate=100) == (
        "1 answer (1 of 1 registered participant, 100%)"
    )


def test_japanese_is_unchanged() -> None:
    assert JA("digest.settings.days", days=1) == "1営業日"
    assert "|" not in JA("digest.event.seats_left", count=1)


def test_every_plural_in_the_catalog_names_a_placeholder_japanese_has_too() -> None:
    for key in CATALOG.keys("en"):
        template = CATALOG.raw("en", key)
        if not isinstance(template, str):
            continue
        fields = list(string.Formatter().parse(template))
        plurals = {name for _, name, spec, _ in fields if name and spec and "|" in spec}
        if not plurals:
            continue
        japanese = {name for _, name, _, _ in string.Formatter().parse(CATALOG.raw("ja", key))}
        assert plurals <= japanese, key
        names = {name for _, name, _, _ in fields if name}
        for count in (1, 2):
            said = EN(key, **{name: count for name in names})
            assert "|" not in said and "{" not in said, key
