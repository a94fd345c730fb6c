"""Reading a registration from the card's inputs. Only the choices are read: who registers
comes from the activity, never from card data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from cards.attendance import (
    DEPARTMENT_INPUT,
    MODE_INPUT,
    MUNICIPALITY_INPUT,
    NOTE_INPUT,
    SLOT_INPUT,
)
from dialogs.attendance.model import (
    MAX_DEPARTMENT_LENGTH,
    MAX_NOTE_LENGTH,
    Choice,
    Mode,
    Slot,
    is_municipality,
)

_MODES = frozenset(mode.value for mode in Mode)
_SLOTS = frozenset(slot.value for slot in Slot)

ErrorCode = Literal[
    "mode_missing",
    "mode_invalid",
    "slot_invalid",
    "municipality_missing",
    "municipality_invalid",
    "department_too_long",
    "note_too_long",
]


@dataclass(frozen=True)
class Form:
    """What the card's inputs held, as typed (shown again when something is wrong)."""

    mode: str = ""
    slot: str = ""
    municipality: str = ""
    department: str = ""
    note: str = ""

    @classmethod
    def of(cls, choice: Choice) -> Form:
        return cls(
            choice.mode.value,
            choice.slot.value,
            choice.municipality or "",
            choice.department,
            choice.note,
        )


@dataclass(frozen=True)
class FormErrors:
    form: Form
    errors: tuple[ErrorCode, ...]


def read_form(data: Mapping[str, object]) -> Form:
    def text(key: str) -> str:
        value = data.get(key)
        return value.strip() if isinstance(value, str) else ""

    return Form(
        mode=text(MODE_INPUT),
        slot=text(SLOT_INPUT),
        municipality=text(MUNICIPALITY_INPUT),
        department=text(DEPARTMENT_INPUT),
        note=text(NOTE_INPUT),
    )


def read_choice(data: Mapping[str, object]) -> Choice | FormErrors:
    """The person's choice from an invoke's data, or everything wrong with it. 所属 may be
    left out only by someone who is not coming (欠席); the time slot defaults to 終日."""
    form = read_form(data)
    errors: list[ErrorCode] = []
    mode: Mode | None = None
    if not form.mode:
        errors.append("mode_missing")
    elif form.mode in _MODES:
        mode = Mode(form.mode)
    else:
        errors.append("mode_invalid")
    slot = Slot.ALLDAY
    if form.slot:
        if form.slot in _SLOTS:
            slot = Slot(form.slot)
        else:
            errors.append("slot_invalid")
    if form.municipality and not is_municipality(form.municipality):
        errors.append("municipality_invalid")
    elif not form.municipality and mode is not Mode.ABSENT and mode is not None:
        errors.append("municipality_missing")
    if len(form.department) > MAX_DEPARTMENT_LENGTH:
        errors.append("department_too_long")
    if len(form.note) > MAX_NOTE_LENGTH:
        errors.append("note_too_long")
    if errors or mode is None:
        return FormErrors(form, tuple(errors))
    return Choice(mode, slot, form.municipality or None, form.department, form.note)
