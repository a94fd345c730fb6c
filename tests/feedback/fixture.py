"""A realistic IYO WORK day and its impressions: twelve people came (nine on site at 松前町役場,
three online), ten answered (one of them came without registering), three of them
anonymously. Anonymous answers here still carry a name and municipality, as if a bug let them
through storage: what is shown must hide them anyway."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from core.jpcalendar import TOKYO
from dialogs.attendance.model import Mode, Registration, Slot, Status
from dialogs.events import Event, EventState
from dialogs.feedback.model import Answer, Feedback, Intent, Issue, Participation

ENDED = datetime(2026, 12, 15, 17, 0, tzinfo=TOKYO)

EVENT = Event(
    id=3,
    token="t" * 32,
    title="第2回IYO WORK",
    day=date(2026, 12, 15),
    start=time(9),
    end=time(17),
    venue="松前町役場",
    capacity=10,
    meeting_url="https://teams.microsoft.com/l/meetup-join/x",
    registration_deadline=datetime(2026, 12, 14, 17, 0, tzinfo=TOKYO),
    state=EventState.OPEN,
    conversation_id="19:ehime-it-staff0001@thread.tacv2",
    thread_outbox_id=1,
    poll_id=1,
    creator_key="aad-taro",
    locale="ja",
    created_at=datetime(2026, 11, 26, 10, 0, tzinfo=TOKYO),
    updated_at=datetime(2026, 11, 26, 10, 0, tzinfo=TOKYO),
)


def _registration(key: str, name: str, municipality: str, status: Status) -> Registration:
    mode = {Status.ONLINE: Mode.ONLINE, Status.ABSENT: Mode.ABSENT}.get(status, Mode.ONSITE)
    return Registration(
        event_id=EVENT.id,
        person_key=key,
        name=name,
        mode=mode,
        slot=Slot.ALLDAY,
        municipality=municipality,
        department="情報政策課",
        note="",
        status=status,
        position=1 if status is Status.WAITLISTED else None,
        created_at=datetime(2026, 11, 27, 9, 0, tzinfo=TOKYO),
        updated_at=datetime(2026, 11, 27, 9, 0, tzinfo=TOKYO),
    )


SEATED, ONLINE = Status.SEATED, Status.ONLINE
ATTENDEES = [
    _registration("p-imabari", "今治 花子", "imabari", SEATED),
    _registration("p-matsuyama1", "松山 一郎", "matsuyama", SEATED),
    _registration("p-uwajima", "宇和島 次郎", "uwajima", ONLINE),
    _registration("p-ikata", "伊方 美咲", "ikata", SEATED),
    _registration("p-yawatahama", "八幡浜 三郎", "yawatahama", SEATED),
    _registration("p-ozu", "大洲 健", "ozu", SEATED),
    _registration("p-masaki1", "松前 陽子", "masaki", SEATED),
    _registration("p-saijo", "西条 誠", "saijo", ONLINE),
    _registration("p-ehime", "愛媛 太郎", "ehime", SEATED),
    _registration("p-matsuyama2", "松山 二郎", "matsuyama", SEATED),
    _registration("p-matsuyama3", "松山 三郎", "matsuyama", ONLINE),
    _registration("p-masaki2", "松前 大輔", "masaki", SEATED),
    _registration("p-waiting", "砥部 待子", "tobe", Status.WAITLISTED),
    _registration("p-absent", "内子 休", "uchiko", Status.ABSENT),
]


@dataclass(frozen=True)
class _Who:
    key: str
    name: str
    municipality: str
    participation: Participation


ONSITE_, ONLINE_ = Participation.ONSITE, Participation.ONLINE
Y, M, N = Intent.YES, Intent.MAYBE, Intent.NO


def _feedback(n: int, who: _Who, answer: Answer) -> Feedback:
    at = ENDED + timedelta(minutes=10 * n)
    return Feedback(
        event_id=EVENT.id,
        person_key=who.key,
        name=who.name,
        municipality=who.municipality,
        department="情報政策課",
        participation=who.participation,
        answer=answer,
        created_at=at,
        updated_at=at,
    )


ANSWERS = [
    _feedback(1, _Who("p-imabari", "今治 花子", "imabari", ONSITE_), Answer(
        rating=5,
        good="隣の席で、他の市町の仕事の進め方を見られて、とても刺激になりました。",
        trouble="ノートPCの画面1枚だけだと、資料を見比べながらの作業が大変でした。",
        issues=(Issue.EQUIPMENT,),
        issue_details="外部モニターが1台あるだけでずいぶん違うと思います。",
        next_themes="生成AIの活用事例\n他の部署の職員も誘いたい",
        again=Y, recommend=Y,
    )),
    _feedback(2, _Who("p-matsuyama1", "松山 一郎", "matsuyama", ONSITE_), Answer(
        rating=4,
        good="普段はメールでしかやり取りしない方と、顔を合わせて話せました。",
        trouble="電源タップが足りず、充電を気にしながら作業しました。",
        issues=(Issue.SUPPLIES,),
        issue_details="延長コードとUSB-Cケーブルは持参した方がよさそうです。",
        next_themes="生成AI",
        again=Y, recommend=M, anonymous=True,
    )),
    _feedback(3, _Who("p-uwajima", "宇和島 次郎", "uwajima", ONLINE_), Answer(
        rating=3,
        good="オンラインでも雑談用のチャットがあって参加しやすかったです。",
        trouble="会場の音声が聞き取りにくい時間帯がありました。",
        issues=(Issue.EQUIPMENT, Issue.NETWORK),
        issue_details="午後に会場のWi-Fiが不安定になったようです。",
        next_themes="RPAの導入事例",
        again=M, recommend=M,
    )),
    _feedback(4, _Who("p-ikata", "伊方 美咲", "ikata", ONSITE_), Answer(
        rating=5,
        good="庁舎の外で働くことで、自分の仕事のやり方を見直すきっかけになりました。",
        issues=(Issue.SECURITY,),
        issue_details="VPNで庁内システムにつなげず、できる作業が限られました。",
        next_themes="セキュリティポリシーの見直し、生成AI",
        again=Y, recommend=Y, anonymous=True,
    )),
    _feedback(5, _Who("p-yawatahama", "八幡浜 三郎", "yawatahama", ONSITE_), Answer(
        rating=4,
        good="他の町の担当者の働き方を間近で見られました。",
        trouble="ケーブル類（HDMI *2本*）を忘れてしまいました。",
        issues=(Issue.SUPPLIES,),
        next_themes="他の部署の人も誘って参加したい",
        again=Y, recommend=Y,
    )),
    _feedback(6, _Who("p-ozu", "大洲 健", "ozu", ONSITE_), Answer(
        rating=5,
        good="困ったときに相談できる仲間ができました。",
        next_themes="・RPAの導入事例\n・ノーコードツール",
        again=Y, recommend=Y,
    )),
    _feedback(7, _Who("p-masaki1", "松前 陽子", "masaki", ONSITE_), Answer(
        rating=4,
        good="地元での開催だったので参加しやすかったです。",
        trouble="駐車場の案内がわかりにくかったです。",
        issues=(Issue.VENUE,),
        issue_details="来庁者用駐車場の場所を事前に案内してもらえると助かります。",
        next_themes="職員から見える場所で働いてみたい",
        again=Y, recommend=M,
    )),
    _feedback(8, _Who("p-saijo", "西条 誠", "saijo", ONLINE_), Answer(
        rating=2,
        trouble="セキュリティ設定の関係で、Teams の画面共有ができませんでした。",
        issues=(Issue.NETWORK, Issue.SECURITY),
        issue_details="庁内ネットワークからの画面共有がブロックされていました。",
        again=M, recommend=N, anonymous=True,
    )),
    _feedback(9, _Who("p-ehime", "愛媛 太郎", "ehime", ONSITE_), Answer(
        rating=5,
        good="県と市町の担当者が同じ机で話せたのが良かったです。",
        trouble="モニターが足りませんでした。",
        issues=(Issue.EQUIPMENT, Issue.SUPPLIES),
        next_themes="生成AIの活用事例",
        again=Y, recommend=Y,
    )),
    _feedback(10, _Who("p-toon", "東温 飛入", "toon", Participation.UNREGISTERED), Answer(
        rating=4,
        good="登録していなかったのに、温かく迎えてもらえました。",
        issues=(Issue.OTHER,),
        issue_details="受付の場所がわかりにくかったです。",
        next_themes="ノーコードツール",
        again=Y, recommend=Y,
    )),
]  # fmt: skip
