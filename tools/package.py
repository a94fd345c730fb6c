"""`make package`: the Teams app package for one tenant, `build/iyowork-teams.zip`.

    MicrosoftAppId=<bot app id> BOT_DOMAIN=<bot host> python -m tools.package [--output PATH]

APP_VERSION (optional) overrides the app's version, which otherwise is the project's.

The manifest is built here, not filled into a JSON template: half of it is computed (the app id,
the bot's host, the privacy and terms pages from the settings, and the command menus, which come
from the commands the router registers and their words and help in the message catalog), and
the localisation files must index into exactly those command lists. What an organisation may
want to reword, the app's name and descriptions, lives in `manifest/ja-jp.json` and
`manifest/en-us.json`; the icons are `manifest/color.png` and `manifest/outline.png`, drawn by
`python -m tools.icons`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tomllib
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from core.settings import Settings, SettingsError, load_settings
from tools.icons import ACCENT_COLOR

if TYPE_CHECKING:
    from core.i18n import Catalog, Locale
    from dialogs.router import Router

ROOT = Path(__file__).resolve().parents[1]
MANIFEST_DIR = ROOT / "manifest"
DEFAULT_OUTPUT = ROOT / "build" / "iyowork-teams.zip"

# The newest schema whose JSON schema ships in the pinned @microsoft/app-manifest
# (tools/manifest/package.json); tests/manifest/ validates against exactly this version.
MANIFEST_VERSION = "1.30"
SCHEMA_BASE = f"https://developer.microsoft.com/json-schemas/teams/v{MANIFEST_VERSION}"

# Teams shows at most 10 commands per scope in its command menu.
MAX_COMMANDS = 10
DESCRIPTION_LIMIT = 128  # one line in the menu; longer help stays in ヘルプ

Scope = Literal["team", "groupChat", "personal"]
SCOPES: tuple[Scope, ...] = ("team", "groupChat", "personal")

# Teams language tag → catalog locale; DEFAULT_LANGUAGE is what the manifest itself speaks.
LANGUAGES: dict[str, Locale] = {"ja-jp": "ja", "en-us": "en"}
DEFAULT_LANGUAGE = "ja-jp"

# The commands each menu offers first, most useful first. A command that is not registered
# (yet) is skipped; free places go to the other help commands in help order.
PREFERRED_COMMANDS: dict[Scope, tuple[str, ...]] = {
    # A channel: where polls, events and threads live.
    "team": (
        "help", "poll", "register", "summary", "search", "attendees", "event", "poll_decide",
        "feedback", "settings", "feedback_summary", "who", "participation",
    ),
    # A group chat, such as the coordinators' own.
    "groupChat": (
        "help", "poll", "event", "poll_decide", "register", "attendees", "feedback_summary",
        "participation", "feedback",
    ),
    # Someone's personal chat with the bot: their own registrations, answers and data.
    "personal": (
        "help", "register", "feedback", "search", "summary", "who", "attendees", "mydata",
        "digest", "participation", "feedback_summary",
    ),
}  # fmt: skip
# Commands that answer a group chat with a refusal: the thread copies are a team channel's.
NOT_IN_SCOPE: dict[Scope, frozenset[str]] = {"groupChat": frozenset({"summary", "search", "who"})}

_GUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_HOST = re.compile(rf"^{_LABEL}(?:\.{_LABEL})+$")
_VERSION = re.compile(r"^\d{1,5}\.\d{1,5}\.\d{1,5}$")
_SENTENCE_END = re.compile(r"(?<=[。.!?！？])\s*")


class PackageError(Exception):
    """What is missing or wrong, in one line for the person running `make package`."""


@dataclass(frozen=True)
class AppPackage:
    """Everything that goes into the zip: the manifest, one strings file per language, icons."""

    manifest: dict[str, Any]
    languages: dict[str, dict[str, str]]  # file name → localisation strings
    icons: dict[str, Path]  # file name → PNG

    def files(self) -> dict[str, bytes]:
        """The zip's files by name, all at its root (Teams wants no folders)."""
        files = {"manifest.json": _json(self.manifest)}
        files.update({name: _json(strings) for name, strings in self.languages.items()})
        files.update({name: path.read_bytes() for name, path in self.icons.items()})
        return files


def choose_commands(router: Router, scope: Scope) -> list[str]:
    """The ids of the commands the menu of `scope` offers (at most MAX_COMMANDS)."""
    registered = {command.id for command in router.help_commands()}
    chosen = [id_ for id_ in PREFERRED_COMMANDS[scope] if id_ in registered]
    left_out = NOT_IN_SCOPE.get(scope, frozenset())
    chosen += [c.id for c in router.help_commands() if c.id not in chosen and c.id not in left_out]
    return chosen[:MAX_COMMANDS]


def command_entry(catalog: Catalog, locale: Locale, command_id: str) -> dict[str, str]:
    """A menu entry: the command's first word in `locale` (what Teams puts in the compose box,
    so it must be a word the router knows) and the first sentence of its help."""
    words = catalog.raw(locale, f"commands.{command_id}.words")
    if not isinstance(words, list) or not words:
        raise PackageError(f"command {command_id} has no words in the {locale} catalog")
    help_text = catalog.text(locale, f"commands.{command_id}.help")
    return {"title": str(words[0]), "description": first_sentence(help_text)}


def first_sentence(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """The first sentence of `text`, cut to `limit` characters with an ellipsis if need be."""
    sentence = _SENTENCE_END.split(text.strip(), maxsplit=1)[0].strip()
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def check_app_id(value: str) -> str:
    value = value.strip()
    if not _GUID.match(value):
        raise PackageError(
            "MicrosoftAppId must be the bot's Entra application (client) id, "
            f"a GUID like 00000000-0000-0000-0000-000000000000 (got {value!r})"
        )
    return value.lower()


def check_domain(value: str) -> str:
    value = value.strip().lower()
    if not _HOST.match(value):
        raise PackageError(
            "BOT_DOMAIN must be the bot's host name only, like iyowork.example.lg.jp "
            f"(no https://, port or path; got {value!r})"
        )
    return value


def read_strings(language: str, directory: Path = MANIFEST_DIR) -> dict[str, str]:
    """The app's name and descriptions in one language (`manifest/<language>.json`)."""
    path = directory / f"{language}.json"
    try:
        strings = json.loads(path.read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise PackageError(f"cannot read {path}: {exc}") from None
    if not isinstance(strings, dict) or not all(isinstance(v, str) for v in strings.values()):
        raise PackageError(f"{path} must be an object of strings")
    return {str(key): value for key, value in strings.items()}


def app_version(override: str = "") -> str:
    """The project's version (pyproject.toml), or `override` (APP_VERSION): Teams takes an
    updated package only with a higher version, so a tenant that rewords its own copy bumps it."""
    if override:
        if not _VERSION.match(override.strip()):
            raise PackageError(f"APP_VERSION must look like 1.2.3 (got {override!r})")
        return override.strip()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    return str(project["project"]["version"])


def build(
    settings: Settings,
    *,
    app_id: str,
    domain: str,
    router: Router | None = None,
    catalog: Catalog | None = None,
    manifest_dir: Path = MANIFEST_DIR,
    version: str = "",
) -> AppPackage:
    """The app package for the bot `app_id` served at `domain` (`version`: see app_version)."""
    app_id, domain = check_app_id(app_id), check_domain(domain)
    version = app_version(version)
    if router is None:
        from dialogs import build_router

        router = build_router()
    if catalog is None:
        from core.i18n import default_catalog

        catalog = default_catalog()

    menus = [(scope, choose_commands(router, scope)) for scope in SCOPES]
    languages: dict[str, dict[str, str]] = {}
    for language, locale in LANGUAGES.items():
        strings = {"$schema": f"{SCHEMA_BASE}/MicrosoftTeams.Localization.schema.json"}
        strings.update(read_strings(language, manifest_dir))
        for i, (_, ids) in enumerate(menus):
            for j, command_id in enumerate(ids):
                entry = command_entry(catalog, locale, command_id)
                strings[f"bots[0].commandLists[{i}].commands[{j}].title"] = entry["title"]
                strings[f"bots[0].commandLists[{i}].commands[{j}].description"] = entry[
                    "description"
                ]
        languages[f"{language}.json"] = strings

    default = languages[f"{DEFAULT_LANGUAGE}.json"]
    default_locale = LANGUAGES[DEFAULT_LANGUAGE]
    manifest: dict[str, Any] = {
        "$schema": f"{SCHEMA_BASE}/MicrosoftTeams.schema.json",
        "manifestVersion": MANIFEST_VERSION,
        "version": version,
        "id": app_id,
        "localizationInfo": {
            "defaultLanguageTag": DEFAULT_LANGUAGE,
            "defaultLanguageFile": f"{DEFAULT_LANGUAGE}.json",
            "additionalLanguages": [
                {"languageTag": language, "file": f"{language}.json"}
                for language in LANGUAGES
                if language != DEFAULT_LANGUAGE
            ],
        },
        "developer": {
            "name": "IYO WORK",
            "websiteUrl": settings.website_url,
            "privacyUrl": settings.privacy_url,
            "termsOfUseUrl": settings.terms_url,
        },
        "name": _pick(default, "name", ("short", "full")),
        "description": _pick(default, "description", ("short", "full")),
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": ACCENT_COLOR,
        "bots": [
            {
                "botId": app_id,
                "scopes": list(SCOPES),
                "supportsFiles": False,
                "isNotificationOnly": False,
                "commandLists": [
                    {
                        "scopes": [scope],
                        "commands": [command_entry(catalog, default_locale, c) for c in ids],
                    }
                    for scope, ids in menus
                ],
            }
        ],
        # The community spans 21 organisations, so its channels may be shared or private.
        "supportedChannelTypes": ["sharedChannels", "privateChannels"],
        # Microsoft asks an app for shared and private channels to declare it supports their
        # features (channel-scoped membership, rosters, tenants); manifest 1.25 and later.
        "supportsChannelFeatures": "tier1",
        # "Add" opens "Add to a team": that is where the RSC consent below is granted.
        "defaultInstallScope": "team",
        "defaultGroupCapability": {"team": "bot", "groupchat": "bot"},
        "validDomains": [domain],
        "webApplicationInfo": {"id": app_id, "resource": "https://RscPlaceholder"},
        # Read the team's channel messages (history sync through Graph, and every post without
        # an @mention) on the consent of whoever adds the app to the team: no tenant-wide grant.
        "authorization": {
            "permissions": {
                "resourceSpecific": [{"name": "ChannelMessage.Read.Group", "type": "Application"}]
            }
        },
    }
    icons = {"color.png": manifest_dir / "color.png", "outline.png": manifest_dir / "outline.png"}
    for path in icons.values():
        if not path.is_file():
            raise PackageError(f"{path} is missing: draw the icons with `python -m tools.icons`")
    return AppPackage(manifest, languages, icons)


def write_zip(package: AppPackage, path: Path) -> Path:
    """Writes the package; the same inputs give the same bytes (fixed timestamps, order)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in package.files().items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return path


def _pick(strings: Mapping[str, str], prefix: str, parts: Sequence[str]) -> dict[str, str]:
    return {part: strings[f"{prefix}.{part}"] for part in parts if f"{prefix}.{part}" in strings}


def _json(value: object) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.package", description=__doc__)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="the zip to write")
    args = parser.parse_args(argv)
    # Azure Bot's own spelling of the name, as core/settings.py reads it.
    app_id = os.environ.get("MicrosoftAppId", "")  # noqa: SIM112
    domain = os.environ.get("BOT_DOMAIN", "")
    try:
        if not app_id or not domain:
            raise PackageError(
                "set MicrosoftAppId (the bot's Entra app id) and BOT_DOMAIN (its host name), "
                "e.g. MicrosoftAppId=<guid> BOT_DOMAIN=iyowork.example.lg.jp make package"
            )
        settings = load_settings()
        built = build(
            settings, app_id=app_id, domain=domain, version=os.environ.get("APP_VERSION", "")
        )
        path = write_zip(built, args.output)
    except (PackageError, SettingsError) as error:
        print(f"make package: {error}", file=sys.stderr)
        return 2
    version = built.manifest["version"]
    print(f"wrote {path} (version {version}, bot {app_id.lower()} at {domain.lower()})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
