"""感想 (impressions) after an IYO WORK day: what one person answered, and when the
collection opens, reminds and closes.

Plain values only: storage maps its rows to these; the card, the summary, the report and the
exports all read a `Feedback`.

The dates, chosen once here:
- The collection opens when the event ends (its end time on its day, in the bot's zone).
- It closes at the end of the 7th day after the event (23:59 in the bot's zone, like every
  date-only deadline of the bot): an event on Tue 12/15 collects until Tue 12/22 23:59.
- One reminder goes at 09:00 on the last business day before the day before the deadline,
  so at least one whole business day is left after it (event Tue 12/15 → Fri 12/18 09:00;
  event Thu 12/10 → Tue 12/15 09:00). None when that moment is not between the end of the
  event and the deadline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from core.jpcalendar import end_of_day, reminder_moment

MAX_TEXT_LENGTH = 2000
RATINGS: tuple[int, ...] = (5, 4, 3, 2, 1)
COLLECTION_DAYS = 7
# Aggregates and comments are shown only from this many answers: fewer would point at people.
MIN_RESPONSES = 3


class Issue(StrEnum):
    """気づいた課題: what got in the way (multi-select)."""

    EQUIPMENT = "equipment"  # 機材・画面
    SOFTWARE = "software"  # ソフトウェア
    NETWORK = "network"  # ネットワーク
    SECURITY = "security"  # セキュリティ設定
    SUPPLIES = "supplies"  # 小物類（電源・ケーブル等）
    VENUE = "venue"  # 会場
    OTHER = "other"  # その他


class Intent(StrEnum):
    """また参加したいか / 他の部署にも勧めたいか."""

    YES = "yes"  # はい
    MAYBE = "maybe"  # たぶん
    NO = "no"  # いいえ


class Participation(StrEnum):
    """How the person took part, from their registration when they answered: seated → 現地,
    online → オンライン; anyone else (not registered, waitlisted, 欠席) → 未登録."""

    ONSITE = "onsite"
    ONLINE = "online"
    UNREGISTERED = "unregistered"


@dataclass(frozen=True)
class Answer:
    """What one person filled in (already validated). Texts are trimmed, at most
    MAX_TEXT_LENGTH characters each; empty when left out."""

    rating: int
    good: str = ""
    trouble: str = ""
    issues: tuple[Issue, ...] = ()
    issue_details: str = ""
    next_themes: str = ""
    again: Intent | None = None
    recommend: Intent | None = None
    anonymous: bool = False


@dataclass(frozen=True, kw_only=True)
class Feedback:
    """One person's stored answer for one event. `person_key` comes from the activity's
    sender. An anonymous answer is stored without name, municipality or department: what is
    not kept cannot be shown."""

    event_id: int
    person_key: str
    name: str
    municipality: str | None
    department: str
    participation: Participation
    answer: Answer
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def anonymous(self) -> bool:
        return self.answer.anonymous


def collection_deadline(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    """23:59 in `zone` on the COLLECTION_DAYS-th day after the event's `day`."""
    return end_of_day(day + dt.timedelta(days=COLLECTION_DAYS), zone)


def reminder_at(deadline: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """09:00 on the last business day before the day before the deadline's day."""
    deadline_day = deadline.astimezone(zone).date()
    return reminder_moment(deadline_day - dt.timedelta(days=1), zone)
