"""Teams message bodies become clean text people can read (and summaries can quote)."""

from __future__ import annotations

import json

from dialogs.threads.body import BodyAttachment, body_to_text, html_to_text, plain_to_text


def test_mentions_become_names_and_entities_are_decoded() -> None:
    html = '<div><div><at id="0">松山 太郎</at>&nbsp;さん、A&amp;B の件です</div></div>'

    assert html_to_text(html) == "@松山 太郎 さん、A&B の件です"


def test_a_link_keeps_its_words_and_its_address() -> None:
    html = (
        '<p>手順は <a href="https://example.jp/tejun" title="https://example.jp/tejun">こちら</a>'
        '、原文は <a href="https://example.jp/">https://example.jp/</a></p>'
    )

    assert html_to_text(html) == (
        "手順は こちら (https://example.jp/tejun)、原文は https://example.jp/"
    )


def test_code_is_kept_fenced_and_indented_as_written() -> None:
    html = (
        "<p>インラインは <code>Range(&quot;A1&quot;)</code></p>"
        '<codeblock class="PowerShell"><code>Get-ADUser -Filter *<br>'
        "&nbsp;&nbsp;| Select Name</code></codeblock>"
        '<pre class="language-python">if x:\n    y()\n</pre>'
    )

    assert html_to_text(html) == (
        'インラインは `Range("A1")`\n'
        "```powershell\nGet-ADUser -Filter *\n  | Select Name\n```\n"
        "```python\nif x:\n    y()\n```"
    )


def test_paragraphs_breaks_lists_quotes_and_tables_keep_their_lines() -> None:
    html = (
        "<p>一行目<br>二行目</p><p>次の段落</p>"
        "<ul><li>松山市</li><li>今治市<ol><li>本庁</li><li>支所</li></ol></li></ul>"
        "<blockquote>引用です<br>続き</blockquote>"
        "<table><tr><th>市町</th><th>件数</th></tr><tr><td>宇和島市</td><td>3</td></tr></table>"
    )

    assert html_to_text(html) == (
        "一行目\n二行目\n次の段落\n- 松山市\n- 今治市\n  1. 本庁\n  2. 支所\n"
        "> 引用です\n> 続き\n市町 | 件数\n宇和島市 | 3"
    )


def test_emoji_are_their_character() -> None:
    html = (
        '<p>ありがとう <emoji id="1f64f" alt="🙏" title="お願い"></emoji>'
        '<img itemtype="http://schema.skype.com/Emoji" alt="😀" src="x.png"></p>'
    )

    assert html_to_text(html) == "ありがとう 🙏😀"


def test_a_quoted_message_is_dropped_a_file_is_named_and_a_card_shows_its_words() -> None:
    card = {
        "type": "AdaptiveCard",
        "body": [
            {"type": "TextBlock", "text": "日程調整"},
            {"type": "Input.ChoiceSet", "choices": [{"title": "○", "value": "yes"}]},
        ],
        "actions": [{"type": "Action.Execute", "title": "回答する"}],
    }
    attachments = [
        BodyAttachment("q1", "messageReference", None, '{"messageId": "1"}'),
        BodyAttachment("f1", "reference", "手順書.xlsx"),
        BodyAttachment("c1", "application/vnd.microsoft.card.adaptive", None, json.dumps(card)),
    ]
    html = (
        '<attachment id="q1"></attachment><p>返信です</p><attachment id="f1"></attachment>'
        '<attachment id="c1"></attachment>'
    )

    assert html_to_text(html, attachments) == "返信です\n[手順書.xlsx]\n日程調整"


def test_scripts_and_styles_say_nothing() -> None:
    assert html_to_text("<style>p{}</style><p>本文</p><script>alert(1)</script>") == "本文"


def test_plain_text_keeps_its_lines_and_names_mentions() -> None:
    assert plain_to_text("<at>IYO WORK</at> ヘルプ &amp; 質問\r\n二行目") == (
        "@IYO WORK ヘルプ & 質問\n二行目"
    )
    assert body_to_text("<p>x</p>", "html") == "x"
    assert body_to_text("a &lt; b", "text") == "a < b"
