"""`make run`: the bot on 127.0.0.1:3978 (SQLite in var/, no app id) plus the Agents Playground.

Run it from the repository root as `python -m tools.run_local` (that is what `make run` does).
Ctrl-C stops both.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path
from types import FrameType

from tools import localstack
from tools.localstack import Child, StartError

VAR = localstack.ROOT / "var"
DATABASE_URL = "sqlite+aiosqlite:///var/iyowork.db"

NO_NODE = """\
Node.js is not installed, so the Microsoft 365 Agents Playground (a local Teams) cannot start.
The bot runs anyway: POST http://127.0.0.1:{port}/api/messages
To chat with it in a browser, install Node.js 20 or later and run `make run` again:
  Debian/Ubuntu:  sudo apt-get install nodejs npm
  Windows/macOS:  the LTS installer from the Node.js website, or `winget install OpenJS.NodeJS.LTS`
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make run", description=__doc__)
    parser.add_argument("--no-playground", action="store_true", help="start only the bot")
    args = parser.parse_args(argv)

    _stop_on_sigterm()
    port = localstack.BOT_PORT
    if not localstack.port_is_free(port):
        print(f"Port {port} is in use: stop what runs there (another `make run`?).")
        return 1
    VAR.mkdir(exist_ok=True)  # SQLite creates the file, not its folder
    env = localstack.bot_environment(
        port=port,
        database_url=DATABASE_URL,
        coordinator_ids=localstack.current_user_aad_object_id(),
    )
    children: list[Child] = []
    try:
        print(f"Starting the bot (database {DATABASE_URL.split(':///')[1]}) ...", flush=True)
        bot = localstack.start_bot(env)
        children.append(bot)
        if not args.no_playground:
            playground = _start_playground(bot.url)
            if playground is not None:
                children.append(playground)
        print("Ctrl-C stops everything.", flush=True)
        return _wait(children)
    except StartError as error:
        print(error, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        for child in reversed(children):
            child.stop()


def _start_playground(bot_url: str) -> Child | None:
    tools = localstack.node_and_npm()
    if tools is None:
        print(NO_NODE.format(port=localstack.BOT_PORT), flush=True)
        return None
    node, npm = tools
    if not localstack.playground_installed():
        print("Installing the Microsoft 365 Agents Playground (npm ci in tools/playground) ...")
        localstack.install_playground(npm)
    port = localstack.free_port(localstack.PLAYGROUND_PORT)
    log_path = VAR / "playground" / "playground.log"
    playground = localstack.start_playground(
        bot_url, node=node, port=port, log_path=log_path, echo=lambda line: print(line)
    )
    name = localstack.bot_name()
    print(
        f"\nAgents Playground: {playground.url}\n"
        f"  Open it in a browser and send 「ヘルプ」 in the personal chat, or in the channel\n"
        f"  情シス相談 type @ and pick {name} first (in a channel the bot hears @mentions only).\n"
        f"  Its log: {_relative(log_path)}\n",
        flush=True,
    )
    return playground


def _wait(children: list[Child]) -> int:
    """Block until the bot ends (then return its code); report a Playground that dies."""
    bot, *others = children
    while True:
        code = bot.process.poll()
        if code is not None:
            print(f"The bot stopped (exit code {code}).", file=sys.stderr)
            return code
        for other in list(others):
            if other.process.poll() is not None:
                print(f"The {other.name} stopped; see {other.log_path}. The bot keeps running.")
                others.remove(other)
        time.sleep(0.5)


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _stop_on_sigterm() -> None:
    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


if __name__ == "__main__":
    sys.exit(main())
