"""The message catalog: every sentence the bot says, in Japanese (default) and English.

Catalog files are TOML under core/locales/, one per language, with the same keys. Keys are
dotted paths (`help.title`); placeholders are `{name}` and filled with str.format_map.
A count's noun follows it with `{days:day|days}`: the word before `|` when the placeholder is
1, the one after otherwise (`{days} business {days:day|days}`; Japanese needs none).
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any, Literal

Locale = Literal["ja", "en"]
LOCALES: tuple[Locale, ...] = ("ja", "en")
DEFAULT_LOCALE: Locale = "ja"


def locale_of(teams_locale: str | None) -> Locale:
    """Teams sends BCP 47 tags (`ja-JP`, `en-US`); English only when Teams says English."""
    if teams_locale and teams_locale.lower().startswith("en"):
        return "en"
    return DEFAULT_LOCALE


class _PluralFormatter(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        if "|" in format_spec:
            one, other = format_spec.split("|", 1)
            return one if str(value) == "1" else other
        return str(super().format_field(value, format_spec))


_PLURAL = _PluralFormatter()


def _fill(template: str, params: Mapping[str, object]) -> str:
    if "|" in template and ":" in template:  # only then can it hold `{n:one|other}`
        return _PLURAL.vformat(template, (), params)
    return template.format_map(params)


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{path}."))
        else:
            flat[path] = value
    return flat


class Catalog:
    def __init__(self, entries: Mapping[Locale, Mapping[str, Any]]) -> None:
        self._entries = entries

    @classmethod
    def load(cls) -> Catalog:
        entries: dict[Locale, dict[str, Any]] = {}
        for locale in LOCALES:
            raw = resources.files("core.locales").joinpath(f"{locale}.toml").read_text("utf-8")
            entries[locale] = _flatten(tomllib.loads(raw))
        return cls(entries)

    def keys(self, locale: Locale) -> set[str]:
        return set(self._entries[locale])

    def raw(self, locale: Locale, key: str) -> Any:
        entries = self._entries[locale]
        if key in entries:
            return entries[key]
        return self._entries[DEFAULT_LOCALE][key]

    def text(self, locale: Locale, key: str, **params: object) -> str:
        template = self.raw(locale, key)
        if not isinstance(template, str):
            raise TypeError(f"catalog entry {key} is not a sentence")
        return _fill(template, params) if params else template

    def words(self, key: str) -> list[str]:
        """A list entry gathered across every language (command words work in both)."""
        found: list[str] = []
        for locale in LOCALES:
            value = self._entries[locale].get(key, [])
            found.extend(word for word in value if word not in found)
        return found

    def translator(self, locale: Locale) -> Translator:
        return Translator(self, locale)


class Translator:
    """The catalog bound to one person's language."""

    def __init__(self, catalog: Catalog, locale: Locale) -> None:
        self.catalog = catalog
        self.locale = locale

    def __call__(self, key: str, **params: object) -> str:
        return self.catalog.text(self.locale, key, **params)

    def list(self, key: str) -> list[str]:
        value = self.catalog.raw(self.locale, key)
        if not isinstance(value, list):
            raise TypeError(f"catalog entry {key} is not a list")
        return [str(item) for item in value]


@cache
def default_catalog() -> Catalog:
    return Catalog.load()
