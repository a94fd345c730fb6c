"""What handlers return: what the bot should say, and the card to show the person who acted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cards.common import Card as Card

# What makes markdown, HTML or a mention in a Teams message, each replaced by a look-alike.
_INERT = str.maketrans(
    {"[": "［", "]": "］", "<": "＜", ">": "＞", "*": "＊", "_": "＿", "`": "｀", "~": "～"}
    | {"|": "｜", "#": "＃", "\\": "＼", "&": "＆"}
)
# The same inside a link, where look-alikes would change the address: percent-encoded.
_URL_INERT = str.maketrans({ch: f"%{ord(ch):02X}" for ch in '[]<>*`|\\"{}^ \n\r\t'})


def quoted(text: str, limit: int = 40) -> str:
    """The start of what someone typed, to quote back in a message (Teams reads a message's
    text as markdown): at most `limit` characters on one line, with nothing Teams would turn
    into a link, a mention or formatting."""
    snippet = " ".join(text.split())[:limit]
    return _inert(snippet)


def literal(text: str) -> str:
    """Something someone typed (a title, a venue, a name) as it may appear inside a message's
    text: whole, with nothing Teams would turn into a link, a mention or formatting. Ordinary
    text (第2回IYO WORK（松前町）) is unchanged; a line break becomes a space, since a new line
    could start a quote or a list in the middle of the message."""
    return _inert(" ".join(text.splitlines()))


def literal_url(url: str) -> str:
    """A link someone typed (a meeting URL), shown in a message's text where Teams makes it
    clickable: the characters that would make markdown, HTML or a mention are percent-encoded,
    which web servers read as the same characters, so the link still opens the same page."""
    return url.translate(_URL_INERT)


def _inert(text: str) -> str:
    return text.translate(_INERT).replace("://", "：//")


@dataclass(frozen=True)
class Mention:
    teams_id: str
    name: str

    @property
    def tag(self) -> str:
        return f"<at>{self.name}</at>"


@dataclass(frozen=True)
class Message:
    """One message: text (Teams markdown), an Adaptive Card, or both. Mentions must also
    appear as `<at>name</at>` in the text."""

    text: str | None = None
    card: Card | None = None
    mentions: tuple[Mention, ...] = ()

    def to_payload(self) -> dict[str, Any]:
        """A JSON-safe form, stored in the outbox and turned into an activity at the edge."""
        return {
            "text": self.text,
            "card": self.card,
            "mentions": [{"teams_id": m.teams_id, "name": m.name} for m in self.mentions],
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Message:
        return cls(
            text=payload.get("text"),
            card=payload.get("card"),
            mentions=tuple(Mention(m["teams_id"], m["name"]) for m in payload.get("mentions", [])),
        )


@dataclass(frozen=True)
class Reply:
    """A handler's answer. `card` is what the person who acted sees: after a command it is sent
    as a message; after an `Action.Execute` it replaces their card (the invoke response, seen by
    them alone). `messages` are said in the conversation in either case."""

    messages: tuple[Message, ...] = ()
    card: Card | None = None
    status: int = 200

    @classmethod
    def say(cls, text: str) -> Reply:
        return cls(messages=(Message(text=text),))

    @classmethod
    def show(cls, card: Card) -> Reply:
        return cls(card=card)

    @classmethod
    def nothing(cls) -> Reply:
        return cls()
