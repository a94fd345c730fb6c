"""graph/client.py: the bot signs in to Graph with its own app registration, or not at all."""

from __future__ import annotations

from typing import Any

import pytest

from core.settings import Settings
from graph.client import (
    GraphNotConfigured,
    credential_from_settings,
    graph_client,
    graph_configured,
)


def settings(**values: Any) -> Settings:
    return Settings(**values)  # type: ignore[arg-type]


APP = {"MicrosoftAppId": "00000000-0000-0000-0000-0000000000b0"}


def test_graph_needs_the_app_id_its_tenant_and_a_secret_or_a_managed_identity() -> None:
    assert not graph_configured(settings(MicrosoftAppId=""))
    assert not graph_configured(settings(**APP, MicrosoftAppPassword="s"))
    assert graph_configured(settings(**APP, MicrosoftAppPassword="s", MicrosoftAppTenantId="t"))
    assert graph_configured(settings(**APP, MicrosoftAppType="UserAssignedMSI"))


async def test_the_credential_is_the_apps_secret_or_its_managed_identity() -> None:
    secret = credential_from_settings(
        settings(**APP, MicrosoftAppPassword="s", MicrosoftAppTenantId="t")
    )
    managed = credential_from_settings(settings(**APP, MicrosoftAppType="UserAssignedMSI"))

    assert type(secret).__name__ == "ClientSecretCredential"
    assert type(managed).__name__ == "ManagedIdentityCredential"
    await secret.close()
    await managed.close()
    with pytest.raises(GraphNotConfigured, match="MicrosoftAppId"):
        credential_from_settings(settings(MicrosoftAppId=""))


async def test_the_client_goes_to_graph_base_url_and_closes_with_its_credential() -> None:
    configured = settings(
        **APP, MicrosoftAppPassword="s", MicrosoftAppTenantId="t",
        GRAPH_BASE_URL="http://127.0.0.1:9/v1.0/",
    )  # fmt: skip

    async with graph_client(configured) as client:
        assert client.request_adapter.base_url == "http://127.0.0.1:9/v1.0"
