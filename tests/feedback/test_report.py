"""感想レポート: ten realistic answers make the Markdown a coordinator pastes into the blog,
checked against tests/feedback/golden/report.md (regenerate it with REGENERATE_GOLDEN=1 and
read the difference before committing it)."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path

from core.i18n import default_catalog
from core.jpcalendar import TOKYO
from dialogs.feedback.export import report_preview
from dialogs.feedback.model import Answer
from dialogs.feedback.report import escape, report_markdown
from tests.feedback.fixture import ANSWERS, ATTENDEES, EVENT

GOLDEN = Path(__file__).parent / "golden" / "report.md"
JA = default_catalog().translator("ja")
EN = default_catalog().translator("en")


def test_the_report_of_ten_answers_reads_as_the_golden_file() -> None:
    report = report_markdown(EVENT, ATTENDEES, ANSWERS, JA, TOKYO)

    if os.environ.get("REGENERATE_GOLDEN"):
        GOLDEN.write_text(report, encoding="utf-8")
    assert report == GOLDEN.read_text(encoding="utf-8")


def test_anonymous_answers_are_quoted_without_name_or_municipality() -> None:
    report = report_markdown(EVENT, ATTENDEES, ANSWERS, JA, TOKYO)

    anonymous = [a for a in ANSWERS if a.anonymous]
    assert len(anonymous) == 3
    for feedback in anonymous:
        answer = feedback.answer
        for text in (answer.good, answer.trouble, answer.issue_details, answer.next_themes):
            if text:
                [line] = [ln for ln in report.splitlines() if f"「{escape(text, '／')}」" in ln]
                assert line.endswith("」"), line  # no （municipality） after it
    for name in ("松山 一郎", "伊方 美咲", "西条 誠", "今治 花子"):  # nobody is named at all
        assert name not in report
    # The one town with a single anonymous respondent appears only in the participants' count.
    assert report.count("伊方町") == 1 and "伊方町 1名" in report


def test_with_fewer_than_three_answers_there_are_no_numbers_and_no_quotes() -> None:
    report = report_markdown(EVENT, ATTENDEES, ANSWERS[:2], JA, TOKYO)

    assert "感想の回答: 2名（参加登録者 12名のうち 2名、回答率 17%）" in report
    assert "感想の回答が3名未満のため、集計と感想の掲載は控えています。" in report
    assert "満足度" not in report and "「" not in report
    assert "- 参加者: 12名" in report  # the participants are still counted


def test_what_people_wrote_stays_text_in_any_markdown_renderer() -> None:
    hostile = "[押して](https://evil.example) <script>alert(1)</script> **太字** `code` | & _x_"
    answers = [replace(a, answer=replace(a.answer, good=hostile)) for a in ANSWERS[:3]]

    report = report_markdown(EVENT, ATTENDEES, answers, JA, TOKYO)

    assert escape(hostile) in report
    [line, *_] = [ln for ln in report.splitlines() if "押して" in ln]
    assert re.search(r"(?<!\\)[<>\[\]*`|&_]", line) is None, line  # every one escaped
    assert escape("1行目\n\n  2行目  ", "／") == "1行目／2行目"


def test_an_event_without_registrations_or_venue() -> None:
    online_only = replace(EVENT, venue=None)
    answers = [replace(a, answer=Answer(rating=4)) for a in ANSWERS[:3]]

    report = report_markdown(online_only, [], answers, JA, TOKYO)

    assert "- 会場: なし（オンラインのみ）" in report
    assert "感想の回答: 3名\n" in report
    assert "（記入はありませんでした）" in report


def test_in_english() -> None:
    report = report_markdown(EVENT, ATTENDEES, ANSWERS, EN, TOKYO)

    assert report.startswith("# 第2回IYO WORK: report\n")
    assert "Satisfaction: 4.1 on average out of 5 (5: 4, 4: 4, 3: 1, 2: 1, 1: 0)" in report
    assert "(Imabari City)" in report and "### Next time" in report


def test_the_preview_is_the_reports_beginning_and_stays_short() -> None:
    report = GOLDEN.read_text(encoding="utf-8")

    preview = report_preview(report)

    assert preview.startswith("# 第2回IYO WORK 開催報告\n") and preview.endswith("\n…")
    assert len(preview.splitlines()) == 21
    assert len(report_preview("# x\n\n" + "あ" * 5000)) <= 1502
    assert report_preview("# 短い\n") == "# 短い"
