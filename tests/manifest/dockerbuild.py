"""What `docker build` reads, without Docker: the Dockerfile's instructions, the .dockerignore
rules, and the files of the build context."""

from __future__ import annotations

import json
import posixpath
import re
import shlex
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

# --- the Dockerfile ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dockerfile:
    instructions: list[tuple[str, str]]  # (KEYWORD, arguments), continuation lines joined

    @classmethod
    def read(cls, path: Path) -> Dockerfile:
        instructions, current = [], ""
        for raw in path.read_text("utf-8").splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue  # comments may sit inside a continued instruction too
            if line.endswith("\\"):
                current += line[:-1] + " "
                continue
            keyword, _, arguments = (current + line).partition(" ")
            instructions.append((keyword.upper(), arguments.strip()))
            current = ""
        return cls(instructions)

    def arguments(self, keyword: str) -> list[str]:
        return [arguments for word, arguments in self.instructions if word == keyword]

    @property
    def runs(self) -> str:
        """Every RUN, as one shell line."""
        return " && ".join(self.arguments("RUN"))

    @property
    def env(self) -> dict[str, str]:
        """The ENV the image sets (the `KEY=value …` form)."""
        env: dict[str, str] = {}
        for arguments in self.arguments("ENV"):
            for item in shlex.split(arguments):
                key, _, value = item.partition("=")
                env[key] = value
        return env

    @property
    def cmd(self) -> list[str]:
        [cmd] = self.arguments("CMD")
        command: list[str] = json.loads(cmd)
        return command

    @property
    def healthcheck(self) -> list[str]:
        """The command of the HEALTHCHECK (its exec form)."""
        [healthcheck] = self.arguments("HEALTHCHECK")
        command: list[str] = json.loads(healthcheck.split(" CMD ", 1)[1])
        return command

    @property
    def compiled_paths(self) -> list[str]:
        """What the image byte-compiles: the code of the bot."""
        match = re.search(r"python -m compileall -q ((?:[\w./]+ ?)+)", self.runs)
        assert match, "the Dockerfile no longer compiles the code as these tests expect"
        return match.group(1).split()


# --- .dockerignore -------------------------------------------------------------------------------


@dataclass(frozen=True)
class IgnorePattern:
    """One line of a .dockerignore, compiled the way moby/patternmatcher (BuildKit's) does."""

    cleaned: str
    exception: bool  # a `!` line: takes back what earlier lines excluded
    kind: str  # exact | prefix | suffix | regexp
    regex: re.Pattern[str] | None

    @classmethod
    def compile(cls, line: str) -> IgnorePattern:
        exception = line.startswith("!")
        pattern = line[1:] if exception else line
        if not pattern:
            raise ValueError('illegal exclusion pattern: "!"')
        regex, kind, i, pos = "", "exact", 0, 0
        while pos < len(pattern):
            char = pattern[pos]
            pos += 1
            if char == "*" and pattern[pos : pos + 1] == "*":
                pos += 1
                if pattern[pos : pos + 1] == "/":
                    pos += 1  # `**/` is `**`
                if pos == len(pattern):  # a trailing `**` takes everything below
                    if kind == "exact":
                        kind = "prefix"
                    else:
                        regex, kind = regex + ".*", "regexp"
                else:  # any number of directories, zero included
                    regex, kind = regex + "(.*/)?", "regexp"
                if i == 0:
                    kind = "suffix"
            elif char == "*":
                regex, kind = regex + "[^/]*", "regexp"
            elif char == "?":
                regex, kind = regex + "[^/]", "regexp"
            elif char in ".+()|{}$":
                regex += "\\" + char
            elif char == "\\" and pos < len(pattern):
                regex, kind = regex + "\\" + pattern[pos], "regexp"
                pos += 1
            elif char == "\\":
                regex += "\\\\"
            elif char in "[]":
                regex, kind = regex + char, "regexp"
            else:
                regex += char
            i += 1
        return cls(pattern, exception, kind, re.compile(regex) if kind == "regexp" else None)

    def matches(self, path: str) -> bool:
        if self.kind == "exact":
            return path == self.cleaned
        if self.kind == "prefix":
            return path.startswith(self.cleaned[:-2])
        if self.kind == "suffix":
            suffix = self.cleaned[2:]
            return path.endswith(suffix) or (suffix.startswith("/") and path == suffix[1:])
        assert self.regex is not None
        return self.regex.fullmatch(path) is not None


class DockerIgnore:
    """The rules of Docker's .dockerignore (docs.docker.com, "Build context"; the code is
    moby/patternmatcher, which BuildKit uses): patterns are relative to the context root, so a
    pattern without a slash matches at the root only (unlike .gitignore); `*` and `?` stay within
    one path segment, `**` spans any number of directories; a matched directory takes all below
    it; `!` lines make exceptions, and the last line that matches a path decides."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.patterns = [IgnorePattern.compile(line) for line in _read_ignore_lines(lines)]

    @classmethod
    def of(cls, context: Path) -> DockerIgnore:
        path = context / ".dockerignore"
        return cls(path.read_text("utf-8-sig").splitlines() if path.exists() else [])

    def excludes(self, path: str) -> bool:
        """Whether the context path (slash-separated, relative) stays out of `COPY . .`."""
        path = _clean(path)
        parent = posixpath.dirname(path) or "."
        parents = parent.split("/")
        excluded = False
        for pattern in self.patterns:
            if pattern.exception != excluded:
                continue  # only exceptions can change an exclusion, and the other way round
            matched = pattern.matches(path) or (
                parent != "."
                and any(pattern.matches("/".join(parents[: n + 1])) for n in range(len(parents)))
            )
            if matched:
                excluded = not pattern.exception
        return excluded


def _read_ignore_lines(lines: Iterable[str]) -> Iterator[str]:
    for line in lines:
        if line.startswith("#"):  # a comment only from the first column
            continue
        pattern = line.strip()
        if not pattern:
            continue
        exception = pattern.startswith("!")
        if exception:
            pattern = pattern[1:].strip()
        if pattern:
            pattern = _clean(pattern)
            if len(pattern) > 1 and pattern.startswith("/"):
                pattern = pattern[1:]  # "/foo" is "foo": the context is the root
        yield ("!" if exception else "") + pattern


def _clean(path: str) -> str:
    """Go's filepath.Clean (normpath keeps a leading "//", Go does not)."""
    cleaned = posixpath.normpath(path)
    return cleaned[1:] if cleaned.startswith("//") else cleaned


# --- the build context ---------------------------------------------------------------------------


def context_files(root: Path) -> list[str]:
    """The files of the build context: tracked ones, and new ones git does not ignore (a clean
    clone, as in CI, has only the former; see `git_ignored` for the rest of a working copy)."""
    listed = git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    # A tracked file deleted in the working tree is not in the context.
    return sorted({name for name in listed.split("\0") if name and (root / name).is_file()})


def git_ignored(root: Path) -> list[str]:
    """What git ignores in the working copy (a directory wholly ignored ends with `/`)."""
    listed = git(
        root, "ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory"
    )
    return [name for name in listed.split("\0") if name]


def git(root: Path, *args: str) -> str:
    if shutil.which("git") is None or not (root / ".git").exists():
        pytest.skip("the build context is listed with git: needs git and a clone")
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True
    ).stdout
