# ruff: noqa: E501  (the threads are data: one message a line)
"""A realistic channel for the golden tests: 34 threads of Ehime's municipal IT staff asking and
answering one another — questions, answers, thanks, unresolved ones, negations, edits,
deletions, a very long thread, English-mixed terms, an app's post, button verdicts.

Every name is invented. `load(session)` stores the channel as the thread sync would (Graph
versions, so reactions are kept) plus who is from where (参加登録) and the button's flags.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.summaries.store import set_resolution
from dialogs.threads.store import MessageVersion, upsert_messages
from storage.models import Person
from storage.repositories.people import upsert_person

NOW = datetime(2026, 12, 10, 1, 0, tzinfo=UTC)  # Thursday 10 December 2026, 10:00 in Tokyo
TEAM = "0a1b2c3d-aaaa-4bbb-8ccc-00000000e41e"
CHANNEL = "19:ehime-it-staff@thread.tacv2"


@dataclass(frozen=True)
class Member:
    key: str
    name: str
    municipality: str | None  # the 参加登録 code; None: never registered


PEOPLE = {
    "takahashi": Member("aad-takahashi", "高橋 誠", "imabari"),  # network, LGWAN
    "murakami": Member("aad-murakami", "村上 美穂", "matsuyama"),  # Microsoft 365, Teams
    "watanabe": Member("aad-watanabe", "渡部 健", "kumakogen"),  # 一人情シス
    "ninomiya": Member("aad-ninomiya", "二宮 聡", "uwajima"),
    "ochi": Member("aad-ochi", "越智 由紀", "saijo"),  # Excel, VBA
    "kikuchi": Member("aad-kikuchi", "菊池 亮", "kamijima"),  # 一人情シス
    "miyauchi": Member("aad-miyauchi", "宮内 直子", "yawatahama"),
    "hyodo": Member("aad-hyodo", "兵頭 大輔", "niihama"),  # security, EDR
    "yamauchi": Member("aad-yamauchi", "山内 恵", "ikata"),
    "inoue": Member("aad-inoue", "井上 拓也", "ozu"),
    "kono": Member("aad-kono", "河野 千尋", "ehime"),  # the coordinator at the prefecture
    "shimizu": Member("aad-shimizu", "清水 翔", "kihoku"),
    "okada": Member("aad-okada", "岡田 陽子", None),  # never registered
}
APP = Member("", "IYO WORK", None)  # the bot's own post: no Entra id


@dataclass(frozen=True)
class Post:
    who: str  # a PEOPLE key, or "app"
    text: str
    minutes: int = 0  # after the thread started
    reactions: int = 0
    reply_to: int | None = None  # index of the post answered (quote reply)
    edited: str | None = None  # the words after an edit (an hour later)
    deleted: bool = False


@dataclass(frozen=True)
class Thread:
    id: str
    days_ago: float
    posts: tuple[Post, ...]
    subject: str | None = None
    # The button: (resolved, who pressed it)
    button: tuple[bool, str] | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def root_id(self) -> str:
        return f"{self.id}-0"


def P(who: str, text: str, minutes: int = 0, **more: object) -> Post:
    return Post(who, text, minutes, **more)  # type: ignore[arg-type]


THREADS: tuple[Thread, ...] = (
    Thread(
        "wu-lgwan",
        2,
        (
            P(
                "ninomiya",
                "お疲れ様です。宇和島市の二宮です。\nLGWAN接続系の端末で Windows Update が 0x80070005 で失敗します。WSUS から配信しているのですが、一部の端末だけです。同じような事例をご存じの方はいらっしゃいますか？",
            ),
            P(
                "takahashi",
                "今治市の高橋です。うちでも先月同じエラーが出ました。\n0x80070005 はアクセス拒否なので、SoftwareDistribution フォルダの権限が壊れていることが多いです。\n管理者権限のコマンドプロンプトで wuauserv を止めて、SoftwareDistribution フォルダの名前を変えてから再起動すると直りました。",
                35,
                reactions=3,
            ),
            P("ninomiya", "ありがとうございます！試してみます。", 50),
            P(
                "ninomiya",
                "教えていただいた手順で SoftwareDistribution を作り直したら、無事に Windows Update が通りました。解決しました！ありがとうございました。",
                1440,
                reply_to=1,
            ),
        ),
        tags=("solved", "windows-update"),
    ),
    Thread(
        "excel-macro-blocked",
        5,
        (
            P(
                "kikuchi",
                "上島町の菊池です。メールで届いたExcelファイルを開くと「このファイルのソースが信頼できないため、Microsoft によりマクロの実行がブロックされました」と表示されてマクロが動きません。業者さんから毎月届く集計ファイルなのですが、どうすれば実行できるでしょうか？",
            ),
            P(
                "ochi",
                "西条市の越智です。インターネットから来たファイルに付く「Web のマーク」が原因です。\nファイルを保存してから右クリック→プロパティ→「許可する」にチェックを入れてOKすると、マクロを有効にできます。\n毎月届くなら、保存先のフォルダを「信頼できる場所」に登録しておくのもおすすめです。",
                20,
                reactions=4,
            ),
            P(
                "kikuchi",
                "プロパティの「許可する」でできました！信頼できる場所の登録もやってみます。助かりました。",
                65,
                reply_to=1,
            ),
        ),
        tags=("solved", "macro"),
    ),
    Thread(
        "teams-recording",
        1,
        (
            P(
                "miyauchi",
                "八幡浜市の宮内です。Teams 会議のレコーディングを開始しても、会議後に録画ファイルが見つかりません。どこに保存されるのでしょうか？",
            ),
            P(
                "murakami",
                "松山市の村上です。今はチャネル会議ならチャネルの SharePoint、それ以外の会議は開催者の OneDrive の「Recordings」フォルダに保存されます。",
                15,
                reactions=2,
            ),
            P(
                "murakami",
                "ゲストや外部の方が開催した会議だと保存されないことがあるので、開催者がどなたか確認してみてください。",
                17,
            ),
            P("miyauchi", "ありがとうございます、開催者の OneDrive を確認してみます。", 40),
        ),
        tags=("answered",),
    ),
    Thread(
        "mfa-staff",
        3,
        (
            P(
                "watanabe",
                "久万高原町の渡部です。職員の Microsoft 365 アカウントに多要素認証を入れようとしています。スマホを持っていない職員もいるのですが、皆さんどうされていますか？",
            ),
            P(
                "hyodo",
                "新居浜市の兵頭です。うちはスマホのない職員にはハードウェアトークン（FIDO2 のセキュリティキー）を配りました。Entra ID の認証方法ポリシーで FIDO2 を有効にすれば使えます。",
                120,
                reactions=2,
            ),
            P(
                "murakami",
                "松山市は庁舎内からのアクセスは条件付きアクセスで多要素認証を求めない設定にしています。庁外からだけ多要素認証です。",
                180,
                reactions=1,
            ),
        ),
        tags=("answered", "mfa"),
    ),
    Thread(
        "govcloud-network-cost",
        4,
        (
            P(
                "yamauchi",
                "伊方町の山内です。ガバメントクラウドへの接続回線の費用について、各市町でどのくらい見込んでいるか教えていただけないでしょうか。小規模な町なので、共同利用の方法があれば知りたいです。",
            ),
        ),
        subject="ガバメントクラウド接続回線の費用",
        tags=("unanswered",),
    ),
    Thread(
        "pdf-sanitise",
        6,
        (
            P(
                "inoue",
                "大洲市の井上です。ファイル無害化を通した PDF が、LGWAN 側で開くと真っ白になってしまいます。何か設定が必要でしょうか？",
            ),
            P(
                "takahashi",
                "無害化の方式が「画像化」になっていると、フォントを埋め込んでいない PDF は白くなることがあります。無害化製品の設定で「テキスト抽出」か「PDF 再構成」に変えてみてください。",
                60,
                reactions=1,
            ),
            P(
                "inoue",
                "設定を「PDF 再構成」に変えたら表示されるようになりました。解決しました、ありがとうございます。",
                200,
            ),
            P(
                "inoue",
                "すみません、解決したと思ったのですが、別の端末ではまだ真っ白のままです。",
                1500,
            ),
        ),
        tags=("answered", "negation"),
    ),
    Thread(
        "printer-driver",
        8,
        (
            P(
                "shimizu",
                "鬼北町の清水です。Windows 11 の端末から共有プリンタに印刷できなくなりました。「ドライバーをインストールできません」と出ます。",
            ),
            P(
                "hyodo",
                "印刷スプーラーの脆弱性対策で、管理者権限のない利用者はドライバーを入れられなくなっています。管理者がドライバーを先に入れておくか、グループポリシーの「Point and Print の制限」を確認してください。",
                90,
            ),
            P(
                "shimizu",
                "グループポリシーを確認しましたが、まだ解決していません。ドライバーのバージョンを調べてみます。",
                300,
            ),
        ),
        tags=("answered", "negation"),
    ),
    Thread(
        "pittari-import",
        9,
        (
            P(
                "miyauchi",
                "ぴったりサービスから電子申請のデータを取り込むとき、CSV の文字コードが合わず文字化けします。基幹系システムに取り込む前に、何か変換をしていますか？",
            ),
            P(
                "ninomiya",
                "宇和島市では、ぴったりサービスの CSV は UTF-8 なので、取込前に Shift_JIS に変換するツールを使っています。",
                100,
                reactions=1,
            ),
            P("miyauchi", "なるほど、変換ツールを入れて取り込めました。", 400),
        ),
        button=(True, "miyauchi"),
        tags=("solved", "button"),
    ),
    Thread(
        "virtual-browser-slow",
        10,
        (
            P(
                "watanabe",
                "仮想ブラウザ（画面転送方式）が午後になるととても遅くなります。原因の調べ方を教えてください。",
            ),
            P(
                "takahashi",
                "画面転送は回線の帯域をかなり使います。午後の遅さはインターネット系の回線が混んでいることが多いので、まずセキュリティクラウドまでの回線の使用率を見てみてください。",
                30,
                reactions=2,
            ),
            P(
                "hyodo",
                "うちでは仮想ブラウザの画質設定を「標準」から「低」に落としたらだいぶ改善しました。",
                45,
                reactions=1,
            ),
            P(
                "watanabe",
                "画質を「低」にしたら直りました。回線の使用率も見てみます。ありがとうございました。",
                240,
                reply_to=2,
            ),
        ),
        tags=("solved",),
    ),
    Thread(
        "edr-false-positive",
        12,
        (
            P(
                "kikuchi",
                "EDR が財務会計システムのクライアントをマルウェアとして検知して隔離してしまいました。業務が止まって困っています。どう対応すればよいでしょうか？",
            ),
            P(
                "hyodo",
                "誤検知だと思われます。EDR の管理コンソールで隔離を解除して、財務会計システムのクライアントの実行ファイルを除外リストに登録してください。念のためベンダーにハッシュ値を確認してもらうと安心です。",
                25,
                reactions=3,
            ),
            P("kikuchi", "除外リストに登録して業務を再開できました。ありがとうございました。", 90),
        ),
        tags=("solved", "security"),
    ),
    Thread(
        "self-solved-backup",
        13,
        (
            P(
                "inoue",
                "ファイルサーバーのバックアップが毎晩途中で失敗します。エラーログには「ボリュームシャドウコピーの作成に失敗」と出ています。",
            ),
            P(
                "inoue",
                "自己解決しました。シャドウコピーの保存領域が足りなかったので、保存領域の上限を増やしたら成功しました。",
                600,
            ),
        ),
        tags=("solved", "self-solved"),
    ),
    Thread(
        "asker-only-followup",
        2.5,
        (
            P(
                "kikuchi",
                "上島町の菊池です。庁内LAN の Wi-Fi が会議室だけ頻繁に切れます。アクセスポイントは 3 台です。似たような経験のある方いらっしゃいますか？",
            ),
            P(
                "kikuchi",
                "追記です。切れるのは職員用の SSID だけで、来庁者用の SSID は安定しています。",
                60,
            ),
        ),
        tags=("unanswered",),
    ),
    Thread(
        "deleted-answer",
        3.5,
        (
            P(
                "yamauchi",
                "LGWAN-ASP のウイルス対策パターンファイルの配信が止まっているようです。他の市町でも同じですか？",
            ),
            P("ninomiya", "うちも止まっています。", 30, deleted=True),
        ),
        tags=("unanswered", "deleted"),
    ),
    Thread(
        "deleted-question",
        4.5,
        (
            P("shimizu", "すみません、間違えて投稿しました。", deleted=True),
            P("murakami", "了解です。", 10),
        ),
        tags=("excluded",),
    ),
    Thread(
        "edited-answer",
        6.5,
        (
            P(
                "miyauchi",
                "PowerShell で AD のユーザーのパスワード有効期限を一覧にしたいのですが、どのコマンドを使えばよいでしょうか？",
            ),
            P(
                "ochi",
                "Get-ADUser で PasswordLastSet を取れます。",
                30,
                edited="Get-ADUser -Filter * -Properties msDS-UserPasswordExpiryTimeComputed で有効期限を取得できます。日時への変換は [datetime]::FromFileTime を使ってください。",
            ),
        ),
        tags=("answered", "edited"),
    ),
    Thread(
        "standard-migration",
        7,
        (
            P(
                "kono",
                "愛媛県の河野です。標準準拠システムへの移行スケジュールについて、各市町の状況を共有しませんか。ベンダーからの移行計画の提示時期と、並行稼働の期間を教えてください。",
            ),
            P(
                "ninomiya",
                "宇和島市は住民記録システムから先行で、並行稼働は 2 か月の予定です。",
                60,
            ),
            P(
                "takahashi",
                "今治市は一括移行で、並行稼働はなしです。データ移行のリハーサルを 3 回やる計画です。",
                90,
            ),
            P("watanabe", "久万高原町はまだベンダーから移行計画が出ていません。", 120),
            P("murakami", "松山市は税と福祉を分けて 2 段階で移行します。", 150),
            P("hyodo", "新居浜市も 2 段階です。並行稼働は 1 か月です。", 160),
            P(
                "kikuchi",
                "上島町は共同利用の枠組みで移行するので、スケジュールは共同利用の協議会次第です。",
                200,
            ),
            P("yamauchi", "伊方町もまだ移行計画は出ていません。", 210),
            P("inoue", "大洲市は 1 月にベンダーから計画が出る予定です。", 230),
            P("ochi", "西条市は住民記録、税、福祉の順で、それぞれ並行稼働 1 か月です。", 250),
            P("miyauchi", "八幡浜市はベンダーの都合で移行が遅れそうです。", 260),
            P("shimizu", "鬼北町は近隣町と共同で移行します。", 300),
            P("kono", "ありがとうございます。移行計画がまだの市町が多いですね。", 320),
            P(
                "ninomiya",
                "移行計画が出ていないところは、ベンダーに「移行計画書」の提出期限を文書で求めると動いてくれることが多いです。うちはそれで 2 週間で出てきました。",
                400,
                reactions=6,
            ),
            P("watanabe", "それは参考になります。やってみます。", 420),
            P("yamauchi", "伊方町もベンダーに文書で求めてみます。", 430),
            P(
                "takahashi",
                "データ移行のリハーサルでは、文字コードの外字の扱いで必ず問題が出るので、外字の一覧を早めにベンダーに渡しておくとよいです。",
                500,
                reactions=4,
            ),
            P("murakami", "外字は松山市でも一番苦労しました。同意です。", 520),
            P("kono", "並行稼働の期間は 0〜2 か月と幅がありますね。県でまとめて共有します。", 600),
            P("inoue", "まとめていただけると助かります。", 620),
            P("ochi", "西条市で使った移行判定のチェックリストを共有できます。", 700, reactions=3),
            P("kono", "ぜひお願いします。", 710),
            P(
                "ochi",
                "チェックリストをファイルタブに置きました。[移行判定チェックリスト.xlsx]",
                800,
            ),
            P("kikuchi", "ありがとうございます。使わせていただきます。", 820),
            P(
                "miyauchi",
                "移行後の帳票の確認は誰がやっていますか？うちは原課に任せる予定です。",
                900,
            ),
            P("ninomiya", "帳票の確認は原課と情報政策課で半分ずつです。", 950),
            P("takahashi", "今治市は帳票の確認を原課にお願いしています。", 960),
            P(
                "kono",
                "いろいろな進め方があって参考になります。引き続き情報共有をお願いします。",
                1000,
            ),
            P("hyodo", "ガバメントクラウドの接続は移行と同時ですか？", 1100),
            P(
                "kono",
                "接続の時期は市町によって違います。次回の IYO WORK で議題にしましょう。",
                1150,
            ),
            P("watanabe", "ぜひ議題にしてください。", 1160),
            P("yamauchi", "お願いします。", 1170),
            P("shimizu", "賛成です。", 1180),
            P("inoue", "よろしくお願いします。", 1190),
            P("miyauchi", "楽しみにしています。", 1200),
            P("ochi", "資料を準備しておきます。", 1210),
            P("murakami", "松山市の事例も紹介できます。", 1220),
            P("takahashi", "今治市も準備します。", 1230),
            P("kikuchi", "上島町の共同利用の件も話せます。", 1240),
            P("ninomiya", "移行計画書のひな形があれば共有します。", 1250, reactions=2),
            P("kono", "皆さんありがとうございます。", 1260),
        ),
        subject="標準準拠システムへの移行スケジュール",
        tags=("answered", "long"),
    ),
    Thread(
        "intune-enrollment",
        11,
        (
            P(
                "okada",
                'Intune で iOS デバイスの enrollment が "Profile installation failed" で失敗します。Apple Business Manager の ADE を使っています。',
            ),
            P(
                "murakami",
                "ABM の MDM server token の有効期限が切れていないか確認してください。Intune admin center の Tenant administration > Connectors and tokens で確認できます。期限切れだと同じエラーになります。",
                40,
                reactions=2,
            ),
            P(
                "okada",
                "Token の期限が切れていました。更新したら enrollment できました！Thanks!",
                180,
            ),
        ),
        tags=("solved", "english"),
    ),
    Thread(
        "still-error",
        14,
        (
            P(
                "shimizu",
                "住基ネットの端末で CS の画面が起動しなくなりました。再起動しても同じです。",
            ),
            P(
                "takahashi",
                "住基ネットの CS は Java の更新で起動しなくなることがあります。J-LIS のサポートに連絡すると手順を教えてもらえます。",
                50,
            ),
            P(
                "shimizu",
                "ありがとうございます。ただ、J-LIS の手順どおりにやってもまだエラーが出ます。",
                500,
            ),
        ),
        tags=("answered", "negation"),
    ),
    Thread(
        "last-word-wins",
        15,
        (
            P(
                "watanabe",
                "Outlook で共有メールボックスが表示されません。フルアクセス権は付けてあります。",
            ),
            P(
                "murakami",
                "権限を付けてから反映まで最大 60 分かかります。反映後に Outlook を再起動してください。新しい Outlook ならアカウントの追加から共有メールボックスを追加できます。",
                20,
                reactions=1,
            ),
            P("watanabe", "1 時間待って再起動しましたが、うまくいきませんでした。", 120),
            P(
                "murakami",
                "それなら Outlook のプロファイルを作り直してみてください。自動マッピングが効かないことがあります。",
                140,
            ),
            P(
                "watanabe",
                "プロファイルを作り直したらうまくいきました！ありがとうございます。",
                300,
            ),
        ),
        tags=("solved", "negation"),
    ),
    Thread(
        "asker-asks-back",
        16,
        (
            P(
                "yamauchi",
                "職員のパスワードの定期変更をやめようと思っています。情報セキュリティポリシーの改定例はありますか？",
            ),
            P(
                "hyodo",
                "総務省の「地方公共団体における情報セキュリティポリシーに関するガイドライン」では、定期変更より多要素認証を推奨する書き方になっています。新居浜市はガイドラインに合わせて定期変更を廃止しました。",
                80,
                reactions=2,
            ),
            P("yamauchi", "ガイドラインの該当箇所を読めば解決しますか？", 100),
        ),
        tags=("answered", "question-form"),
    ),
    Thread(
        "app-post-only",
        1.5,
        (
            P("inoue", "IYO WORK の次回の日程はいつ決まりますか？"),
            P(
                "app",
                "日程調整「12月 IYO WORK」の回答を受け付けています。締切は 12/15 17:00 です。",
                5,
            ),
        ),
        tags=("unanswered", "app"),
    ),
    Thread(
        "juki-coordinator-button",
        17,
        (
            P(
                "ninomiya",
                "住基ネットの端末の更新時期が来ています。機器更新のときの J-LIS への届出は何が必要でしょうか？",
            ),
            P(
                "kono",
                "県からお知らせした通知の別紙 2 の様式で、機器の型番と設置場所を届け出てください。",
                60,
            ),
        ),
        button=(True, "kono"),
        tags=("solved", "button"),
    ),
    Thread(
        "reopened-by-button",
        18,
        (
            P(
                "miyauchi",
                "LGWAN メールで添付ファイルが届かないことがあります。サイズの上限はありますか？",
            ),
            P(
                "takahashi",
                "LGWAN メールは添付のサイズ上限を 10MB にしている団体が多いです。送信側の上限も確認してください。",
                30,
            ),
            P("miyauchi", "ありがとうございました。", 60),
        ),
        button=(False, "kono"),
        tags=("answered", "button"),
    ),
    Thread(
        "teams-notifications",
        0.5,
        (
            P("inoue", "Teams のチャネルに投稿しても、メンバーに通知が届かないと言われます。"),
            P(
                "murakami",
                "チャネルの通知は既定では「オフ」なので、各自でチャネル名の「…」→「チャネルの通知」→「すべてのアクティビティ」にしてもらう必要があります。全員に知らせたいときは @チャネル名 でメンションするのが確実です。",
                10,
                reactions=5,
            ),
        ),
        tags=("answered",),
    ),
    Thread(
        "vpn-telework",
        19,
        (
            P(
                "shimizu",
                "テレワーク用の VPN に接続すると、庁内のファイルサーバーにつながりません。",
            ),
            P(
                "takahashi",
                "VPN の接続先のセグメントからファイルサーバーへの通信がファイアウォールで許可されているか確認してください。",
                60,
            ),
            P(
                "shimizu",
                "ファイアウォールは許可されていました。解決しなかったので業者に問い合わせます。",
                200,
            ),
        ),
        tags=("answered", "negation"),
    ),
    Thread(
        "pattern-file",
        20,
        (
            P(
                "yamauchi",
                "LGWAN-ASP 経由でウイルス対策ソフトのパターンファイルを更新する設定を教えてください。",
            ),
            P(
                "hyodo",
                "ウイルス対策ソフトの管理サーバーで、更新元を LGWAN-ASP の配信サーバーの URL に変えてください。プロキシの除外設定も必要です。",
                40,
                reactions=1,
            ),
            P("yamauchi", "更新元の URL を変えたら更新できました。助かりました。", 120),
        ),
        tags=("solved",),
    ),
    Thread(
        "vba-runtime-error",
        21,
        (
            P(
                "watanabe",
                "Excel VBA で「実行時エラー '1004': アプリケーション定義またはオブジェクト定義のエラーです」が出ます。マクロで別のブックのシートをコピーしているところです。",
            ),
            P(
                "ochi",
                '別のブックを操作するときは、Range や Cells の前にブックとシートを明示してください。\n```vba\nWorkbooks("集計.xlsx").Worksheets("Sheet1").Range("A1").Copy\n```\nActiveSheet に頼ると、別のブックがアクティブなときに 1004 になります。',
                30,
                reactions=3,
            ),
            P(
                "watanabe",
                "ブックとシートを明示したらエラーが出なくなりました。ありがとうございました！",
                90,
            ),
        ),
        tags=("solved", "macro"),
    ),
    Thread(
        "word-macro",
        1.2,
        (
            P(
                "kikuchi",
                "Word のマクロを有効にする方法を教えてください。差し込み印刷用のマクロです。",
            ),
        ),
        tags=("unanswered", "macro"),
    ),
    Thread(
        "three-layer-model",
        22,
        (
            P(
                "inoue",
                "三層分離の見直しで α'モデルから β'モデルへの移行を検討しています。β'モデルにした団体の方、EDR 以外に追加した対策はありますか？",
            ),
            P(
                "takahashi",
                "今治市は β'モデルに移行しました。EDR のほかに、端末のログ監視と、インターネット系に置く業務端末の USB 制御を入れました。",
                120,
                reactions=2,
            ),
            P(
                "hyodo",
                "新居浜市は検討中ですが、情報セキュリティポリシーの改定と職員研修が一番時間がかかると聞いています。",
                200,
                reactions=1,
            ),
        ),
        tags=("answered",),
    ),
    Thread(
        "password-policy",
        23,
        (
            P("miyauchi", "パスワードの文字数の要件は何文字にしていますか？"),
            P("hyodo", "新居浜市は 12 文字以上にして、定期変更はやめました。", 30, reactions=1),
            P("murakami", "松山市は 10 文字以上です。", 40),
            P("miyauchi", "なるほど、参考になりました。ありがとうございました。", 90),
        ),
        tags=("solved",),
    ),
    Thread(
        "emoji-printer",
        0.8,
        (
            P(
                "yamauchi",
                "プリンタが急に止まりました😭 誰か助けてください🙏 エラーランプが点滅しています",
            ),
            P("kikuchi", "電源を一度切って、紙詰まりがないか全部のトレイを見てみてください👀", 5),
            P("yamauchi", "奥に紙が詰まってました！復旧しました🎉", 20),
        ),
        tags=("solved", "emoji"),
    ),
    Thread(
        "root-marked-solved",
        24,
        (
            P(
                "ninomiya",
                "【解決済み】文書管理システムにログインできない件",
                edited="【解決済み】文書管理システムにログインできない件\nブラウザのキャッシュを消したらログインできました。",
            ),
            P("ochi", "キャッシュの削除で直ることが多いですね。", 60),
        ),
        tags=("solved", "edited"),
    ),
    Thread(
        "weak-thanks",
        25,
        (
            P("kikuchi", "統合型GIS の地図が表示されないのですが、原因がわかる方はいますか？"),
            P(
                "ninomiya",
                "ブラウザの互換性の問題かもしれません。Edge の IE モードで開いてみてください。",
                30,
            ),
            P("kikuchi", "ありがとうございます、試してみます。", 45),
        ),
        tags=("answered",),
    ),
    Thread(
        "question-with-context",
        0.3,
        (
            P(
                "hyodo",
                "お疲れ様です。新居浜市の兵頭です。\n来年度からの端末管理について検討しています。資産管理ソフトと Intune を併用している団体はありますか？\nよろしくお願いします。",
            ),
        ),
        tags=("unanswered",),
    ),
    Thread(
        "old-thread",
        40,
        (
            P("watanabe", "自治体DX の推進計画の策定で、外部の支援を受けた市町はありますか？"),
            P(
                "kono",
                "県の自治体DX 推進のアドバイザー派遣事業を使えます。申込は県のデジタル戦略課です。",
                120,
                reactions=2,
            ),
            P("watanabe", "アドバイザー派遣を申し込みました。ありがとうございました。", 2000),
        ),
        tags=("solved", "old"),
    ),
)


def _at(thread: Thread, minutes: int) -> datetime:
    return NOW - timedelta(days=thread.days_ago) + timedelta(minutes=minutes)


def versions(threads: tuple[Thread, ...] = THREADS) -> list[MessageVersion]:
    out = []
    for thread in threads:
        for index, post in enumerate(thread.posts):
            member = APP if post.who == "app" else PEOPLE[post.who]
            message_id = f"{thread.id}-{index}"
            created = _at(thread, post.minutes)
            modified = created
            edited_at = deleted_at = None
            text = post.text
            if post.edited is not None:
                edited_at = modified = created + timedelta(hours=1)
                text = post.edited
            if post.deleted:
                deleted_at = modified = created + timedelta(minutes=5)
                text = ""
            reply_to = None
            if index:
                reply_to = (
                    f"{thread.id}-{post.reply_to}" if post.reply_to is not None else thread.root_id
                )
            out.append(
                MessageVersion(
                    channel_id=CHANNEL,
                    message_id=message_id,
                    root_id=thread.root_id,
                    created_at=created,
                    modified_at=modified,
                    source="graph",
                    team_aad_group_id=TEAM,
                    reply_to_id=reply_to,
                    author_name=member.name,
                    author_aad_id=member.key or None,
                    author_kind="application" if post.who == "app" else "user",
                    subject=thread.subject if index == 0 else None,
                    text=text,
                    html=text,
                    reactions=[
                        {
                            "kind": "like",
                            "emoji": "👍",
                            "user_id": f"u{n}",
                            "at": created.isoformat(),
                        }
                        for n in range(post.reactions)
                    ],
                    web_url=None,
                    edited_at=edited_at,
                    deleted_at=deleted_at,
                )
            )
    return out


async def store_people(session: AsyncSession) -> None:
    for member in PEOPLE.values():
        await upsert_person(
            session,
            person_key=member.key,
            teams_id=f"29:{member.key}",
            aad_object_id=member.key,
            name=member.name,
            tenant_id=None,
            locale="ja",
            now=NOW,
        )
        if member.municipality:
            await session.execute(
                update(Person)
                .where(Person.person_key == member.key)
                .values(municipality=member.municipality)
            )


async def load(session: AsyncSession, threads: tuple[Thread, ...] = THREADS) -> None:
    """The channel as the sync stores it, who is from where, and the button's verdicts."""
    await store_people(session)
    await upsert_messages(session, versions(threads), NOW)
    for thread in threads:
        if thread.button is not None:
            resolved, who = thread.button
            await set_resolution(
                session,
                CHANNEL,
                thread.root_id,
                resolved=resolved,
                by_key=PEOPLE[who].key,
                by_name=PEOPLE[who].name,
                now=NOW - timedelta(hours=1),
            )
    await session.flush()


def thread(thread_id: str) -> Thread:
    return next(t for t in THREADS if t.id == thread_id)
