"""Graph's channel messages as versions to store: clean text, reactions and attachments."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dialogs.threads.body import BodyAttachment, body_to_text
from dialogs.threads.store import MessageVersion
from graph.channels import ChannelMessage


def from_graph(message: ChannelMessage, channel_id: str, team_aad_group_id: str) -> MessageVersion:
    """A post or reply read from Graph. A deleted message keeps no words (Graph sends none)."""
    deleted = message.deleted_at is not None
    attachments = [
        BodyAttachment(a.id, a.content_type, a.name, a.content) for a in message.attachments
    ]
    return MessageVersion(
        channel_id=channel_id,
        message_id=message.id,
        root_id=message.reply_to_id or message.id,
        reply_to_id=message.reply_to_id,
        created_at=message.created_at,
        modified_at=max(message.modified_at, message.created_at),
        edited_at=message.edited_at,
        deleted_at=message.deleted_at,
        source="graph",
        team_aad_group_id=team_aad_group_id,
        author_name=message.author_name,
        author_aad_id=message.author_id if message.author_kind == "user" else None,
        author_kind=message.author_kind,
        subject=message.subject,
        text="" if deleted else body_to_text(message.body, message.body_type, attachments),
        html="" if deleted else message.body,
        reactions=[_reaction(reaction) for reaction in message.reactions],
        attachments=[
            {"id": a.id, "content_type": a.content_type, "name": a.name, "url": a.url}
            for a in message.attachments
            if (a.content_type or "").lower() != "messagereference"
        ],
        importance=message.importance,
        web_url=message.web_url,
    )


def _reaction(reaction: Any) -> dict[str, Any]:
    return {
        "kind": reaction.kind,
        "emoji": reaction.emoji,
        "user_id": reaction.user_id,
        "at": reaction.at.isoformat() if reaction.at else None,
    }


def thread_versions(
    thread: Iterable[ChannelMessage], channel_id: str, team_aad_group_id: str
) -> list[MessageVersion]:
    """The posts of a thread worth keeping: people's and apps' messages, no system events."""
    return [from_graph(m, channel_id, team_aad_group_id) for m in thread if m.is_message]
