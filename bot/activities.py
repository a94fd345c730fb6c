"""Our reply types (dialogs.replies) turned into Bot Framework activities and invoke responses."""

from __future__ import annotations

from typing import Any

from botbuilder.core import InvokeResponse
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    Attachment,
    ChannelAccount,
    Mention,
    TextFormatTypes,
)

from dialogs.replies import Card, Message

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
INVOKE_MESSAGE = "application/vnd.microsoft.activity.message"


def message_to_activity(message: Message) -> Activity:
    """A `message` activity: the text as Teams markdown, one `mention` entity per mention (the
    text must already hold `<at>name</at>`), and the card as an Adaptive Card attachment."""
    activity = Activity(type=ActivityTypes.message)
    if message.text:
        activity.text = message.text
        activity.text_format = TextFormatTypes.markdown
    if message.mentions:
        activity.entities = [
            Mention(
                type="mention",
                text=mention.tag,
                mentioned=ChannelAccount(id=mention.teams_id, name=mention.name),
            )
            for mention in message.mentions
        ]
    if message.card is not None:
        activity.attachments = [card_attachment(message.card)]
    return activity


def card_attachment(card: Card) -> Attachment:
    return Attachment(content_type=ADAPTIVE_CARD, content=card)


def invoke_card_response(card: Card) -> InvokeResponse:
    """The answer to an `adaptiveCard/action` invoke that replaces the actor's card."""
    return _invoke_response({"statusCode": 200, "type": ADAPTIVE_CARD, "value": card})


def invoke_message_response(text: str) -> InvokeResponse:
    """The answer to an `adaptiveCard/action` invoke that leaves the card and shows a short text
    to the actor alone."""
    return _invoke_response({"statusCode": 200, "type": INVOKE_MESSAGE, "value": text})


def _invoke_response(body: dict[str, Any]) -> InvokeResponse:
    # A plain dict: IyoCloudAdapter writes it as is (msrest models are serialised there).
    return InvokeResponse(status=200, body=body)
