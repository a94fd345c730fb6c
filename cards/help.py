"""The help card and the install greeting."""

from __future__ import annotations

from dataclasses import dataclass

from cards.common import Card, Element, card, heading, paragraph, show_card, submit


@dataclass(frozen=True)
class CommandHelp:
    title: str
    summary: str
    example: str
    try_text: str
    coordinator_only: bool


@dataclass(frozen=True)
class HelpView:
    title: str
    intro: str
    commands: list[CommandHelp]
    example_label: str
    try_label: str
    coordinator_mark: str
    purpose_title: str
    purpose: str
    limits: Limits | None = None
    # For someone who is not a coordinator: the coordinators' commands named in one line.
    coordinators_line: str | None = None


@dataclass(frozen=True)
class Limits:
    """What the bot cannot do where it is (a private or shared channel), said up front."""

    title: str
    text: str


TRY_VERB = "help.try"


def limits_block(limits: Limits) -> Element:
    return {
        "type": "Container",
        "style": "warning",
        "spacing": "Medium",
        "items": [heading(limits.title, size="Small"), paragraph(limits.text, size="Small")],
    }


def help_card(view: HelpView) -> Card:
    body: list[Element] = [heading(view.title), paragraph(view.intro, subtle=True)]
    if view.limits is not None:
        body.append(limits_block(view.limits))
    for command in view.commands:
        mark = view.coordinator_mark if command.coordinator_only else ""
        body.append(
            {
                "type": "ColumnSet",
                "separator": True,
                "spacing": "Medium",
                "columns": [
                    {
                        "type": "Column",
                        "width": "stretch",
                        "items": [
                            paragraph(f"**{command.title}**{mark}"),
                            paragraph(command.summary, subtle=True),
                            paragraph(
                                view.example_label.format(example=command.example), size="Small"
                            ),
                        ],
                    },
                    {
                        "type": "Column",
                        "width": "auto",
                        "verticalContentAlignment": "Center",
                        "items": [
                            {
                                "type": "ActionSet",
                                "actions": [
                                    submit(
                                        view.try_label,
                                        {"verb": TRY_VERB, "command": command.try_text},
                                    ),
                                ],
                            }
                        ],
                    },
                ],
            }
        )
    if view.coordinators_line:
        line = paragraph(view.coordinators_line, subtle=True, size="Small")
        body.append({**line, "separator": True, "spacing": "Medium"})
    purpose = card([paragraph(view.purpose, size="Small")])
    return card(body, [show_card(view.purpose_title, purpose)])


def greeting_card(
    title: str,
    body_text: str,
    purpose_title: str,
    purpose: str,
    start: str,
    limits: Limits | None = None,
) -> Card:
    body: list[Element] = [heading(title), paragraph(body_text)]
    if limits is not None:
        body.append(limits_block(limits))
    body += [
        heading(purpose_title, size="Medium"),
        paragraph(purpose, size="Small"),
        paragraph(start),
    ]
    return card(body)
