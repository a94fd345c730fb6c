"""The container image, proven without Docker.

What the image holds follows from two files: `COPY . .` copies the build context minus what
.dockerignore excludes, and the first RUN installs pyproject's runtime dependencies at the versions
of requirements.lock. The `image` fixture rebuilds exactly that in a temporary directory (the
files, and a fresh venv with those packages only); the Dockerfile's CMD runs there, and a
coordinator asks the bot for help in a channel through the fake Bot Connector. A runtime file left
out of the image, or a runtime import of a dev-only package, fails here instead of in Azure.

The cheap checks come first: the ignore rules, and what docs/deploy.md promises about the
Dockerfile (a non-root user, port 3978, a health check on /healthz, `python app.py`).
"""

from __future__ import annotations

import ast
import asyncio
import logging
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from core.i18n import default_catalog
from tests.fakes.connector import FakeConnector
from tests.fixtures.connector import Activities
from tests.manifest.dockerbuild import Dockerfile, DockerIgnore, context_files, git_ignored
from tests.reliability.world import texts
from tools import localstack

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = Dockerfile.read(ROOT / "Dockerfile")
log = logging.getLogger(__name__)


@pytest.mark.parametrize(
    ("lines", "path", "excluded"),
    [
        # The examples of Docker's documentation.
        (["*/temp*"], "somedir/temporary.txt", True),
        (["*/temp*"], "somedir/temp", True),
        (["*/temp*"], "temporary.txt", False),
        (["*/*/temp*"], "somedir/subdir/temporary.txt", True),
        (["temp?"], "tempa", True),
        (["temp?"], "somedir/tempa", False),
        (["**/*.go"], "main.go", True),
        (["**/*.go"], "cmd/tool/main.go", True),
        (["/foo/bar"], "foo/bar", True),
        (["*.md", "!README.md"], "README.md", False),
        (["*.md", "!README*.md", "README-secret.md"], "README-secret.md", True),
        (["*.md", "README-secret.md", "!README*.md"], "README-secret.md", False),
        (["# comment"], "# comment", False),
        # The kinds of lines our .dockerignore has.
        (["tests"], "tests/app/test_help.py", True),
        (["tests"], "dialogs/tests/helpers.py", False),
        (["**/__pycache__"], "__pycache__/x.pyc", True),
        (["**/__pycache__"], "dialogs/polls/__pycache__/store.cpython-311.pyc", True),
        (["**/__pycache__"], "dialogs/not__pycache__", False),
        (["**/node_modules"], "tools/playground/node_modules/a/package.json", True),
        ([".env.*"], ".env.example", True),
        ([".env.*"], "docs/.env.local", False),
        (["var"], "variables.py", False),
        (["var/"], "var/iyowork.db", True),
    ],
)
def test_the_ignore_rules_read_as_docker_documents_them(
    lines: list[str], path: str, excluded: bool
) -> None:
    assert DockerIgnore(lines).excludes(path) is excluded


def test_nothing_git_ignores_goes_into_the_image() -> None:
    """A build from a working copy must not ship its .env, venv, caches or build output: that is
    what git ignores, and Docker does not read .gitignore."""
    dockerignore = DockerIgnore.of(ROOT)

    shipped = [path for path in git_ignored(ROOT) if not dockerignore.excludes(path.rstrip("/"))]

    assert shipped == [], "add these to .dockerignore"


def test_the_image_has_every_file_of_the_code() -> None:
    """Everything the Dockerfile compiles comes with its data (catalogs, migrations, the user
    dictionary): .dockerignore takes no file from those folders."""
    dockerignore = DockerIgnore.of(ROOT)
    code = DOCKERFILE.compiled_paths
    folders = tuple(f"{path}/" for path in code)

    left_out = [
        name
        for name in context_files(ROOT)
        if (name in code or name.startswith(folders)) and dockerignore.excludes(name)
    ]

    assert left_out == []


def test_what_the_dockerfile_copies_first_is_in_the_context() -> None:
    dockerignore = DockerIgnore.of(ROOT)
    files = set(context_files(ROOT))
    for arguments in DOCKERFILE.arguments("COPY"):
        *sources, _destination = arguments.split()
        for source in sources:
            if source != ".":
                assert source in files and not dockerignore.excludes(source), source


def test_the_dockerfile_keeps_what_the_deployment_guide_promises() -> None:
    guide = (ROOT / "docs/deploy.md").read_text("utf-8")

    [user] = DOCKERFILE.arguments("USER")
    assert user not in ("root", "0") and not user.startswith(("root:", "0:"))
    assert "useradd" in DOCKERFILE.runs and user in DOCKERFILE.runs
    assert f"`{user}`" in guide
    assert DOCKERFILE.arguments("EXPOSE") == ["3978"]
    assert DOCKERFILE.env["PORT"] == "3978" and DOCKERFILE.env["HOST"] == "0.0.0.0"
    assert any("/healthz" in part for part in DOCKERFILE.healthcheck)
    assert DOCKERFILE.cmd == ["python", "app.py"]
    assert "3978" in guide and "`HEALTHCHECK`" in guide and "/healthz" in guide


# --- the image, rebuilt in a temporary directory ------------------------------------------------


@dataclass(frozen=True)
class Image:
    app: Path  # what /app holds
    venv: Path  # the interpreter and site-packages of the image
    home: Path

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    def environment(self, **overrides: str) -> dict[str, str]:
        """The container's environment: the image's ENV and nothing of this machine's."""
        return {
            "PATH": f"{self.venv / 'bin'}{os.pathsep}{os.defpath}",
            "HOME": str(self.home),
            "LANG": "C.UTF-8",  # as python:3.11-slim sets it
            **DOCKERFILE.env,
            **overrides,
        }


@pytest.fixture(scope="module")
def image() -> Iterator[Image]:
    # The steps below are those of the Dockerfile; if it changes, change them with it.
    assert "['project']['dependencies']" in DOCKERFILE.runs
    assert "pip install --requirement /tmp/runtime.txt --constraint requirements.lock" in (
        DOCKERFILE.runs
    )
    assert "mkdir -p var" in DOCKERFILE.runs

    with tempfile.TemporaryDirectory(prefix="iyowork-image-") as scratch:
        built = Image(Path(scratch, "app"), Path(scratch, "venv"), Path(scratch, "home"))
        built.home.mkdir()
        with _timed("COPY . ."):
            dockerignore = DockerIgnore.of(ROOT)
            for name in context_files(ROOT):
                if not dockerignore.excludes(name):
                    (built.app / name).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(ROOT / name, built.app / name)

        with _timed("pip install (runtime dependencies)"):
            # The venv carries no pip of its own: this environment's pip installs into it, with
            # this machine's index settings (as `make venv`). No .pyc files: the image has them,
            # but they change nothing about what imports (and cost half a minute).
            subprocess.run([sys.executable, "-m", "venv", "--without-pip", built.venv], check=True)
            pyproject = tomllib.loads((built.app / "pyproject.toml").read_text("utf-8"))
            runtime = Path(scratch, "runtime.txt")
            runtime.write_text("\n".join(pyproject["project"]["dependencies"]) + "\n", "utf-8")
            _run(
                [*_pip(built), "install", "--quiet", "--no-compile", "--requirement", str(runtime),
                 "--constraint", str(built.app / "requirements.lock")],
                cwd=built.app, env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
                timeout=1200,
            )  # fmt: skip

        with _timed("compileall, mkdir var"):
            command = ["python", "-m", "compileall", "-q", *DOCKERFILE.compiled_paths]
            _run(command, cwd=built.app, env=built.environment(), timeout=300)
            (built.app / "var").mkdir()
        yield built


def _pip(image: Image) -> list[str]:
    return [sys.executable, "-m", "pip", "--python", str(image.python)]


def _run(command: list[str], *, cwd: Path, env: dict[str, str], timeout: float) -> str:
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"{shlex.join(command)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@contextmanager
def _timed(step: str) -> Iterator[None]:
    """Logs how long a step of the build took (the install is most of this module's time)."""
    started = time.monotonic()
    yield
    log.info("image: %s took %.1f s", step, time.monotonic() - started)


def test_the_image_installs_the_locked_versions_and_no_dev_tool(image: Image) -> None:
    lock = (ROOT / "requirements.lock").read_text("utf-8").split()
    locked = dict(_pin(line) for line in lock if "==" in line)
    listed = _run(
        [*_pip(image), "list", "--format=freeze"], cwd=image.app, env=dict(os.environ), timeout=120
    )

    installed = dict(_pin(line) for line in listed.split())

    assert {name: locked.get(name) for name in installed} == installed
    assert not {"pytest", "mypy", "ruff", "playwright"} & installed.keys()


def _pin(line: str) -> tuple[str, str]:
    name, version = line.split("==", 1)
    return re.sub(r"[-_.]+", "-", name).lower(), version


def test_every_module_the_code_imports_is_in_the_image(image: Image) -> None:
    """Imports inside functions too: those fail only when that code runs, in production."""
    wanted = sorted(imported_modules(image.app, DOCKERFILE.compiled_paths))
    finder = (
        "import importlib.util, sys\n"
        "print(*(n for n in sys.argv[1:] if importlib.util.find_spec(n) is None))"
    )

    missing = _run(
        ["python", "-c", finder, *wanted], cwd=image.app, env=image.environment(), timeout=60
    ).split()

    assert missing == []


def imported_modules(app: Path, paths: list[str]) -> set[str]:
    """The top-level names every absolute import of the code asks for (outside TYPE_CHECKING)."""
    names: set[str] = set()
    files = [
        f for p in paths for f in ([app / p] if p.endswith(".py") else (app / p).rglob("*.py"))
    ]
    for file in files:
        tree = ast.parse(file.read_text("utf-8"), str(file))
        typing_only = {
            id(node)
            for block in ast.walk(tree)
            if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
            for statement in block.body
            for node in ast.walk(statement)
        }
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names


async def test_the_image_starts_and_answers_help_in_a_channel(
    image: Image, connector: FakeConnector, activities: Activities, tmp_path: Path
) -> None:
    bot = await asyncio.to_thread(start, image, tmp_path / "bot.log")
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                f"{bot.url}/api/messages", json=activities.channel_message("ヘルプ")
            ) as answer,
        ):
            assert answer.status in (200, 201), bot.log_tail()

        [posted] = await connector.wait_for_sent(1, within=30)
        assert posted.card is not None
        assert default_catalog().text("ja", "help.title") in texts(posted.card)
        # The SQLite fallback of the image, var/ under /app: the one place its user may write.
        assert (image.app / "var" / "iyowork.db").is_file()
        # The Dockerfile's HEALTHCHECK, run as Docker runs it inside the container.
        port = bot.url.rsplit(":", 1)[1]
        probe = await asyncio.to_thread(
            subprocess.run,
            DOCKERFILE.healthcheck,
            cwd=image.app,
            env=image.environment(PORT=port),
            timeout=30,
        )
        assert probe.returncode == 0
    finally:
        stopped = await asyncio.to_thread(bot.stop, 30.0)
    assert stopped == 0, bot.log_tail()  # `docker stop` sends SIGTERM


def start(image: Image, log_path: Path, timeout: float = 180.0) -> localstack.Child:
    """The Dockerfile's CMD in /app, with the image's environment on a free loopback port and no
    app id (the fake connector sends no token); DATABASE_URL is left to the image's default."""
    port = localstack.free_port()
    env = image.environment(HOST=localstack.LOOPBACK, PORT=str(port), MicrosoftAppId="")
    with log_path.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            DOCKERFILE.cmd, cwd=image.app, env=env, stdout=out, stderr=subprocess.STDOUT, text=True
        )
    bot = localstack.Child("bot", process, f"http://{localstack.LOOPBACK}:{port}", log_path)
    deadline = time.monotonic() + timeout
    while not _ready(f"{bot.url}/readyz"):
        if process.poll() is not None or time.monotonic() > deadline:
            bot.stop()
            raise AssertionError(f"the image's bot did not come up:\n{bot.log_tail()}")
        time.sleep(0.2)  # a child process gives no event to wait on
    return bot


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False
