"""参加状況, the rule: across past IYO WORK days, in how many each municipality took part on site
and online, how many different people came, and which municipalities have never come."""

from __future__ import annotations

from dialogs.attendance.model import MUNICIPALITIES, OTHER, PREFECTURE, Status
from dialogs.attendance.roster import COMMUNITY, Attended, MunicipalityRecord, participation


def came(
    event: int, person: str, municipality: str | None, status: Status = Status.SEATED
) -> Attended:
    return Attended(event, person, municipality, status)


def record_of(code: str, attended: list[Attended], events: int = 3) -> MunicipalityRecord:
    [found] = [r for r in participation(events, attended).records if r.code == code]
    return found


def test_the_community_is_the_prefecture_and_its_twenty_municipalities_in_order() -> None:
    record = participation(0, [])

    assert COMMUNITY[0] == PREFECTURE and len(COMMUNITY) == 21 and OTHER not in COMMUNITY
    assert [r.code for r in record.records] == list(COMMUNITY)
    assert record.never == COMMUNITY
    assert all(r == MunicipalityRecord(r.code) for r in record.records)


def test_a_municipality_counts_once_per_day_however_many_of_its_people_come() -> None:
    attended = [
        came(1, "hanako", "imabari"),
        came(1, "ichiro", "imabari"),
        came(1, "jiro", "imabari"),
        came(2, "hanako", "imabari"),
    ]

    assert record_of("imabari", attended) == MunicipalityRecord(
        "imabari", onsite_events=2, online_events=0, events=2, people=3
    )


def test_on_site_and_online_the_same_day_count_in_both_columns_and_once_overall() -> None:
    attended = [
        came(1, "hanako", "ozu"),
        came(1, "jiro", "ozu", Status.ONLINE),
        came(2, "jiro", "ozu", Status.ONLINE),
    ]

    assert record_of("ozu", attended) == MunicipalityRecord(
        "ozu", onsite_events=1, online_events=2, events=2, people=2
    )


def test_the_waitlisted_and_the_absent_did_not_take_part() -> None:
    attended = [
        came(1, "saburo", "masaki", Status.WAITLISTED),
        came(1, "shiro", "masaki", Status.ABSENT),
        came(1, "goro", "tobe", Status.ONLINE),
    ]
    record = participation(1, attended)

    assert "masaki" in record.never and "tobe" not in record.never
    masaki = next(r for r in record.records if r.code == "masaki")
    assert (masaki.events, masaki.people) == (0, 0)


def test_those_never_seen_are_listed_in_the_prefectures_order() -> None:
    everyone_but = {"kamijima", "ainan", "ehime"}
    attended = [
        came(n % 3 + 1, f"p{n}", code)
        for n, code in enumerate(COMMUNITY)
        if code not in everyone_but
    ]

    assert participation(3, attended).never == ("ehime", "kamijima", "ainan")


def test_everyone_came() -> None:
    attended = [came(1, f"p{n}", code) for n, code in enumerate(COMMUNITY)]

    record = participation(1, attended)

    assert record.never == ()
    assert all(r.events == 1 for r in record.records)


def test_people_from_outside_the_community_get_a_row_of_their_own_at_the_end() -> None:
    attended = [
        came(1, "vendor", None, Status.ONLINE),
        came(2, "vendor", OTHER),
        came(2, "neighbour", "kochi-city"),  # not a code we know: その他
        came(2, "hanako", "imabari"),
    ]
    record = participation(2, attended)

    assert record.records[-1] == MunicipalityRecord(
        OTHER, onsite_events=1, online_events=1, events=2, people=2
    )
    assert [r.code for r in record.records] == [*COMMUNITY, OTHER]
    assert OTHER not in record.never
    assert len(MUNICIPALITIES) == len(record.records)


def test_the_number_of_days_is_what_the_caller_counted() -> None:
    # A day nobody came to still counts as a day held.
    assert participation(4, [came(1, "hanako", "imabari")]).events == 4
