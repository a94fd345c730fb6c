"""Japanese text: chat sentences, compounds with the user dictionary, Sudachi's input limit, and
what the asker's words say about the problem (resolved, not yet, or nothing)."""

from __future__ import annotations

import pytest

from dialogs.summaries.text import (
    MAX_INPUT_BYTES,
    RESOLVED,
    UNRESOLVED,
    analyser,
    normalise,
    split_sentences,
    user_dictionary,
)


def sentences(text: str) -> list[str]:
    return split_sentences(normalise(text))


def terms(text: str) -> list[str]:
    return [term.text for term in analyser().terms(text)]


def test_chat_lines_without_a_full_stop_are_sentences() -> None:
    assert sentences("お疲れ様です\nプリンタが止まりました\n誰か助けて") == [
        "お疲れ様です",
        "プリンタが止まりました",
        "誰か助けて",
    ]


def test_sentences_end_at_full_stops_and_question_marks_but_not_inside_quotes() -> None:
    assert sentences("「保存しますか？」と出ます。どうすれば？よろしくお願いします！") == [
        "「保存しますか?」と出ます。",
        "どうすれば?",
        "よろしくお願いします!",
    ]


def test_urls_lists_quotes_code_and_emoji() -> None:
    text = (
        "手順はこちら https://example.jp/faq?id=3. を見てください\n"
        "- 再起動する\n"
        "1. キャッシュを消す\n"
        "> 引用された誰かの文\n"
        "```\nSub Main()\nEnd Sub\n```\n"
        "直りました🎉 ありがとうございました"
    )
    assert sentences(text) == [
        "手順はこちら https://example.jp/faq?id=3. を見てください",
        "再起動する",
        "キャッシュを消す",
        "直りました🎉",
        "ありがとうございました",
    ]


def test_nfkc_makes_full_width_letters_plain() -> None:
    assert normalise("ＬＧＷＡＮ　の　ＷＳＵＳ") == "LGWAN の WSUS"


def test_runs_of_nouns_become_compounds() -> None:
    assert terms("情報システム部門で多要素認証と端末管理を検討中です") == [
        "情報システム部門",
        "多要素認証",
        "端末管理",
        "検討中",
    ]


def test_the_user_dictionary_knows_local_government_it_terms() -> None:
    assert user_dictionary() is not None
    assert terms("LGWAN-ASPとβ'モデルとぴったりサービスとJ-LIS") == [
        "LGWAN-ASP",
        "β'モデル",
        "ぴったりサービス",
        "J-LIS",
    ]
    # Latin words with one space between are one name; error codes are kept whole.
    assert terms("Windows Update が 0x80070005 で失敗") == ["Windows Update", "失敗", "0x80070005"]


def test_names_and_greetings_are_not_terms() -> None:
    assert terms("お疲れ様です。よろしくお願いします。松山市です") == []


def test_a_message_longer_than_sudachis_limit_is_read_in_pieces() -> None:
    line = "LGWAN接続系の端末でWindows Updateが失敗します。" * 2000
    assert len(line.encode("utf-8")) > 3 * MAX_INPUT_BYTES
    result = analyser().analyse(line)
    assert len(result.sentences) == 2000
    assert all(s.terms[0].text == "LGWAN接続系" for s in result.sentences)
    # A sentence with no end at all is read in pieces, not refused.
    endless = analyser().analyse("あ" * 60_000)
    assert "".join(s.text for s in endless.sentences) == "あ" * 60_000


@pytest.mark.parametrize(
    ("words", "meaning"),
    [
        ("解決しました！ありがとうございました。", RESOLVED),
        ("教えていただいた手順でできました", RESOLVED),
        ("プロファイルを作り直したらうまくいきました！", RESOLVED),
        ("再起動したら直りました。", RESOLVED),
        ("復旧しました🎉", RESOLVED),
        ("自己解決しました。", RESOLVED),
        ("なるほど、参考になりました。ありがとうございました。", RESOLVED),
        ("助かりました", RESOLVED),
        ("まだ解決していません", UNRESOLVED),
        ("解決したと思ったのですが、別の端末ではまだ真っ白のままです。", UNRESOLVED),
        ("残念ながら直りませんでした", UNRESOLVED),
        ("うまくいきませんでした。", UNRESOLVED),
        ("解決しなかったので業者に問い合わせます。", UNRESOLVED),
        ("ありがとうございました。ただ、まだエラーが出ます。", UNRESOLVED),
        ("再起動しても同じエラーです", UNRESOLVED),
        ("ありがとうございます、試してみます。", 0),
        ("これで解決しますか？", 0),
        ("解決したら報告します", 0),
        ("ガイドラインの該当箇所を読めば解決しますか？", 0),
    ],
)
def test_what_the_askers_words_say(words: str, meaning: int) -> None:
    assert analyser().analyse(words, resolution=True).resolution == meaning
