"""Page objects for the Microsoft 365 Agents Playground 0.2.28, as a person uses it.

`Playground` opens a conversation; a `Conversation` (a personal chat, the group chat or one
channel thread) sends text and waits for what the bot says back. Selectors are those of the
Playground's own UI; they live here only, so a new Playground version is fixed in one file.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

BOT_NAME = "IYO WORK"
CURRENT_USER = "村上 結衣"
TEAM_NAME = "チーム愛媛 情シス"
CHANNEL_NAME = "情シス相談"
GROUP_CHAT_NAME = "IYO WORK 世話役"

COMPOSER = '[data-lexical-editor="true"][role="textbox"]'
SEND = 'button[aria-label="Send Message"]'
MENTION_PICKER = '#typeahead-menu [role="menuitem"]'
CARD = ".ac-adaptiveCard"
# A thread is a group with its own reply box and no group inside (the channel's list is one).
THREAD = f'div[role="group"]:has({SEND}):not(:has(div[role="group"]))'

REPLY_TIMEOUT_MS = 15_000


def bot_message_selector(bot_name: str = BOT_NAME) -> str:
    """One message the bot posted (its avatar sits two levels under the message)."""
    return f'div:has(> div > span[role="img"][aria-label="{bot_name}"])'


def card_text(card: Locator) -> str:
    """What a person reads on a card, with runs of whitespace folded to one space."""
    return " ".join(card.inner_text().split())


def card_buttons(card: Locator) -> list[str]:
    """The titles of the buttons on a card, top to bottom."""
    return [title for title in card.get_by_role("button").all_inner_texts() if title.strip()]


def click_card_button(card: Locator, title: str) -> None:
    """Press the button titled `title` on `card` (the first one when several share it)."""
    card.get_by_role("button", name=title, exact=True).first.click()


def choose_on_card(card: Locator, option: str, *, nth: int = 0) -> None:
    """Pick `option` in the `nth` drop-down of `card` (a compact Input.ChoiceSet, which the
    Playground draws as a combobox whose options open in a popup outside the card)."""
    card.get_by_role("combobox").nth(nth).click()
    card.page.get_by_role("option", name=option, exact=True).click()


def choose_expanded_on_card(card: Locator, option: str) -> None:
    """Pick `option` among the radio buttons of an expanded Input.ChoiceSet on `card`."""
    card.get_by_role("radio", name=option, exact=True).check()


def choose_in_group_on_card(card: Locator, group: str, option: str) -> None:
    """Pick the radio button `option` of the expanded Input.ChoiceSet labelled `group` (for
    questions that share their choices, e.g. two はい/いいえ questions on one card)."""
    card.get_by_role("radiogroup", name=group).get_by_role("radio", name=option, exact=True).check()


def tick_on_card(card: Locator, option: str) -> None:
    """Tick the checkbox `option` (of a multi-select Input.ChoiceSet, or an Input.Toggle)."""
    card.get_by_role("checkbox", name=option).check()


def type_on_card(card: Locator, label: str, text: str) -> None:
    """Write `text` into the Input.Text labelled `label` (replacing what it held)."""
    card.get_by_role("textbox", name=label).fill(text)


def screenshot_card(card: Locator, path: Path) -> None:
    """A picture of the whole of `card`, however tall: the chat scrolls inside a page of fixed
    height, so the window is made tall enough for the moment."""
    page = card.page
    size = page.viewport_size
    box = card.bounding_box()
    if size is not None and box is not None and box["height"] + 300 > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": int(box["height"]) + 300})
    try:
        card.scroll_into_view_if_needed()
        path.parent.mkdir(parents=True, exist_ok=True)
        card.screenshot(path=str(path))
    finally:
        if size is not None:
            page.set_viewport_size(size)


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class _Snapshot:
    """The bot's messages in a conversation at one moment: has-a-card flag and text of each."""

    messages: list[tuple[bool, str]]

    def matching(self, containing: str | None, *, card: bool) -> int:
        wanted = _fold(containing) if containing else ""
        return sum(
            1 for has_card, text in self.messages if (has_card or not card) and wanted in text
        )


class Conversation:
    """A place where the person types and the bot answers: a chat or one channel thread."""

    def __init__(
        self, page: Page, root: Locator, *, mention_needed: bool, is_new: bool = False
    ) -> None:
        self.page = page
        self.root = root
        self.mention_needed = mention_needed
        # In a thread just posted every bot message is an answer, even one already shown.
        self._before = _Snapshot([]) if is_new else self._snapshot()

    def bot_messages(self) -> Locator:
        return self.root.locator(bot_message_selector())

    def latest_bot_card(self) -> Locator:
        return self.bot_messages().filter(has=self.page.locator(CARD)).last.locator(CARD).first

    def first_card(self) -> Locator:
        """The first card shown here: in a thread the bot started, its root post's card (a
        root post is not one of `bot_messages`, its avatar sits deeper in the header)."""
        return self.root.locator(CARD).first

    def send(self, text: str, *, mention: bool | None = None) -> None:
        """Type `text` and send it; in a channel the bot is @mentioned first (as Teams needs)."""
        self._before = self._snapshot()
        composer = self.root.locator(COMPOSER).last
        _type(
            self.page, composer, text, mention=self.mention_needed if mention is None else mention
        )
        composer.press("Enter")

    def ask(self, text: str, *, expect_text: str | None = None) -> Locator:
        """Send `text` and return the card the bot answers with (containing `expect_text`)."""
        self.send(text)
        return self.wait_for_bot_card(containing=expect_text)

    def press(self, card: Locator, title: str) -> None:
        """Press a card button; a reply is then awaited with `wait_for_bot_card`/`_text`."""
        self._before = self._snapshot()
        click_card_button(card, title)

    def wait_for_bot_card(
        self, *, containing: str | None = None, timeout_ms: int = REPLY_TIMEOUT_MS
    ) -> Locator:
        """The first card the bot posted here since the person's last send or press.

        With `containing`, the first such card whose text contains it (a greeting that
        arrives meanwhile is skipped).
        """
        target = self._new_message(containing, card=True)
        target.wait_for(timeout=timeout_ms)
        return target.locator(CARD).first

    def wait_for_bot_text(self, containing: str, *, timeout_ms: int = REPLY_TIMEOUT_MS) -> str:
        """The text of the first bot message since the person's last action containing it."""
        target = self._new_message(containing, card=False)
        target.wait_for(timeout=timeout_ms)
        return " ".join(target.inner_text().split())

    def wait_for_card_update(
        self, card: Locator, containing: str, *, timeout_ms: int = REPLY_TIMEOUT_MS
    ) -> None:
        """Wait until `card` (updated in place, Action.Execute) shows `containing`."""
        expect(card).to_contain_text(containing, timeout=timeout_ms)

    def _new_message(self, containing: str | None, *, card: bool) -> Locator:
        messages = self.bot_messages()
        if card:
            messages = messages.filter(has=self.page.locator(CARD))
        if containing:
            messages = messages.filter(has_text=containing)
        # Messages only ever get appended, so the n+1-th match is the first new one.
        return messages.nth(self._before.matching(containing, card=card))

    def _snapshot(self) -> _Snapshot:
        found = self.bot_messages().evaluate_all(
            """(nodes, card) => nodes.map(n => [!!n.querySelector(card), n.innerText])""", CARD
        )
        return _Snapshot([(bool(has), _fold(str(text))) for has, text in found])


class Channel:
    """A channel: posts start threads, the bot answers inside the thread."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def threads(self) -> Locator:
        return self.page.locator(THREAD)

    def post(self, text: str, *, mention: bool = True) -> Conversation:
        """Start a new post (with an @mention of the bot) and return its thread."""
        # Threads the person started with this text; the bot's own posts start with its name.
        mine = self.threads().filter(has=self.page.locator(_STARTED_BY_ME)).filter(has_text=text)
        before = mine.count()
        self.page.get_by_role("button", name="Post", exact=True).click()
        composer = self.page.locator(COMPOSER).first
        _type(self.page, composer, text, mention=mention)
        self.page.get_by_role("button", name="Post", exact=True).click()
        expect(mine).to_have_count(before + 1)
        # The newest thread is listed first, right under the new-post box; pin it by a mark
        # so later posts with the same text do not move this conversation.
        mark = uuid.uuid4().hex
        mine.first.evaluate("(node, mark) => { node.dataset.e2eThread = mark; }", mark)
        thread = self.page.locator(f'[data-e2e-thread="{mark}"]')
        return Conversation(self.page, thread, mention_needed=True, is_new=True)

    def thread_with_card(self, containing: str) -> Conversation:
        """The newest thread whose bot card shows `containing` (e.g. a post the bot started
        itself), once it is there."""
        card = self.page.locator(CARD).filter(has_text=containing)
        newest = self.threads().filter(has=card).first
        newest.wait_for(timeout=REPLY_TIMEOUT_MS)
        mark = uuid.uuid4().hex
        newest.evaluate("(node, mark) => { node.dataset.e2eThread = mark; }", mark)
        thread = self.page.locator(f'[data-e2e-thread="{mark}"]')
        return Conversation(self.page, thread, mention_needed=True)


# The first child of a thread is its root post's header, with the author's avatar.
_STARTED_BY_ME = f':scope > div:first-child span[role="img"][aria-label="{CURRENT_USER}"]'


class Playground:
    """The Playground's page: the conversation list on the left, one conversation open."""

    def __init__(self, page: Page, url: str) -> None:
        self.page = page
        self.url = url

    def open(self) -> Playground:
        self.page.goto(self.url)
        expect(self.page.get_by_role("treeitem").first).to_be_visible()
        return self

    def open_channel(self, name: str = CHANNEL_NAME) -> Channel:
        self.page.get_by_role("treeitem", name=f"{TEAM_NAME} - {name}", exact=True).click()
        expect(self.page.get_by_role("button", name="Post", exact=True)).to_be_visible()
        return Channel(self.page)

    def open_personal_chat(self) -> Conversation:
        return self._open_chat("Personal Chat", mention_needed=False)

    def open_group_chat(self) -> Conversation:
        return self._open_chat(GROUP_CHAT_NAME, mention_needed=True)

    def _open_chat(self, name: str, *, mention_needed: bool) -> Conversation:
        self.page.get_by_role("treeitem", name=name, exact=True).click()
        expect(self.page.locator(SEND)).to_be_visible()
        return Conversation(self.page, self._conversation_pane(), mention_needed=mention_needed)

    def _conversation_pane(self) -> Locator:
        # The conversation list shows avatars as direct children of its buttons, and the log
        # panel shows none, so bot messages found on the whole page are the open chat's.
        return self.page.locator("body")


def _type(page: Page, composer: Locator, text: str, *, mention: bool) -> None:
    composer.click()
    if mention:
        composer.press_sequentially(f"@{BOT_NAME.split()[0]}")
        page.locator(MENTION_PICKER).filter(has_text=re.compile(rf"^{BOT_NAME}$")).first.click()
        composer.press_sequentially(" ")
    composer.press_sequentially(text)
