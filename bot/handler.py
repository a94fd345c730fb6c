"""The bot's one ActivityHandler: Teams activities in, plain `Turn`s to the dispatcher, replies out.

This is the only place that reads botbuilder's Activity. Everything it learns is copied into
dialogs.turn dataclasses; everything it says comes back as dialogs.replies objects.
"""

from __future__ import annotations

import html
import logging
import re
from datetime import UTC, datetime
from typing import Any

from botbuilder.core import InvokeResponse, MessageFactory, TurnContext
from botbuilder.core.teams import TeamsActivityHandler, TeamsInfo
from botbuilder.schema import Activity

from bot.activities import invoke_card_response, invoke_message_response, message_to_activity
from dialogs.dispatch import Dispatcher, Installation
from dialogs.replies import Reply
from dialogs.threads.capture import LiveMessage, ThreadCapture
from dialogs.turn import CHANNEL_TYPES, ChannelType, ConversationKind, Person, Place, Turn

log = logging.getLogger(__name__)

_LEADING_AT = re.compile(r"^\s*<at[^>]*>(.*?)</at>", re.IGNORECASE | re.DOTALL)
_AT_TAG = re.compile(r"<at\b[^>]*>(.*?)</at>", re.IGNORECASE | re.DOTALL)
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"


class IyoBot(TeamsActivityHandler):  # type: ignore[misc]
    def __init__(self, dispatcher: Dispatcher, threads: ThreadCapture | None = None) -> None:
        self._dispatcher = dispatcher
        self._threads = threads

    # Messages: commands (typed) and Action.Submit posts (a `value`, no text).
    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        if isinstance(activity.value, dict) and not (activity.text or "").strip():
            turn = _turn(
                activity, verb=_str_or_none(activity.value.get("verb")), data=activity.value
            )
            await _say(turn_context, await self._dispatcher.on_action(turn))
            return
        place = place_of(activity)
        if place.kind == "channel" and self._threads is not None:
            # Every channel message is kept (RSC delivers them all); one that @mentions the
            # bot is also a command.
            await self._threads.message(live_message(activity))
        if place.kind != "personal" and not mentions_bot(activity):
            # Channel traffic the bot receives through RSC is not a command.
            return
        turn = _turn(activity, text=command_text(activity))
        await _say(turn_context, await self._dispatcher.on_command(turn))

    # Edits and deletions of channel messages (Teams sends them with RSC).
    async def on_teams_message_edit(self, turn_context: TurnContext) -> None:
        if self._threads is not None and _in_channel(turn_context.activity):
            await self._threads.edit(live_message(turn_context.activity))

    async def on_teams_message_soft_delete(self, turn_context: TurnContext) -> None:
        if self._threads is not None and _in_channel(turn_context.activity):
            await self._threads.delete(live_message(turn_context.activity))

    async def on_teams_message_undelete(self, turn_context: TurnContext) -> None:
        if self._threads is not None and _in_channel(turn_context.activity):
            await self._threads.undelete(live_message(turn_context.activity))

    # Action.Execute (Universal Actions).
    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        if turn_context.activity.name != "adaptiveCard/action":
            return await super().on_invoke_activity(turn_context)
        value = _dict(turn_context.activity.value)
        action = _dict(value.get("action"))
        data = _dict(action.get("data"))
        turn = _turn(
            turn_context.activity,
            verb=_str_or_none(action.get("verb")),
            data=data or {},
            is_invoke=True,
        )
        reply = await self._dispatcher.on_action(turn)
        if reply.card is not None:
            return invoke_card_response(reply.card)
        # A sentence (a refusal, a notice) goes to the presser alone and leaves their card as
        # it is; it is never posted where others would read it.
        text = next((m.text for m in reply.messages if m.text), "")
        return invoke_message_response(text)

    # Installation: greet once and keep the conversation reference.
    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        await self._installed(turn_context)

    async def on_installation_update_remove(self, turn_context: TurnContext) -> None:
        await self._dispatcher.on_uninstalled(place_of(turn_context.activity))

    async def on_conversation_update_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        if any(m.id == bot_id for m in activity.members_added or []):
            await self._installed(turn_context)
        elif any(m.id == bot_id for m in activity.members_removed or []):
            await self._dispatcher.on_uninstalled(place_of(activity))

    async def _installed(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        place = place_of(activity)
        channel_data = _channel_data(activity)
        team = channel_data.get("team") or {}
        if place.team_id and not place.team_aad_group_id:
            place = await _with_group_id(turn_context, place)
        installer = person_of(activity) if activity.from_property else None
        installation = Installation(
            activity_id=activity.id or "",
            place=place,
            installer=installer if installer and installer.teams_id.startswith("29:") else None,
            locale=locale_of_activity(activity),
            team_name=team.get("name"),
            channel_name=(channel_data.get("channel") or {}).get("name"),
            bot_id=activity.recipient.id if activity.recipient else None,
            bot_name=activity.recipient.name if activity.recipient else None,
        )
        await _say(turn_context, await self._dispatcher.on_installed(installation))


async def _say(turn_context: TurnContext, reply: Reply) -> None:
    if reply.card is not None:
        await turn_context.send_activity(MessageFactory.attachment(_attachment(reply.card)))
    for message in reply.messages:
        await turn_context.send_activity(message_to_activity(message))


def _attachment(card: dict[str, Any]) -> Any:
    from botbuilder.schema import Attachment

    return Attachment(content_type=CARD_CONTENT_TYPE, content=card)


async def _with_group_id(turn_context: TurnContext, place: Place) -> Place:
    """Graph needs the team's Entra group id; older events lack it, so ask the connector."""
    from dataclasses import replace

    try:
        details = await TeamsInfo.get_team_details(turn_context, place.team_id)
    except Exception:  # the greeting must not fail because team details are unavailable
        log.warning("team details unavailable for activity %s", turn_context.activity.id)
        return place
    return replace(place, team_aad_group_id=getattr(details, "aad_group_id", None))


def _turn(
    activity: Activity,
    *,
    text: str = "",
    verb: str | None = None,
    data: dict[str, Any] | None = None,
    is_invoke: bool = False,
) -> Turn:
    return Turn(
        activity_id=activity.id or "",
        actor=person_of(activity),
        place=place_of(activity),
        locale=locale_of_activity(activity),
        text=text,
        verb=verb,
        data=data or {},
        is_invoke=is_invoke,
        reply_to_id=activity.reply_to_id,
    )


def _channel_data(activity: Activity) -> dict[str, Any]:
    data = activity.channel_data
    return data if isinstance(data, dict) else {}


def place_of(activity: Activity) -> Place:
    conversation = activity.conversation
    channel_data = _channel_data(activity)
    team = channel_data.get("team") or {}
    channel = channel_data.get("channel") or {}
    # Teams sends conversation.tenantId, but botbuilder's model reads tenantID: trust channelData.
    tenant = (channel_data.get("tenant") or {}).get("id") or (
        getattr(conversation, "tenant_id", None) if conversation else None
    )
    conversation_id = (conversation.id if conversation else None) or ""
    kind_raw = (getattr(conversation, "conversation_type", None) if conversation else None) or ""
    kind: ConversationKind = (
        "channel"
        if kind_raw == "channel"
        else "groupChat"
        if kind_raw == "groupChat"
        else "personal"
    )
    thread = (
        conversation_id.split(";messageid=", 1)[1] if ";messageid=" in conversation_id else None
    )
    return Place(
        conversation_id=conversation_id,
        kind=kind,
        service_url=activity.service_url or "",
        tenant_id=tenant,
        team_id=team.get("id"),
        team_aad_group_id=team.get("aadGroupId"),
        channel_id=channel.get("id")
        or (conversation_id.split(";", 1)[0] if kind == "channel" else None),
        thread_id=thread,
        channel_type=_channel_type(channel) if kind == "channel" else None,
    )


def _channel_type(channel: dict[str, Any]) -> ChannelType | None:
    """Teams names it in `channelData.channel.type` (standard | private | shared); Graph calls
    the same `membershipType`. Anything else is not known."""
    said = channel.get("type") or channel.get("membershipType")
    found = str(said).lower() if isinstance(said, str) else ""
    return next((kind for kind in CHANNEL_TYPES if kind == found), None)


def _in_channel(activity: Activity) -> bool:
    return place_of(activity).kind == "channel"


def live_message(activity: Activity) -> LiveMessage:
    """A channel message activity (new, edited or deleted) as the thread store reads it."""
    place = place_of(activity)
    sender = activity.from_property
    message_id = activity.id or ""
    html_body = next(
        (
            a.content
            for a in activity.attachments or []
            if a.content_type == "text/html" and isinstance(a.content, str)
        ),
        None,
    )
    return LiveMessage(
        channel_id=place.channel_id or place.base_conversation_id,
        message_id=message_id,
        root_id=place.thread_id or activity.reply_to_id or message_id,
        at=_utc(activity.timestamp),
        conversation_id=place.base_conversation_id,
        team_aad_group_id=place.team_aad_group_id,
        tenant_id=place.tenant_id,
        reply_to_id=activity.reply_to_id,
        author_name=(sender.name if sender else None) or None,
        author_aad_id=getattr(sender, "aad_object_id", None) if sender else None,
        text=activity.text or "",
        html=html_body,
    )


def _utc(moment: datetime | None) -> datetime | None:
    """Teams stamps activities in UTC ("…Z"); a stamp without its zone is read as UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def person_of(activity: Activity) -> Person:
    sender = activity.from_property
    return Person(
        teams_id=(sender.id if sender else "") or "",
        aad_object_id=getattr(sender, "aad_object_id", None) if sender else None,
        name=(sender.name if sender else "") or "",
    )


def locale_of_activity(activity: Activity) -> str:
    if activity.locale:
        return str(activity.locale)
    for entity in activity.entities or []:
        if getattr(entity, "type", None) == "clientInfo":
            locale = (entity.additional_properties or {}).get("locale")
            if locale:
                return str(locale)
    return "ja-JP"


def mentions_bot(activity: Activity) -> bool:
    bot_id = activity.recipient.id if activity.recipient else None
    return any(_mentioned_id(entity) == bot_id for entity in activity.entities or [])


def _mentioned_id(entity: Any) -> str | None:
    if getattr(entity, "type", None) != "mention":
        return None
    mentioned = (entity.additional_properties or {}).get("mentioned") or {}
    return mentioned.get("id") if isinstance(mentioned, dict) else None


def command_text(activity: Activity) -> str:
    """What a message says to the bot, as plain text: its @mentions of the bot removed, and
    other people's `<at>name</at>` as their names.

    When other people are @mentioned before the bot (「<at>花子</at> さん、<at>IYO WORK</at>
    ヘルプ」), what follows the bot's mention is the command. Only `<at>` tags whose entity
    mentions the bot are removed: botbuilder's `remove_recipient_mention` uses the bot's name as
    a regular expression and deletes it everywhere, so a poll titled 「第2回IYO WORK」 would lose
    its words, and a name with regex characters breaks it.
    """
    text = activity.text or ""
    bot_names = _bot_mention_names(activity)
    pieces: list[str] = []  # what lies between the bot's mentions; [0] precedes the first
    current: list[str] = []
    someone_before = False
    position = 0
    for found in _AT_TAG.finditer(text):
        current.append(text[position : found.start()])
        position = found.end()
        leading = not pieces and not "".join(current).strip()
        if _is_bot_name(found.group(1), bot_names, leading):
            pieces.append("".join(current))
            current = []
        else:
            someone_before = someone_before or not pieces
            current.append(found.group(1))
    current.append(text[position:])
    pieces.append("".join(current))
    if someone_before and len(pieces) > 1 and _joined(pieces[1:]):
        return _joined(pieces[1:])
    return _joined(pieces)


def _joined(pieces: list[str]) -> str:
    """The pieces of a message around the bot's removed mentions, HTML entities decoded, each
    trimmed, one space where a mention was."""
    decoded = (html.unescape(piece).strip() for piece in pieces)
    return " ".join(piece for piece in decoded if piece)


def _bot_mention_names(activity: Activity) -> set[str] | None:
    """The names in the `<at>` tags of the mention entities that are the bot (HTML-decoded);
    None when one of them does not say its tag, so only a leading mention can be taken as the
    bot's; an empty set when the bot is not mentioned."""
    bot_id = activity.recipient.id if activity.recipient else None
    names: set[str] = set()
    for entity in activity.entities or []:
        if _mentioned_id(entity) != bot_id:
            continue
        tag_text = (entity.additional_properties or {}).get("text") or ""
        inner = _LEADING_AT.match(tag_text)
        if inner is None:
            return None
        names.add(html.unescape(inner.group(1)))
    return names


def _is_bot_name(name: str, bot_names: set[str] | None, leading: bool) -> bool:
    if bot_names is None:
        return leading
    return html.unescape(name) in bot_names


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None
