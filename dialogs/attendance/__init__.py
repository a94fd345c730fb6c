"""参加登録: registration for an IYO WORK day, with on-site seats and a waitlist.

Others read registrations through `dialogs.attendance.store` (`registrations`,
`registration_of`) and the plain values of `dialogs.attendance.model`.
"""

from __future__ import annotations

from dialogs.attendance.model import (
    MUNICIPALITIES,
    OTHER,
    PREFECTURE,
    Choice,
    Counts,
    Mode,
    Registration,
    Slot,
    Status,
    counts,
    is_municipality,
)

__all__ = [
    "MUNICIPALITIES",
    "OTHER",
    "PREFECTURE",
    "Choice",
    "Counts",
    "Mode",
    "Registration",
    "Slot",
    "Status",
    "counts",
    "is_municipality",
]
