"""An IT department runs `make package` for its tenant and gets a zip Teams would accept.

The manifest and both language files are checked offline against Microsoft's own JSON schemas
from the npm package @microsoft/app-manifest (pinned in tools/manifest/, installed by `make
test`). Without npm that check is skipped locally and fails under CI=true.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator, Draft6Validator, validators
from PIL import Image, ImageChops, ImageStat

from core.i18n import default_catalog
from core.settings import Settings
from dialogs import build_router
from dialogs.router import CommandMatcher
from tools import icons, package

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "tools/manifest/node_modules/@microsoft/app-manifest/build/json-schemas/teams"

APP_ID = "6f0c3b9e-52a4-4d1e-9a57-0c8d2e1f4a10"
DOMAIN = "iyowork.example.lg.jp"
PAGES = {
    "WEBSITE_URL": "https://iyowork.example.lg.jp/",
    "PRIVACY_URL": "https://iyowork.example.lg.jp/privacy",
    "TERMS_URL": "https://iyowork.example.lg.jp/terms",
}
IN_THE_ZIP = {"manifest.json", "ja-jp.json", "en-us.json", "color.png", "outline.png"}

# The schemas say draft-04 but use `const` (manifestVersion); honour it as Teams' own check does.
ManifestValidator = validators.extend(
    Draft4Validator, {"const": Draft6Validator.VALIDATORS["const"]}
)


def _make_package(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m tools.package` as `make package` runs it, with only the given variables."""
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in ("MicrosoftAppId", "BOT_DOMAIN")
    }
    return subprocess.run(
        [sys.executable, "-m", "tools.package", "--output", str(tmp_path / "iyowork-teams.zip")],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def zipped(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("package")
    result = _make_package(out, MicrosoftAppId=APP_ID, BOT_DOMAIN=DOMAIN, **PAGES)
    assert result.returncode == 0, result.stderr
    assert "iyowork-teams.zip" in result.stdout
    with zipfile.ZipFile(out / "iyowork-teams.zip") as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture(scope="module")
def manifest(zipped: dict[str, bytes]) -> dict[str, Any]:
    return json.loads(zipped["manifest.json"])


def _official_schema(name: str) -> dict[str, Any]:
    path = SCHEMAS / f"v{package.MANIFEST_VERSION}" / name
    if not path.is_file():
        how = "`make manifest-schema` installs it"
        if shutil.which("npm") is None:
            how = "npm not found: install Node.js, then `make manifest-schema` installs it"
        reason = f"the official schema {path.relative_to(ROOT)} is not installed ({how})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    schema: dict[str, Any] = json.loads(path.read_text("utf-8-sig"))
    return schema


def _errors(document: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    validator = ManifestValidator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(top)'}: {error.message}"
        for error in validator.iter_errors(document)
    ]


def test_the_zip_holds_the_manifest_its_languages_and_icons_at_its_root(
    zipped: dict[str, bytes],
) -> None:
    assert set(zipped) == IN_THE_ZIP


def test_the_manifest_is_valid_against_the_official_schema(manifest: dict[str, Any]) -> None:
    schema = _official_schema("MicrosoftTeams.schema.json")
    assert _errors(manifest, schema) == []
    assert manifest["manifestVersion"] == package.MANIFEST_VERSION
    assert manifest["$schema"].endswith(f"/v{package.MANIFEST_VERSION}/MicrosoftTeams.schema.json")


def test_the_schema_check_catches_a_manifest_teams_would_refuse(manifest: dict[str, Any]) -> None:
    schema = _official_schema("MicrosoftTeams.schema.json")
    wrong = json.loads(json.dumps(manifest))
    wrong["manifestVersion"] = "1.2"
    wrong["bots"][0]["commandLists"][0]["commands"] *= 2  # 20 commands
    wrong["developer"]["privacyUrl"] = "privacy.html"
    found = "\n".join(_errors(wrong, schema))
    assert "manifestVersion" in found
    assert "commands" in found
    assert "privacyUrl" in found


def test_both_language_files_are_valid_against_the_official_schema(
    zipped: dict[str, bytes],
) -> None:
    schema = _official_schema("MicrosoftTeams.Localization.schema.json")
    for name in ("ja-jp.json", "en-us.json"):
        assert _errors(json.loads(zipped[name]), schema) == [], name


def test_japanese_is_the_default_and_english_says_the_same_things(
    zipped: dict[str, bytes], manifest: dict[str, Any]
) -> None:
    ja, en = json.loads(zipped["ja-jp.json"]), json.loads(zipped["en-us.json"])
    assert set(ja) == set(en)
    info = manifest["localizationInfo"]
    assert info["defaultLanguageTag"] == "ja-jp"
    assert info["defaultLanguageFile"] == "ja-jp.json"
    assert info["additionalLanguages"] == [{"languageTag": "en-us", "file": "en-us.json"}]
    # Japanese is the default: the manifest itself speaks it, English comes from en-us.json.
    assert manifest["name"]["short"] == ja["name.short"]
    assert manifest["description"]["full"] == ja["description.full"]
    assert en["description.short"] != ja["description.short"]


def test_the_editable_texts_in_manifest_have_the_same_keys_in_both_languages() -> None:
    ja = json.loads((ROOT / "manifest/ja-jp.json").read_text("utf-8"))
    en = json.loads((ROOT / "manifest/en-us.json").read_text("utf-8"))
    assert (
        set(ja) == set(en) == {"name.short", "name.full", "description.short", "description.full"}
    )


def test_the_manifest_names_this_bot_its_host_and_the_organisations_pages(
    manifest: dict[str, Any],
) -> None:
    assert manifest["id"] == APP_ID
    assert manifest["bots"][0]["botId"] == APP_ID
    assert set(manifest["bots"][0]["scopes"]) == {"team", "groupChat", "personal"}
    assert manifest["validDomains"] == [DOMAIN]
    developer = manifest["developer"]
    assert developer["websiteUrl"] == PAGES["WEBSITE_URL"]
    assert developer["privacyUrl"] == PAGES["PRIVACY_URL"]
    assert developer["termsOfUseUrl"] == PAGES["TERMS_URL"]
    assert manifest["accentColor"] == icons.ACCENT_COLOR


def test_it_reads_channel_messages_by_the_teams_consent_and_works_in_shared_and_private_channels(
    manifest: dict[str, Any],
) -> None:
    assert manifest["webApplicationInfo"] == {"id": APP_ID, "resource": "https://RscPlaceholder"}
    assert manifest["authorization"]["permissions"]["resourceSpecific"] == [
        {"name": "ChannelMessage.Read.Group", "type": "Application"}
    ]
    assert sorted(manifest["supportedChannelTypes"]) == ["privateChannels", "sharedChannels"]
    assert manifest["supportsChannelFeatures"] == "tier1"


def test_each_command_menu_offers_at_most_ten_commands_the_bot_understands(
    zipped: dict[str, bytes], manifest: dict[str, Any]
) -> None:
    router, catalog = build_router(), default_catalog()
    matcher = CommandMatcher(router, catalog)
    lists = manifest["bots"][0]["commandLists"]
    assert sorted(scope for entry in lists for scope in entry["scopes"]) == sorted(
        ["team", "groupChat", "personal"]
    )
    en = json.loads(zipped["en-us.json"])
    for i, entry in enumerate(lists):
        commands = entry["commands"]
        assert 1 <= len(commands) <= package.MAX_COMMANDS
        assert len(commands) == min(package.MAX_COMMANDS, len(router.help_commands()))
        expected = package.choose_commands(router, entry["scopes"][0])
        titles = [command["title"] for command in commands]
        assert len(set(titles)) == len(titles)
        assert titles[0] == "ヘルプ"
        for j, command in enumerate(commands):
            english = en[f"bots[0].commandLists[{i}].commands[{j}].title"]
            # Picking a command puts its title in the compose box: the bot must understand it.
            for title in (command["title"], english):
                found = matcher.match(title)
                assert found is not None, title
                assert found.command.id == expected[j]
                assert found.command.id in router.commands
            assert 0 < len(command["description"]) <= package.DESCRIPTION_LIMIT
            assert 0 < len(en[f"bots[0].commandLists[{i}].commands[{j}].description"]) <= 128


def test_a_long_help_text_becomes_its_first_sentence_in_the_menu() -> None:
    assert (
        package.first_sentence("日程を調整します。日付を書けば開きます。") == "日程を調整します。"
    )
    assert package.first_sentence("Shows who. In a thread, that event.") == "Shows who."
    cut = package.first_sentence("あ" * 200)
    assert len(cut) == package.DESCRIPTION_LIMIT
    assert cut.endswith("…")


def test_the_icons_are_192_colour_and_32_white_on_transparent(zipped: dict[str, bytes]) -> None:
    color = Image.open(io.BytesIO(zipped["color.png"]))
    assert color.format == "PNG"
    assert color.size == (192, 192)
    outline = Image.open(io.BytesIO(zipped["outline.png"]))
    assert outline.format == "PNG"
    assert outline.size == (32, 32)
    assert outline.mode == "RGBA"
    pixels = list(outline.getdata())
    assert all((r, g, b) == (255, 255, 255) for r, g, b, a in pixels if a), "white only"
    alphas = [a for *_, a in pixels]
    assert alphas.count(0) > len(pixels) // 4, "mostly transparent"
    assert max(alphas) == 255
    corners = [outline.getpixel(xy) for xy in ((0, 0), (31, 0), (0, 31), (31, 31))]
    assert all(pixel[3] == 0 for pixel in corners)


def test_the_committed_icons_are_what_the_script_draws() -> None:
    for name, drawn in (("color.png", icons.draw_color()), ("outline.png", icons.draw_outline())):
        committed = Image.open(ROOT / "manifest" / name)
        assert committed.mode == drawn.mode and committed.size == drawn.size, name
        # A newer Pillow may round an edge pixel differently; the drawing itself must not change.
        difference = ImageStat.Stat(ImageChops.difference(committed, drawn)).mean
        assert max(difference) < 1.0, f"{name} differs: run `python -m tools.icons`"


def test_the_same_inputs_give_the_same_zip(tmp_path: Path) -> None:
    settings = Settings(**PAGES)  # type: ignore[arg-type]
    built = package.build(settings, app_id=APP_ID, domain=DOMAIN)
    first = package.write_zip(built, tmp_path / "a.zip").read_bytes()
    second = package.write_zip(built, tmp_path / "b.zip").read_bytes()
    assert first == second


def test_without_the_app_id_or_the_host_it_says_so_in_one_line(tmp_path: Path) -> None:
    result = _make_package(tmp_path, BOT_DOMAIN=DOMAIN)
    assert result.returncode != 0
    assert result.stderr.count("\n") == 1
    assert "MicrosoftAppId" in result.stderr and "BOT_DOMAIN" in result.stderr
    assert not (tmp_path / "iyowork-teams.zip").exists()


@pytest.mark.parametrize(
    ("app_id", "domain", "version", "named"),
    [
        ("not-a-guid", DOMAIN, "", "MicrosoftAppId"),
        (APP_ID, "https://iyowork.example.lg.jp/api/messages", "", "BOT_DOMAIN"),
        (APP_ID, "iyowork.example.lg.jp:443", "", "BOT_DOMAIN"),
        (APP_ID, DOMAIN, "v2", "APP_VERSION"),
    ],
)
def test_a_wrong_app_id_host_or_version_is_refused_by_name(
    app_id: str, domain: str, version: str, named: str
) -> None:
    with pytest.raises(package.PackageError, match=named):
        package.build(Settings(), app_id=app_id, domain=domain, version=version)


def test_the_version_is_the_projects_unless_a_tenant_bumps_its_own(
    manifest: dict[str, Any],
) -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert manifest["version"] == project["project"]["version"]
    bumped = package.build(Settings(), app_id=APP_ID, domain=DOMAIN, version="7.0.1")
    assert bumped.manifest["version"] == "7.0.1"
