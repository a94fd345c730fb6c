"""A digest as Markdown: what `python -m dialogs.digest preview` prints."""

from __future__ import annotations

from cards.digest import DigestView, Line
from dialogs.feedback.report import escape


def digest_markdown(view: DigestView) -> str:
    lines = [f"# {view.title}", "", view.period, ""]
    if view.preview_note:
        lines += [f"*{view.preview_note}*", ""]
    lines += [f"> {notice}" for notice in view.notices]
    if view.notices:
        lines.append("")
    for section in view.sections:
        lines += [f"## {section.title}", ""]
        if section.summary:
            lines += [escape(section.summary), ""]
        for line in section.lines:
            lines += _item(line)
        if section.after:
            lines += ["", escape(section.after)]
        for button in section.buttons:
            if button.url:
                lines.append(f"- [{button.title}]({button.url})")
        lines.append("")
    if view.footer:
        lines += ["---", "", view.footer]
    return "\n".join(lines).rstrip("\n") + "\n"


def quiet_markdown(text: str) -> str:
    return f"{text}\n"


def _item(line: Line) -> list[str]:
    text = escape(line.text)
    shown = f"[{text}]({line.url})" if line.url else text
    badge = f"**{line.badge}** " if line.badge else ""
    found = [f"- {badge}{shown}"]
    if line.detail:
        found.append(f"  - {escape(line.detail)}")
    if line.hint is not None:
        hint = escape(line.hint.text)
        linked = f"[{hint}]({line.hint.url})" if line.hint.url else hint
        found.append(f"  - {line.hint_label or ''} {linked}")
    return found
