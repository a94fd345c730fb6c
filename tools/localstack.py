"""Start the bot and the Microsoft 365 Agents Playground as child processes on 127.0.0.1.

Used by `make run` (tools/run_local.py) and by the browser tests (tests/e2e/). Standard library
only, so it runs before anything else is installed and on Windows too.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
PLAYGROUND_DIR = ROOT / "tools" / "playground"
PLAYGROUND_CLI = PLAYGROUND_DIR / "node_modules" / "@microsoft" / "m365agentsplayground" / "cli.js"
PLAYGROUND_CONFIG = ROOT / ".m365agentsplayground.yml"
BIND_LOCALHOST = PLAYGROUND_DIR / "bind-localhost.cjs"
TEAMS_LOCALE = PLAYGROUND_DIR / "teams-locale.cjs"
LOOPBACK = "127.0.0.1"
BOT_PORT = 3978
PLAYGROUND_PORT = 56150

_LISTENING = re.compile(r"Listening on (\d+)")


class StartError(RuntimeError):
    """A child process did not come up; the message says why and where its log is."""


def port_is_free(port: int) -> bool:
    """Nothing listens on 127.0.0.1:`port` (connections closing there do not count)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        if os.name != "nt":  # as aiohttp and node do; on Windows it would mean "share"
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((LOOPBACK, port))
        except OSError:
            return False
    return True


def free_port(preferred: int | None = None) -> int:
    """`preferred` when nothing listens on it, otherwise a port the kernel hands out."""
    if preferred is not None and port_is_free(preferred):
        return preferred
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
    return port


def current_user_aad_object_id(config: Path = PLAYGROUND_CONFIG) -> str:
    """The `aadObjectId` of `currentUser` in the Playground config (the coordinator)."""
    in_current_user = False
    for line in config.read_text(encoding="utf-8").splitlines():
        if not line.startswith(" "):
            in_current_user = line.startswith("currentUser:")
            continue
        match = re.match(r"\s+aadObjectId:\s*(\S+)", line)
        if in_current_user and match:
            return match.group(1).strip("\"'")
    raise ValueError(f"{config} has no currentUser.aadObjectId")


def bot_name(config: Path = PLAYGROUND_CONFIG) -> str:
    """The bot's display name in the Playground config (what @mentions pick)."""
    match = re.search(r"^bot:\n(?:\s+.*\n)*?\s+name:\s*(.+)$", config.read_text("utf-8"), re.M)
    if not match:
        raise ValueError(f"{config} has no bot.name")
    return match.group(1).strip().strip("\"'")


def node_and_npm() -> tuple[str, str] | None:
    """Paths of `node` and `npm`, or None when either is missing."""
    node, npm = shutil.which("node"), shutil.which("npm")
    return (node, npm) if node and npm else None


def playground_installed() -> bool:
    return PLAYGROUND_CLI.is_file()


def install_playground(npm: str) -> None:
    """`npm ci` in tools/playground: the pinned version from package-lock.json, no telemetry."""
    subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=PLAYGROUND_DIR,
        check=True,
        env={**os.environ, "DO_NOT_TRACK": "1"},
    )


@dataclass
class Child:
    """A started child process, its address and where its output goes."""

    name: str
    process: subprocess.Popen[str]
    url: str
    log_path: Path | None = None
    lines: queue.Queue[str] = field(default_factory=queue.Queue)

    def stop(self, timeout: float = 10.0) -> int | None:
        """Ask the process to end (SIGTERM), kill it after `timeout`; return its exit code."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        return self.process.returncode

    def log_tail(self, lines: int = 40) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text("utf-8", "replace").splitlines()[-lines:])


def bot_environment(
    *, port: int, database_url: str, coordinator_ids: str, extra: Mapping[str, str] = {}
) -> dict[str, str]:
    """The environment of a local bot: no app id (no auth, as the Playground sends no token)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("Microsoft")}
    env.update(
        HOST=LOOPBACK,
        PORT=str(port),
        DATABASE_URL=database_url,
        PUBLIC_BASE_URL=f"http://{LOOPBACK}:{port}",
        MicrosoftAppId="",
        MicrosoftAppPassword="",
        COORDINATOR_IDS=coordinator_ids,
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def start_bot(
    env: Mapping[str, str],
    *,
    python: str = sys.executable,
    args: Sequence[str] = ("app.py",),
    log_path: Path | None = None,
    timeout: float = 60.0,
) -> Child:
    """Run `python app.py` (it migrates, then serves) and wait until GET /readyz answers 200.

    `args` replaces `app.py` for another bot with the same contract (env PORT, /readyz).
    With `log_path` its output goes to that file, otherwise to this terminal.
    """
    port = int(env["PORT"])
    url = f"http://{LOOPBACK}:{port}"
    out: IO[str] | None = None
    if log_path is not None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        out = log_path.open("w", encoding="utf-8")
    process = subprocess.Popen(
        [python, *args],
        cwd=ROOT,
        env=dict(env),
        stdout=out,
        stderr=subprocess.STDOUT if out else None,
        text=True,
    )
    if out is not None:
        out.close()  # the child holds its own descriptor
    child = Child("bot", process, url, log_path)
    _wait_until(lambda: _http_ok(f"{url}/readyz"), child, timeout)
    workers = int(env.get("WEB_CONCURRENCY", "1"))
    if workers > 1:
        # /readyz answered from the first worker up; connections opened before the others
        # listen would all stay with it.
        _wait_until(lambda: len(listening(port, process.pid)) >= workers, child, timeout)
    return child


def listening(port: int, pid: int) -> set[int]:
    """The processes of `pid`'s family (itself and its descendants) that hold a socket
    listening on `port` (Linux /proc; an empty set elsewhere)."""
    inodes = set()
    for table in (Path("/proc/net/tcp"), Path("/proc/net/tcp6")):
        if not table.exists():
            continue
        for line in table.read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:  # LISTEN
                inodes.add(fields[9])
    found = set()
    for member in family(pid):
        try:
            links = {os.readlink(fd) for fd in Path(f"/proc/{member}/fd").iterdir()}
        except OSError:
            continue  # it ended, or is not ours to read
        if any(f"socket:[{inode}]" in links for inode in inodes):
            found.add(member)
    return found


def family(pid: int) -> set[int]:
    """`pid` and its descendants (Linux /proc; just `pid` elsewhere)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(stat.parent.name))
    family, waiting = set(), [pid]
    while waiting:
        member = waiting.pop()
        family.add(member)
        waiting.extend(children.get(member, ()))
    return family


def start_playground(
    bot_url: str,
    *,
    node: str,
    port: int = PLAYGROUND_PORT,
    log_path: Path,
    config: Path = PLAYGROUND_CONFIG,
    locale: str = "ja-JP",
    timeout: float = 60.0,
    echo: Callable[[str], None] | None = None,
) -> Child:
    """Start the Playground against `bot_url`/api/messages on 127.0.0.1 and wait for its port.

    Telemetry is off (`--dt` and `APPLICATION_INSIGHTS_NO_STATSBEAT`), it opens no browser,
    one preload pins every listening socket to 127.0.0.1 and another makes the activities carry
    `locale` (it hard-codes en-US; Teams sends the user's language). It moves to a random port when
    `port` is taken, which would break its `--su` address, so that is an error here.
    Lines it prints after start go to `echo` when given.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    url = f"http://{LOOPBACK}:{port}"
    env = {
        **os.environ,
        "TEAMSAPPTESTER_BROWSER": "none",
        "APPLICATION_INSIGHTS_NO_STATSBEAT": "true",
        "M365_AGENTS_PLAYGROUND_LOGFILE": str(log_path),
        "M365_AGENTS_PLAYGROUND_CONFIG_PATH": str(config),
        "DO_NOT_TRACK": "1",
        "PLAYGROUND_LOCALE": locale,
    }
    command = [
        node, "-r", str(BIND_LOCALHOST), "-r", str(TEAMS_LOCALE), str(PLAYGROUND_CLI),
        "-e", f"{bot_url}/api/messages", "-c", "msteams", "-p", str(port),
        "--su", f"{url}/_connector", "--dt",
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        cwd=log_path.parent,  # it writes ./devTools/ next to where it runs
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    child = Child("Playground", process, url, log_path)
    threading.Thread(target=_pump, args=(process, child.lines, echo), daemon=True).start()
    deadline = time.monotonic() + timeout
    seen: list[str] = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or process.poll() is not None:
            child.stop()
            raise StartError(f"the Playground did not start: {' | '.join(seen[-10:])}")
        try:
            line = child.lines.get(timeout=min(remaining, 0.5))
        except queue.Empty:
            continue
        seen.append(line)
        match = _LISTENING.search(line)
        if match:
            break
    actual = int(match.group(1))
    if actual != port:
        child.stop()
        raise StartError(f"port {port} is taken: the Playground moved to {actual}")
    _wait_until(lambda: _http_ok(f"{url}/_debug/ping"), child, timeout)
    return child


def _pump(
    process: subprocess.Popen[str], lines: queue.Queue[str], echo: Callable[[str], None] | None
) -> None:
    assert process.stdout is not None
    started = False
    for line in process.stdout:
        line = line.rstrip("\n")
        if not started:
            lines.put(line)
        elif echo is not None:
            echo(line)
        started = started or bool(_LISTENING.search(line))


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback only)
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _wait_until(ready: Callable[[], bool], child: Child, timeout: float) -> None:
    # Polling a child process is the one wait with no event to hang on; it is bounded.
    deadline = time.monotonic() + timeout
    while not ready():
        if child.process.poll() is not None:
            tail = child.log_tail()
            raise StartError(
                f"the {child.name} exited with {child.process.returncode}"
                + (f"; last lines of {child.log_path}:\n{tail}" if tail else "")
            )
        if time.monotonic() > deadline:
            child.stop()
            raise StartError(f"the {child.name} did not answer at {child.url} in {timeout:.0f} s")
        time.sleep(0.1)
