"""The words of registration (参加登録) for an IYO WORK day: how someone takes part, when,
where they work, and what the bot decided about their seat.

Plain values only: storage maps its rows to these; the seat rules, the cards and the lists
coordinators read (参加者一覧, 参加状況, exports, reminders) all read a `Registration`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

MAX_DEPARTMENT_LENGTH = 100
MAX_NOTE_LENGTH = 500

# Where people work: the prefecture's office and its 20 municipalities in the prefecture's
# own order (cities, then towns), then "other" (vendors, neighbouring prefectures…). Stored
# by code; the names are in the catalog under `attendance.municipalities.<code>`.
PREFECTURE = "ehime"
OTHER = "other"
MUNICIPALITIES: tuple[str, ...] = (
    PREFECTURE,
    "matsuyama",
    "imabari",
    "uwajima",
    "yawatahama",
    "niihama",
    "saijo",
    "ozu",
    "iyo",
    "shikokuchuo",
    "seiyo",
    "toon",
    "kamijima",
    "kumakogen",
    "masaki",
    "tobe",
    "uchiko",
    "ikata",
    "matsuno",
    "kihoku",
    "ainan",
    OTHER,
)


def is_municipality(code: str | None) -> bool:
    return code in MUNICIPALITIES


class Mode(StrEnum):
    """How someone takes part (参加方法)."""

    ONSITE = "onsite"  # 現地
    ONLINE = "online"  # オンライン
    ABSENT = "absent"  # 欠席


class Slot(StrEnum):
    """Which part of the day (時間帯). Capacity counts people on site whatever their slot."""

    ALLDAY = "allday"  # 終日
    AM = "am"  # 午前
    PM = "pm"  # 午後


class Status(StrEnum):
    """What the bot decided: an on-site registrant is seated or waits for a seat."""

    SEATED = "seated"  # on site, with a seat
    WAITLISTED = "waitlisted"  # on site wanted, no seat yet (キャンセル待ち)
    ONLINE = "online"
    ABSENT = "absent"


@dataclass(frozen=True)
class Choice:
    """What a person chose on the registration card (already validated)."""

    mode: Mode
    slot: Slot = Slot.ALLDAY
    municipality: str | None = None  # a MUNICIPALITIES code
    department: str = ""
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class Registration:
    """One person's registration for one event. `person_key` comes from the activity's sender
    (never from card data). `position` is the 1-based place on the waitlist (waitlisted only)."""

    event_id: int
    person_key: str
    name: str
    mode: Mode
    slot: Slot
    municipality: str | None
    department: str
    note: str
    status: Status
    position: int | None = None
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def attending(self) -> bool:
        """Coming, on site or online (the waitlisted are not counted as coming yet)."""
        return self.status in (Status.SEATED, Status.ONLINE)

    def choice(self) -> Choice:
        return Choice(self.mode, self.slot, self.municipality, self.department, self.note)


@dataclass(frozen=True)
class Counts:
    """What the event card shows: 現地 n/定員, オンライン n, キャンセル待ち n (and 欠席 n)."""

    seated: int = 0
    online: int = 0
    waitlisted: int = 0
    absent: int = 0


def counts(registrations: list[Registration]) -> Counts:
    by_status = {status: 0 for status in Status}
    for registration in registrations:
        by_status[registration.status] += 1
    return Counts(
        seated=by_status[Status.SEATED],
        online=by_status[Status.ONLINE],
        waitlisted=by_status[Status.WAITLISTED],
        absent=by_status[Status.ABSENT],
    )
