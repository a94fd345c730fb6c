"""Declarative routing: features register commands, card verbs and scheduled task kinds.

Command words live in the message catalog (`commands.<id>.words`, Japanese and English alike);
the longest registered word that starts the text wins, so `日程調整 エクスポート` reaches the
export and not the poll. Card verbs are matched exactly; their data can be validated by a
pydantic model so a forged or broken action gets an error card instead of a crash.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from pydantic import BaseModel, Field, ValidationError

from core.i18n import LOCALES, Catalog
from dialogs.replies import Message, Reply

if TYPE_CHECKING:
    from dialogs.context import Context, TaskContext

CommandHandler = Callable[["Context"], Awaitable[Reply]]
TaskHandler = Callable[["TaskContext", dict[str, Any]], Awaitable[None]]
# Renders a live card (one the outbox edits in place) in its state at sending time.
CardRenderer = Callable[["TaskContext", int], Awaitable["Message | None"]]
H = TypeVar("H", bound=Callable[..., Awaitable[Any]])

_SPACES = re.compile(r"\s+")

# A database id named in card data: a forged one beyond the database's integers is "not
# found", not a failed turn (SQLite raises OverflowError, PostgreSQL a DataError).
RowId = Annotated[int, Field(ge=1, le=2**31 - 1)]


def normalise(text: str) -> str:
    """NFKC (full-width letters and spaces become plain), single spaces, trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()


@dataclass(frozen=True)
class Command:
    id: str
    handler: CommandHandler
    coordinator_only: bool = False
    in_help: bool = True
    order: int = 100


@dataclass(frozen=True)
class Verb:
    name: str
    handler: CommandHandler
    coordinator_only: bool = False
    data_model: type[BaseModel] | None = None


@dataclass(frozen=True)
class CommandMatch:
    command: Command
    args: str


@dataclass
class Router:
    commands: dict[str, Command] = field(default_factory=dict)
    verbs: dict[str, Verb] = field(default_factory=dict)
    tasks: dict[str, TaskHandler] = field(default_factory=dict)
    renderers: dict[str, CardRenderer] = field(default_factory=dict)

    def command(
        self,
        command_id: str,
        *,
        coordinator_only: bool = False,
        in_help: bool = True,
        order: int = 100,
    ) -> Callable[[H], H]:
        def register(handler: H) -> H:
            if command_id in self.commands:
                raise ValueError(f"command {command_id} registered twice")
            self.commands[command_id] = Command(
                command_id, handler, coordinator_only, in_help, order
            )
            return handler

        return register

    def verb(
        self,
        name: str,
        *,
        coordinator_only: bool = False,
        data: type[BaseModel] | None = None,
    ) -> Callable[[H], H]:
        def register(handler: H) -> H:
            if name in self.verbs:
                raise ValueError(f"verb {name} registered twice")
            self.verbs[name] = Verb(name, handler, coordinator_only, data)
            return handler

        return register

    def task(self, kind: str) -> Callable[[H], H]:
        def register(handler: H) -> H:
            if kind in self.tasks:
                raise ValueError(f"task {kind} registered twice")
            self.tasks[kind] = handler
            return handler

        return register

    def renderer(self, kind: str) -> Callable[[H], H]:
        """The live card `kind`: what `Messenger.refresh_card(post, kind, id)` shows."""

        def register(handler: H) -> H:
            if kind in self.renderers:
                raise ValueError(f"renderer {kind} registered twice")
            self.renderers[kind] = handler
            return handler

        return register

    def include(self, *others: Router) -> Router:
        for other in others:
            for command in other.commands.values():
                if command.id in self.commands:
                    raise ValueError(f"command {command.id} registered twice")
                self.commands[command.id] = command
            for verb in other.verbs.values():
                if verb.name in self.verbs:
                    raise ValueError(f"verb {verb.name} registered twice")
                self.verbs[verb.name] = verb
            for kind, handler in other.tasks.items():
                if kind in self.tasks:
                    raise ValueError(f"task {kind} registered twice")
                self.tasks[kind] = handler
            for kind, renderer in other.renderers.items():
                if kind in self.renderers:
                    raise ValueError(f"renderer {kind} registered twice")
                self.renderers[kind] = renderer
        return self

    def help_commands(self) -> list[Command]:
        return sorted(
            (c for c in self.commands.values() if c.in_help), key=lambda c: (c.order, c.id)
        )


class CommandMatcher:
    """Finds the command a text starts with, by the longest registered word."""

    def __init__(self, router: Router, catalog: Catalog) -> None:
        entries: list[tuple[str, Command]] = []
        for command in router.commands.values():
            words = catalog.words(f"commands.{command.id}.words")
            if not words:
                raise ValueError(f"command {command.id} has no words in the catalog")
            for word in words:
                entries.append((normalise(word).casefold(), command))
        owners: dict[str, str] = {}
        for word, command in entries:
            if owners.setdefault(word, command.id) != command.id:
                raise ValueError(f"word {word!r} belongs to {owners[word]} and {command.id}")
        # Longest first: a subcommand's word always contains its parent's.
        self._entries = sorted(entries, key=lambda entry: len(entry[0]), reverse=True)
        names = {
            normalise(str(catalog.raw(locale, "bot.name"))).casefold()
            for locale in LOCALES
            if "bot.name" in catalog.keys(locale)
        }
        # `@IYO WORK ヘルプ` typed as text (copied from the docs into a personal chat, where no
        # mention is needed): the bot's name, with or without its space, is not the command.
        typed = "|".join(r"@ ?" + r" ?".join(map(re.escape, name.split(" "))) for name in names)
        self._typed_name = re.compile(f"(?:{typed})(?![a-z0-9])") if names else None

    def addressed(self, text: str) -> str:
        """`text` without a leading `@IYO WORK` typed as plain text (not a Teams mention)."""
        if self._typed_name is None:
            return text
        found = self._typed_name.match(normalise(text).casefold())
        return _raw_rest(text, found.end()) if found else text

    def match(self, text: str) -> CommandMatch | None:
        """The command and what followed its word, exactly as typed (titles keep full-width
        letters and spacing; the argument parsers normalise what they recognise)."""
        text = self.addressed(text)
        folded = normalise(text).casefold()
        for word, command in self._entries:
            length = _matched_length(folded, word)
            if length is not None:
                return CommandMatch(command, _raw_rest(text, length))
        return None


def _raw_rest(text: str, covered: int) -> str:
    """The part of `text` after the shortest prefix whose normalised form covers `covered`
    characters. Normalised length grows with the prefix, so a binary search finds it."""
    low, high = 0, len(text)
    while low < high:
        middle = (low + high) // 2
        if len(normalise(text[:middle]).casefold()) >= covered:
            high = middle
        else:
            low = middle + 1
    return text[low:].strip()


def _matched_length(text: str, word: str) -> int | None:
    """How much of `text` the command word covers, or None. Spaces inside a word are optional
    (`日程調整エクスポート`); a word ending in a Latin letter must end at a word boundary so
    `helpful` is not `help`, while Japanese words may run straight into their arguments."""
    pattern = r"\s?".join(re.escape(part) for part in word.split(" "))
    found = re.match(pattern, text)
    if not found:
        return None
    end = found.end()
    runs_on = end < len(text) and text[end].isascii() and text[end].isalnum()
    if word[-1].isascii() and word[-1].isalnum() and runs_on:
        return None
    return end


def validate_data(verb: Verb, data: dict[str, Any]) -> BaseModel | None:
    """Validates the card data for a verb; raises ValidationError for the caller to explain."""
    if verb.data_model is None:
        return None
    return verb.data_model.model_validate(data)


__all__ = [
    "Command",
    "CommandMatch",
    "CommandMatcher",
    "Router",
    "RowId",
    "ValidationError",
    "Verb",
    "normalise",
    "validate_data",
]
