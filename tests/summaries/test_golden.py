# ruff: noqa: E501  (golden values are whole sentences, one a line)
"""Golden tests: the 34 threads of tests/summaries/corpus.py read as a person would —
each thread's status, its question in one line, the answer sentence chosen, and its keywords;
then the channel's summary, trending keywords, search ranking, who to ask and the most
similar solved thread. A change in the analysis shows here as a diff of what users would see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from core.i18n import Locale, default_catalog
from dialogs.summaries import ThreadStatus, similar_solved, summarise_channel, trending_keywords
from dialogs.summaries.search import search_threads, who_to_ask
from dialogs.summaries.service import analysed_threads, channel_threads
from storage.db import Database
from tests.summaries import corpus
from tests.summaries.corpus import CHANNEL, NOW


@dataclass(frozen=True)
class Golden:
    status: ThreadStatus
    question: str
    key_answer: str | None
    keywords: tuple[str, ...]


# What each thread looks like in a summary (None: not listed, its question was deleted).
GOLDEN: dict[str, Golden | None] = {
    "wu-lgwan": Golden(
        ThreadStatus.SOLVED,
        "LGWAN接続系の端末で Windows Update が 0x80070005 で失敗します。",
        "管理者権限のコマンドプロンプトで wuauserv を止めて、SoftwareDistribution フォルダの名前を変えてから再起動すると直りました。",
        ("Windows Update", "SoftwareDistribution", "端末", "LGWAN接続系", "0x80070005"),
    ),
    "excel-macro-blocked": Golden(
        ThreadStatus.SOLVED,
        "メールで届いたExcelファイルを開くと「このファイルのソースが信頼できないため、Microsoft によりマクロの実行がブロックされました」と表示されてマク…",
        "ファイルを保存してから右クリック→プロパティ→「許可する」にチェックを入れてOKすると、マクロを有効にできます。",
        ("マクロ", "ファイル", "信頼", "実行", "Microsoft"),
    ),
    "teams-recording": Golden(
        ThreadStatus.ANSWERED,
        "Teams 会議のレコーディングを開始しても、会議後に録画ファイルが見つかりません。どこに保存されるのでしょうか？",
        "ゲストや外部の方が開催した会議だと保存されないことがあるので、開催者がどなたか確認してみてください。",
        ("会議", "保存", "レコーディング", "録画ファイル", "Teams"),
    ),
    "mfa-staff": Golden(
        ThreadStatus.ANSWERED,
        "職員の Microsoft 365 アカウントに多要素認証を入れようとしています。スマホを持っていない職員もいるのですが、皆さんどうされていますか？",
        "うちはスマホのない職員にはハードウェアトークン(FIDO2 のセキュリティキー)を配りました。",
        ("多要素認証", "職員", "スマホ", "Microsoft 365", "アカウント"),
    ),
    "govcloud-network-cost": Golden(
        ThreadStatus.UNANSWERED,
        "【ガバメントクラウド接続回線の費用】ガバメントクラウドへの接続回線の費用について、各市町でどのくらい見込んでいるか教えていただけないでしょうか。",
        None,
        ("ガバメントクラウド", "接続回線", "共同利用", "小規模", "費用"),
    ),
    "pdf-sanitise": Golden(
        ThreadStatus.ANSWERED,
        "ファイル無害化を通した PDF が、LGWAN 側で開くと真っ白になってしまいます。何か設定が必要でしょうか？",
        "無害化製品の設定で「テキスト抽出」か「PDF 再構成」に変えてみてください。",
        ("PDF", "ファイル無害化", "LGWAN", "再構成", "テキスト抽出"),
    ),
    "printer-driver": Golden(
        ThreadStatus.ANSWERED,
        "Windows 11 の端末から共有プリンタに印刷できなくなりました。「ドライバーをインストールできません」と出ます。",
        "管理者がドライバーを先に入れておくか、グループポリシーの「Point and Print の制限」を確認してください。",
        ("ドライバー", "グループポリシー", "Windows", "共有プリンタ", "インストール"),
    ),
    "pittari-import": Golden(
        ThreadStatus.SOLVED,
        "ぴったりサービスから電子申請のデータを取り込むとき、CSV の文字コードが合わず文字化けします。基幹系システムに取り込む前に、何か変換をしていますか？",
        "宇和島市では、ぴったりサービスの CSV は UTF-8 なので、取込前に Shift_JIS に変換するツールを使っています。",
        ("ぴったりサービス", "CSV", "変換", "基幹系システム", "文字コード"),
    ),
    "virtual-browser-slow": Golden(
        ThreadStatus.SOLVED,
        "仮想ブラウザ（画面転送方式）が午後になるととても遅くなります。原因の調べ方を教えてください。",
        "うちでは仮想ブラウザの画質設定を「標準」から「低」に落としたらだいぶ改善しました。",
        ("仮想ブラウザ", "回線", "午後", "画面転送方式", "調べ方"),
    ),
    "edr-false-positive": Golden(
        ThreadStatus.SOLVED,
        "EDR が財務会計システムのクライアントをマルウェアとして検知して隔離してしまいました。業務が止まって困っています。",
        "EDR の管理コンソールで隔離を解除して、財務会計システムのクライアントの実行ファイルを除外リストに登録してください。",
        ("財務会計システム", "クライアント", "EDR", "隔離", "業務"),
    ),
    "self-solved-backup": Golden(
        ThreadStatus.SOLVED,
        "ファイルサーバーのバックアップが毎晩途中で失敗します。エラーログには「ボリュームシャドウコピーの作成に失敗」と出ています。",
        "シャドウコピーの保存領域が足りなかったので、保存領域の上限を増やしたら成功しました。",
        ("失敗", "ファイルサーバー", "ボリュームシャドウコピー", "バックアップ", "エラーログ"),
    ),
    "asker-only-followup": Golden(
        ThreadStatus.UNANSWERED,
        "庁内LAN の Wi-Fi が会議室だけ頻繁に切れます。",
        None,
        ("アクセスポイント", "庁内LAN", "Wi-Fi", "SSID", "会議室"),
    ),
    "deleted-answer": Golden(
        ThreadStatus.UNANSWERED,
        "LGWAN-ASP のウイルス対策パターンファイルの配信が止まっているようです。他の市町でも同じですか？",
        None,
        ("LGWAN-ASP", "ウイルス対策パターンファイル", "配信"),
    ),
    "deleted-question": None,
    "edited-answer": Golden(
        ThreadStatus.ANSWERED,
        "PowerShell で AD のユーザーのパスワード有効期限を一覧にしたいのですが、どのコマンドを使えばよいでしょうか？",
        "Get-ADUser -Filter * -Properties msDS-UserPasswordExpiryTimeComputed で有効期限を取得できます。",
        ("PowerShell", "パスワード有効期限", "ユーザー", "コマンド", "AD"),
    ),
    "standard-migration": Golden(
        ThreadStatus.ANSWERED,
        "【標準準拠システムへの移行スケジュール】標準準拠システムへの移行スケジュールについて、各市町の状況を共有しませんか。ベンダーからの移行計画の提示時期と、並行稼…",
        "移行計画が出ていないところは、ベンダーに「移行計画書」の提出期限を文書で求めると動いてくれることが多いです。",
        ("ベンダー", "移行計画", "並行稼働", "共同利用", "標準準拠システム"),
    ),
    "intune-enrollment": Golden(
        ThreadStatus.SOLVED,
        'Intune で iOS デバイスの enrollment が "Profile installation failed" で失敗します。',
        "ABM の MDM server token の有効期限が切れていないか確認してください。",
        (
            "enrollment",
            "Profile installation failed",
            "Apple Business Manager",
            "Intune",
            "デバイス",
        ),
    ),
    "still-error": Golden(
        ThreadStatus.ANSWERED,
        "住基ネットの端末で CS の画面が起動しなくなりました。",
        "住基ネットの CS は Java の更新で起動しなくなることがあります。",
        ("住基ネット", "CS", "起動", "J-LIS", "端末"),
    ),
    "last-word-wins": Golden(
        ThreadStatus.SOLVED,
        "Outlook で共有メールボックスが表示されません。",
        "それなら Outlook のプロファイルを作り直してみてください。",
        ("Outlook", "共有メールボックス", "プロファイル", "アクセス権", "再起動"),
    ),
    "asker-asks-back": Golden(
        ThreadStatus.ANSWERED,
        "職員のパスワードの定期変更をやめようと思っています。情報セキュリティポリシーの改定例はありますか？",
        "総務省の「地方公共団体における情報セキュリティポリシーに関するガイドライン」では、定期変更より多要素認証を推奨する書き方になっています。",
        ("定期変更", "情報セキュリティポリシー", "ガイドライン", "パスワード", "改定例"),
    ),
    "app-post-only": Golden(
        ThreadStatus.UNANSWERED,
        "IYO WORK の次回の日程はいつ決まりますか？",
        None,
        ("IYO WORK", "次回", "日程", "締切"),
    ),
    "juki-coordinator-button": Golden(
        ThreadStatus.SOLVED,
        "住基ネットの端末の更新時期が来ています。機器更新のときの J-LIS への届出は何が必要でしょうか？",
        "県からお知らせした通知の別紙 2 の様式で、機器の型番と設置場所を届け出てください。",
        ("住基ネット", "J-LIS", "更新時期", "機器更新", "届出"),
    ),
    "reopened-by-button": Golden(
        ThreadStatus.ANSWERED,
        "LGWAN メールで添付ファイルが届かないことがあります。サイズの上限はありますか？",
        "LGWAN メールは添付のサイズ上限を 10MB にしている団体が多いです。",
        ("LGWAN", "メール", "上限", "添付ファイル", "サイズ"),
    ),
    "teams-notifications": Golden(
        ThreadStatus.ANSWERED,
        "Teams のチャネルに投稿しても、メンバーに通知が届かないと言われます。",
        "チャネルの通知は既定では「オフ」なので、各自でチャネル名の「...」→「チャネルの通知」→「すべてのアクティビティ」にしてもらう必要があります。",
        ("チャネル", "通知", "Teams", "メンバー", "投稿"),
    ),
    "vpn-telework": Golden(
        ThreadStatus.ANSWERED,
        "テレワーク用の VPN に接続すると、庁内のファイルサーバーにつながりません。",
        "VPN の接続先のセグメントからファイルサーバーへの通信がファイアウォールで許可されているか確認してください。",
        ("ファイルサーバー", "VPN", "ファイアウォール", "テレワーク用", "接続"),
    ),
    "pattern-file": Golden(
        ThreadStatus.SOLVED,
        "LGWAN-ASP 経由でウイルス対策ソフトのパターンファイルを更新する設定を教えてください。",
        "ウイルス対策ソフトの管理サーバーで、更新元を LGWAN-ASP の配信サーバーの URL に変えてください。",
        ("LGWAN-ASP", "ウイルス対策ソフト", "パターンファイル", "更新", "URL"),
    ),
    "vba-runtime-error": Golden(
        ThreadStatus.SOLVED,
        "Excel VBA で「実行時エラー '1004': アプリケーション定義またはオブジェクト定義のエラーです」が出ます。",
        "別のブックを操作するときは、Range や Cells の前にブックとシートを明示してください。",
        ("ブック", "シート", "エラー", "Excel VBA", "アプリケーション定義"),
    ),
    "word-macro": Golden(
        ThreadStatus.UNANSWERED,
        "Word のマクロを有効にする方法を教えてください。差し込み印刷用のマクロです。",
        None,
        ("マクロ", "差し込み印刷用", "Word"),
    ),
    "three-layer-model": Golden(
        ThreadStatus.ANSWERED,
        "三層分離の見直しで α'モデルから β'モデルへの移行を検討しています。β'モデルにした団体の方、EDR 以外に追加した対策はありますか？",
        "今治市は β'モデルに移行しました。",
        ("β'モデル", "EDR", "移行", "α'モデル", "三層分離"),
    ),
    "password-policy": Golden(
        ThreadStatus.SOLVED,
        "パスワードの文字数の要件は何文字にしていますか？",
        "新居浜市は 12 文字以上にして、定期変更はやめました。",
        ("パスワード", "文字以上", "文字数", "要件", "定期変更"),
    ),
    "emoji-printer": Golden(
        ThreadStatus.SOLVED,
        "プリンタが急に止まりました😭エラーランプが点滅しています",
        "電源を一度切って、紙詰まりがないか全部のトレイを見てみてください👀",
        ("エラーランプ", "プリンタ", "点滅", "紙詰まり", "トレイ"),
    ),
    "root-marked-solved": Golden(
        ThreadStatus.SOLVED,
        "【解決済み】文書管理システムにログインできない件 ブラウザのキャッシュを消したらログインできました。",
        "キャッシュの削除で直ることが多いですね。",
        ("ログイン", "キャッシュ", "文書管理システム", "ブラウザ", "削除"),
    ),
    "weak-thanks": Golden(
        ThreadStatus.ANSWERED,
        "統合型GIS の地図が表示されないのですが、原因がわかる方はいますか？",
        "Edge の IE モードで開いてみてください。",
        ("統合型GIS", "地図", "表示", "ブラウザ", "互換性"),
    ),
    "question-with-context": Golden(
        ThreadStatus.UNANSWERED,
        "来年度からの端末管理について検討しています。資産管理ソフトと Intune を併用している団体はありますか？",
        None,
        ("資産管理ソフト", "Intune", "端末管理", "来年度", "検討"),
    ),
    "old-thread": Golden(
        ThreadStatus.SOLVED,
        "自治体DX の推進計画の策定で、外部の支援を受けた市町はありますか？",
        "県の自治体DX 推進のアドバイザー派遣事業を使えます。",
        ("自治体DX", "推進計画", "策定", "外部", "支援"),
    ),
}


# Keywords shared by threads of the last 30 days, how many threads each (most active first).
TRENDING = [("共同利用", 2), ("LGWAN", 2), ("Teams", 2), ("端末", 2), ("パスワード", 2)]


async def synopses(channel: Database) -> dict[str, object]:
    async with channel.transaction() as session:
        found = await analysed_threads(session, CHANNEL)
    return {t.thread.root_id.removesuffix("-0"): t.synopsis for t in found}


async def test_the_fixture_is_a_realistic_channel() -> None:
    """At least 30 threads, with every situation the issue names."""
    assert len(corpus.THREADS) >= 30
    tags = {tag for thread in corpus.THREADS for tag in thread.tags}
    assert {"negation", "edited", "deleted", "long", "english", "button", "self-solved"} <= tags
    assert max(len(t.posts) for t in corpus.THREADS) >= 40
    assert set(GOLDEN) == {t.id for t in corpus.THREADS}


async def test_every_thread_gets_its_status(channel: Database) -> None:
    found = await synopses(channel)
    got = {key: getattr(found.get(key), "status", None) for key in GOLDEN}
    want = {key: golden.status if golden else None for key, golden in GOLDEN.items()}
    assert got == want


async def test_every_question_in_one_line(channel: Database) -> None:
    found = await synopses(channel)
    got = {key: getattr(found.get(key), "question", None) for key in GOLDEN}
    want = {key: golden.question if golden else None for key, golden in GOLDEN.items()}
    assert got == want
    assert all(len(q) <= 80 and "\n" not in q for q in got.values() if q)


async def test_the_answer_sentence_chosen_for_each_thread(channel: Database) -> None:
    found = await synopses(channel)
    got = {key: getattr(found.get(key), "key_answer", None) for key in GOLDEN}
    want = {key: golden.key_answer if golden else None for key, golden in GOLDEN.items()}
    assert got == want


async def test_keywords_of_each_thread(channel: Database) -> None:
    found = await synopses(channel)
    got = {key: getattr(found.get(key), "keywords", None) for key in GOLDEN}
    want = {key: golden.keywords if golden else None for key, golden in GOLDEN.items()}
    assert got == want


async def test_people_their_municipalities_and_reply_counts(channel: Database) -> None:
    found = await synopses(channel)
    wu = found["wu-lgwan"]
    assert (wu.asker_name, wu.asker_municipality) == ("二宮 聡", "uwajima")
    assert wu.participants == ("二宮 聡", "高橋 誠")
    assert [(a.name, a.municipality, a.helpful) for a in wu.answerers] == [
        ("高橋 誠", "imabari", True)
    ]
    assert wu.reply_count == 3
    # Never registered: no municipality, still a person.
    assert found["intune-enrollment"].asker_municipality is None
    # The bot's own post is a reply, but nobody answered.
    app = found["app-post-only"]
    assert (app.reply_count, app.participants, app.answerers) == (1, ("井上 拓也",), ())
    long = found["standard-migration"]
    assert long.reply_count == 40 and len(long.participants) == 12


async def test_deleted_and_edited_messages_are_read_as_they_are_now(channel: Database) -> None:
    found = await synopses(channel)
    # The only answer was deleted: nobody has answered.
    assert found["deleted-answer"].reply_count == 0
    assert found["deleted-answer"].answerers == ()
    # The answer as edited, not as first written.
    assert found["edited-answer"].answer_sentences == (
        "Get-ADUser -Filter * -Properties msDS-UserPasswordExpiryTimeComputed で有効期限を取得できます。",
        "日時への変換は [datetime]::FromFileTime を使ってください。",
    )
    # A deleted question is not listed at all.
    assert "deleted-question" not in found


async def test_links_go_to_the_thread_in_teams(channel: Database) -> None:
    found = await synopses(channel)
    assert found["wu-lgwan"].web_url == (
        "https://teams.microsoft.com/l/message/19%3Aehime-it-staff%40thread.tacv2/wu-lgwan-0"
        f"?groupId={corpus.TEAM}&parentMessageId=wu-lgwan-0"
    )


async def test_the_weeks_summary_lists_the_most_active_threads_first(channel: Database) -> None:
    async with channel.transaction() as session:
        week = await summarise_channel(session, CHANNEL, since=NOW - timedelta(days=7), until=NOW)
    assert [s.root_id.removesuffix("-0") for s in week] == [
        "standard-migration",
        "teams-recording",
        "wu-lgwan",
        "pdf-sanitise",
        "emoji-printer",
        "mfa-staff",
        "excel-macro-blocked",
        "teams-notifications",
        "app-post-only",
        "asker-only-followup",
        "deleted-answer",
        "edited-answer",
        # Older questions marked 解決済み (or open again) with the button an hour ago.
        "juki-coordinator-button",
        "pittari-import",
        "reopened-by-button",
        "question-with-context",
        "word-macro",
        "govcloud-network-cost",
    ]


async def test_a_month_summary_takes_threads_started_before_but_active_in_it(
    channel: Database,
) -> None:
    """old-thread was asked 40 days ago; its last reply came ~38.6 days ago."""
    async with channel.transaction() as session:
        since = NOW - timedelta(days=39)
        listed = await summarise_channel(
            session, CHANNEL, since=since, until=since + timedelta(days=1)
        )
        before = await summarise_channel(
            session, CHANNEL, since=NOW - timedelta(days=60), until=NOW - timedelta(days=41)
        )
    assert [s.root_id for s in listed] == ["old-thread-0"]
    assert before == []


async def test_trending_keywords_of_the_month(channel: Database) -> None:
    async with channel.transaction() as session:
        trending = await trending_keywords(
            session, CHANNEL, since=NOW - timedelta(days=30), until=NOW, limit=5
        )
    assert trending == TRENDING


@pytest.mark.parametrize(
    ("query", "ranking"),
    [
        # Solved threads with answers first, then the unanswered one about the same thing.
        ("マクロ", ["excel-macro-blocked", "vba-runtime-error", "word-macro"]),
        ("Windows Update", ["wu-lgwan"]),
        # Katakana finds the Latin name.
        ("エクセル", ["vba-runtime-error", "excel-macro-blocked", "word-macro"]),
        # A word inside compounds (LGWAN-ASP, LGWAN接続系) finds them.
        (
            "LGWAN",
            ["pattern-file", "wu-lgwan", "reopened-by-button", "pdf-sanitise", "deleted-answer"],
        ),
        ("多要素認証", ["mfa-staff", "asker-asks-back"]),
        ("共有メールボックス", ["last-word-wins"]),
        ("存在しない言葉ぴよぴよ", []),
        # Typed full-width (as an IME types them): read as the messages are, NFKC first.
        ("０ｘ８００７０００５", ["wu-lgwan"]),
        ("0x80070005", ["wu-lgwan"]),
        ("ＷＩＮＤＯＷＳ　ＵＰＤＡＴＥ", ["wu-lgwan"]),
        ("Ｅｘｃｅｌ", ["vba-runtime-error", "excel-macro-blocked", "word-macro"]),
        ("ｴｸｾﾙ", ["vba-runtime-error", "excel-macro-blocked", "word-macro"]),
    ],
)
async def test_search_ranking(channel: Database, query: str, ranking: list[str]) -> None:
    async with channel.transaction() as session:
        analyses = [t.analysis for t in await analysed_threads(session, CHANNEL)]
    hits = search_threads(analyses, query)
    assert [h.synopsis.root_id.removesuffix("-0") for h in hits] == ranking


async def test_a_search_hit_shows_the_sentence_that_matched(channel: Database) -> None:
    async with channel.transaction() as session:
        analyses = [t.analysis for t in await analysed_threads(session, CHANNEL)]
    [hit] = search_threads(analyses, "Windows Update")
    assert hit.snippet == "LGWAN接続系の端末で Windows Update が 0x80070005 で失敗します。"
    [hit, *_] = search_threads(analyses, "プロパティ")
    assert hit.snippet.startswith("ファイルを保存してから右クリック→プロパティ")


@pytest.mark.parametrize(
    ("query", "people"),
    [
        ("マクロ", [("越智 由紀", "saijo")]),
        ("Windows Update", [("高橋 誠", "imabari")]),
        ("０ｘ８００７０００５", [("高橋 誠", "imabari")]),
        ("多要素認証", [("兵頭 大輔", "niihama"), ("村上 美穂", "matsuyama")]),
        (
            "ネットワーク",
            [("高橋 誠", "imabari"), ("河野 千尋", "ehime"), ("兵頭 大輔", "niihama")],
        ),
    ],
)
async def test_who_to_ask(channel: Database, query: str, people: list[tuple[str, str]]) -> None:
    async with channel.transaction() as session:
        analyses = [t.analysis for t in await analysed_threads(session, CHANNEL)]
    suggestions = who_to_ask(analyses, query)
    assert [(s.name, s.municipality) for s in suggestions] == people


async def test_who_to_ask_leaves_out_the_person_asking(channel: Database) -> None:
    async with channel.transaction() as session:
        analyses = [t.analysis for t in await analysed_threads(session, CHANNEL)]
    suggestions = who_to_ask(analyses, "マクロ", exclude=corpus.PEOPLE["ochi"].key)
    assert suggestions == []


@pytest.mark.parametrize(
    ("open_question", "solved"),
    [
        ("word-macro", "excel-macro-blocked"),
        ("deleted-answer", "pattern-file"),  # both about LGWAN-ASP pattern files
        ("still-error", "juki-coordinator-button"),  # both about 住基ネット terminals
        ("govcloud-network-cost", None),  # nothing alike was solved
        ("question-with-context", None),
    ],
)
async def test_the_most_similar_solved_thread(
    channel: Database, open_question: str, solved: str | None
) -> None:
    async with channel.transaction() as session:
        found = await similar_solved(session, CHANNEL, f"{open_question}-0")
    assert (found.root_id.removesuffix("-0") if found else None) == solved
    if found is not None:
        assert found.status is ThreadStatus.SOLVED


async def test_the_digest_reads_the_channel_once_and_gets_the_same_answers(
    channel: Database,
) -> None:
    """The weekly digest reads the channel once and asks it for the week, the weeks before, the
    keywords and a solved thread like each open question: what one call each says."""
    week, before = (
        (NOW - timedelta(days=7), NOW),
        (NOW - timedelta(days=39), NOW - timedelta(days=38)),
    )
    open_questions = ["word-macro", "deleted-answer", "still-error", "govcloud-network-cost"]
    async with channel.transaction() as session:
        read_once = await channel_threads(session, CHANNEL)
        this_week = await summarise_channel(session, CHANNEL, since=week[0], until=week[1])
        that_day = await summarise_channel(session, CHANNEL, since=before[0], until=before[1])
    assert read_once.summarise(since=week[0], until=week[1]) == this_week
    assert read_once.summarise(since=before[0], until=before[1]) == that_day
    assert [s.root_id for s in that_day] == ["old-thread-0"]
    month = read_once.trending_keywords(since=NOW - timedelta(days=30), until=NOW, limit=5)
    assert month == TRENDING
    similar = read_once.similar_solved([f"{question}-0" for question in open_questions])
    assert {
        root_id.removesuffix("-0"): found.root_id.removesuffix("-0") if found else None
        for root_id, found in similar.items()
    } == {
        "word-macro": "excel-macro-blocked",
        "deleted-answer": "pattern-file",
        "still-error": "juki-coordinator-button",
        "govcloud-network-cost": None,
    }


async def test_the_button_changes_the_status_at_once_even_within_the_same_second(
    channel: Database,
) -> None:
    """Marked solved, then open again at the same moment: the cached channel is read anew."""
    from dialogs.summaries.store import set_resolution

    async with channel.transaction() as session:
        before = await analysed_threads(session, CHANNEL)  # the whole channel, cached
        assert {t.thread.root_id: t.synopsis.status for t in before}[
            "word-macro-0"
        ] is ThreadStatus.UNANSWERED
        for resolved in (True, False, True):
            await set_resolution(
                session, CHANNEL, "word-macro-0", resolved=resolved, by_key="k", by_name="n",
                now=NOW,
            )  # fmt: skip
            after = await analysed_threads(session, CHANNEL)
            status = {t.thread.root_id: t.synopsis.status for t in after}["word-macro-0"]
            assert status is (ThreadStatus.SOLVED if resolved else ThreadStatus.UNANSWERED)


@pytest.mark.parametrize("locale", ["ja", "en"])
async def test_the_help_examples_find_threads_and_people(channel: Database, locale: Locale) -> None:
    """The help card's 検索 and 誰に聞く examples (and the usage hints) find something in a
    Japanese channel, in English too: `search macro` found nothing (no thread says macro)."""
    catalog = default_catalog()
    async with channel.transaction() as session:
        analyses = [t.analysis for t in await analysed_threads(session, CHANNEL)]
    search = catalog.text(locale, "commands.search.example")
    who = catalog.text(locale, "commands.who.example")
    assert search in catalog.text(locale, "summaries.search.usage")
    assert who in catalog.text(locale, "summaries.who.usage")
    assert search_threads(analyses, search.split(maxsplit=1)[1])
    assert who_to_ask(analyses, who.split(maxsplit=1)[1])
