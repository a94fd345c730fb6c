"""One bot, one Agents Playground and one headless Chromium for the whole browser-test session.

The bot tells the time from a clock file (`e2e_clock`): the real time until a test moves it
forward, e.g. past the end of an IYO WORK day it just created.

Outside CI a missing Chromium or Node.js skips these tests with the reason; with CI=true it
fails them, so a CI machine that lost its browser cannot pass quietly.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NoReturn

import pytest
from playwright.sync_api import BrowserContext, Playwright, Route, sync_playwright

from tests.e2e.playground import Playground
from tools import localstack
from tools.localstack import Child, StartError

CHROMIUM = Path("/usr/bin/chromium")
# From TEAMS.md: no GPU, no sandbox (root in CI), and nothing that phones home.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
ARTIFACTS = localstack.ROOT / "build" / "e2e"
LOOPBACK_PREFIXES = ("http://127.0.0.1:", "ws://127.0.0.1:", "data:", "blob:", "about:")


def _missing(reason: str) -> NoReturn:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: browser tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def node_binary() -> str:
    tools = localstack.node_and_npm()
    if tools is None:
        _missing(
            "Node.js/npm not found: the Agents Playground needs them (apt-get install nodejs npm)"
        )
        raise AssertionError("unreachable")
    node, npm = tools
    if not localstack.playground_installed():
        localstack.install_playground(npm)
    return node


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} not found: apt-get install chromium")
    return CHROMIUM


class BotClock:
    """The e2e bot's time: the real time plus an offset that only grows.

    A thread rewrites the bot's IYOWORK_CLOCK_FILE every TICK seconds (atomically; the bot's
    FileClock reads it on every `now()`), so the bot's outbox and scheduled work keep running
    on it, and a test can move the bot forward in time without waiting.
    """

    TICK = 0.05  # seconds

    def __init__(self, path: Path) -> None:
        self.path = path
        self._offset = timedelta(0)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._write()
        self._thread = threading.Thread(target=self._run, name="e2e-bot-clock", daemon=True)
        self._thread.start()

    def now(self) -> datetime:
        """What the bot's clock says (aware, UTC)."""
        return datetime.now(UTC) + self._offset

    def advance_to(self, moment: datetime) -> None:
        """From now on the bot's clock reads `moment` plus the time since (never backwards)."""
        with self._lock:
            self._offset = max(self._offset, moment - datetime.now(UTC))
        self._write()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.TICK):
            self._write()

    def _write(self) -> None:
        with self._lock:
            temporary = self.path.with_name(f".{self.path.name}.tmp")
            temporary.write_text(self.now().isoformat(), encoding="utf-8")
            os.replace(temporary, self.path)  # the bot never reads a half-written file


@pytest.fixture(scope="session")
def e2e_clock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotClock]:
    """The clock of `e2e_bot` (the real time until a test moves it forward)."""
    clock = BotClock(tmp_path_factory.mktemp("e2e-clock") / "now.txt")
    yield clock
    clock.stop()


@pytest.fixture(scope="session")
def e2e_bot(
    tmp_path_factory: pytest.TempPathFactory, node_binary: str, e2e_clock: BotClock
) -> Iterator[Child]:
    """`python app.py` on 127.0.0.1 (3978 when free) with a fresh SQLite file, telling the time
    from `e2e_clock`."""
    folder = tmp_path_factory.mktemp("e2e-bot")
    env = localstack.bot_environment(
        port=localstack.free_port(localstack.BOT_PORT),
        database_url=f"sqlite+aiosqlite:///{folder / 'iyowork.db'}",
        coordinator_ids=localstack.current_user_aad_object_id(),
        extra={"IYOWORK_CLOCK_FILE": str(e2e_clock.path)},
    )
    bot = localstack.start_bot(env, log_path=folder / "bot.log")
    yield bot
    bot.stop()


@pytest.fixture(scope="session")
def e2e_playground(
    tmp_path_factory: pytest.TempPathFactory, e2e_bot: Child, node_binary: str
) -> Iterator[Child]:
    folder = tmp_path_factory.mktemp("e2e-playground")
    try:
        child = _start_playground(e2e_bot, node_binary, folder)
    except StartError:
        # Another process may have taken the free port between our check and its bind.
        child = _start_playground(e2e_bot, node_binary, folder)
    yield child
    child.stop()


def _start_playground(bot: Child, node: str, folder: Path) -> Child:
    port = localstack.free_port(localstack.PLAYGROUND_PORT)
    return localstack.start_playground(
        bot.url, node=node, port=port, log_path=folder / "playground.log"
    )


@pytest.fixture(scope="session")
def browser(
    tmp_path_factory: pytest.TempPathFactory, chromium_path: Path
) -> Iterator[BrowserContext]:
    """Headless Debian Chromium with a fresh profile; it may reach 127.0.0.1 and nothing else."""
    playwright: Playwright = sync_playwright().start()
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path_factory.mktemp("chromium-profile")),
        executable_path=str(chromium_path),
        args=CHROMIUM_ARGS,
        headless=True,
        locale="ja-JP",
        timezone_id="Asia/Tokyo",
        viewport={"width": 1400, "height": 900},
    )
    context.set_default_timeout(15_000)

    def loopback_only(route: Route) -> None:
        # The UI asks a CDN for fonts; it renders fine without, and tests stay offline.
        if route.request.url.startswith(LOOPBACK_PREFIXES):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", loopback_only)
    yield context
    context.close()
    playwright.stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    item.stash.setdefault(_REPORTS, {})[report.when] = report


_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.fixture
def playground(
    request: pytest.FixtureRequest,
    browser: BrowserContext,
    e2e_playground: Child,
    e2e_bot: Child,
) -> Iterator[Playground]:
    """A fresh tab on the Playground; on failure a screenshot and both logs go to build/e2e/.

    With E2E_SCREENSHOTS=<folder> every test's last view is saved there as well.
    """
    page = browser.new_page()
    yield Playground(page, e2e_playground.url).open()
    name = request.node.name.replace("/", "_")
    if os.environ.get("E2E_SCREENSHOTS"):  # a folder: keep how every test ended, e.g. for docs
        page.screenshot(path=str(Path(os.environ["E2E_SCREENSHOTS"]) / f"{name}.png"))
    reports = request.node.stash.get(_REPORTS, {})
    if any(report.failed for report in reports.values()):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        for child in (e2e_bot, e2e_playground):
            if child.log_path is not None and child.log_path.exists():
                shutil.copy(child.log_path, ARTIFACTS / f"{name}.{child.name.lower()}.log")
        print(f"\nscreenshot and logs: {ARTIFACTS}/{name}.*\n--- bot log ---\n{e2e_bot.log_tail()}")
    page.close()
