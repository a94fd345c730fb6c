"""Whatever people typed, a coordinator who opens an export in Excel never runs it: every CSV
cell that a spreadsheet would read as a formula starts with `'`, and every text cell of the
.xlsx files is stored as text. Properties over any text, hostile text above all."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from core.i18n import default_catalog
from dialogs.attendance.export import xlsx_bytes
from dialogs.exports import csv_bytes, spreadsheet_safe
from dialogs.feedback.export import answers_workbook
from dialogs.feedback.model import Answer, Feedback, Intent, Issue, Participation
from tests.reliability.conftest import HOSTILE
from tests.reliability.hostile import PAYLOADS

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
JST = ZoneInfo("Asia/Tokyo")

typed = st.one_of(
    st.text(max_size=40),
    st.sampled_from(PAYLOADS),
    st.tuples(st.sampled_from(FORMULA_START), st.text(max_size=20)).map("".join),
)
cells = st.one_of(typed, st.integers(-(10**9), 10**9), st.none())


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


@HOSTILE
@given(text=typed)
def test_a_safe_cell_is_the_text_itself_or_the_text_behind_a_quote(text: str) -> None:
    safe = spreadsheet_safe(text)

    assert safe in (text, f"'{text}")
    assert not safe.startswith(FORMULA_START)
    assert (safe != text) == text.startswith(FORMULA_START)


@HOSTILE
@given(
    header=st.lists(typed, min_size=1, max_size=4),
    rows=st.lists(st.lists(cells, min_size=1, max_size=4), max_size=5),
)
def test_every_csv_cell_reads_back_as_written_and_none_runs(
    header: list[str], rows: list[list[str | int | None]]
) -> None:
    back = read_csv(csv_bytes(header, rows))

    assert len(back) == 1 + len(rows)  # line breaks inside cells stay inside them
    lines: list[list[str | int | None]] = [list(header), *rows]
    for written, read in zip(lines, back, strict=True):
        assert len(read) == len(written)
        for value, cell in zip(written, read, strict=True):
            if isinstance(value, int):
                assert cell == str(value)  # our numbers stay numbers
            elif value is None:
                assert cell == ""
            else:
                assert cell == spreadsheet_safe(value)
                assert not cell.startswith(FORMULA_START)


@HOSTILE
@given(
    header=st.lists(typed, min_size=1, max_size=4),
    rows=st.lists(st.lists(cells, min_size=1, max_size=4), max_size=5),
    caption=typed,
)
def test_the_attendees_workbook_stores_every_text_as_text(
    header: list[str], rows: list[list[str | int | None]], caption: str
) -> None:
    content = xlsx_bytes("参加者", caption, header, rows)

    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    written: list[list[str | int | None]] = [[caption], list(header), *rows]
    for row_number, values in enumerate(written, start=1):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row_number, column=column)
            assert cell.data_type != "f", (value, cell.value)
            if isinstance(value, str):
                assert cell.value == (as_stored(value) or None)


def as_stored(text: str) -> str:
    """What a cell can hold of `text`: no characters XML forbids, line ends as XML reads
    them (\r\n and \r become \n)."""
    cleaned: str = ILLEGAL_CHARACTERS_RE.sub("", text)
    return cleaned.replace("\r\n", "\n").replace("\r", "\n")


def _feedback(n: int, text: str, anonymous: bool) -> Feedback:
    moment = datetime(2026, 12, 2, 1, n, tzinfo=UTC)
    return Feedback(
        event_id=1,
        person_key=f"aad-{n}",
        name=text,
        municipality=None,
        department=text,
        participation=Participation.ONSITE,
        answer=Answer(
            rating=4,
            good=text,
            trouble=text,
            issues=(Issue.NETWORK,),
            issue_details=text,
            next_themes=text,
            again=Intent.YES,
            recommend=None,
            anonymous=anonymous,
        ),
        created_at=moment,
        updated_at=moment,
    )


@HOSTILE
@given(texts=st.lists(st.tuples(typed, st.booleans()), min_size=1, max_size=4))
def test_the_feedback_workbook_stores_every_text_as_text(texts: list[tuple[str, bool]]) -> None:
    answers = [_feedback(n, text, anonymous) for n, (text, anonymous) in enumerate(texts)]
    t = default_catalog().translator("ja")

    sheet = load_workbook(io.BytesIO(answers_workbook(answers, t, JST))).active

    assert sheet is not None
    typed_values = {as_stored(text) for text, _ in texts}
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.value
            if isinstance(cell.value, str) and cell.value in typed_values:
                assert cell.data_type == "s"
