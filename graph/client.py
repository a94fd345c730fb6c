"""The Graph client: msgraph-sdk's GraphServiceClient over the bot's own app registration.

Production signs in as the bot (client secret, or the user-assigned managed identity when
`MicrosoftAppType=UserAssignedMSI`) with the scope `https://graph.microsoft.com/.default`; the
channel permissions come from the team's RSC consent (`ChannelMessage.Read.Group`). Tests and
benchmarks pass their own credential and `base_url` (a fake Graph on 127.0.0.1).

The SDK's default middleware stays in place: its RetryHandler retries 429/503/504 up to three
times and waits what `Retry-After` says.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

from core.settings import Settings

GRAPH_SCOPE = "https://graph.microsoft.com/.default"
GRAPH_HOST = "graph.microsoft.com"


class GraphNotConfigured(Exception):
    """The settings have no app registration to sign in to Graph with."""


def graph_configured(settings: Settings) -> bool:
    """Whether the settings can sign in to Graph: an app id with its tenant, and a secret unless
    the app is a managed identity."""
    if not settings.app_id:
        return False
    if settings.app_type == "UserAssignedMSI":
        return True
    return bool(settings.app_password and settings.app_tenant_id)


def credential_from_settings(settings: Settings) -> Any:
    """An async azure-identity credential for the bot's app registration."""
    if not graph_configured(settings):
        raise GraphNotConfigured(
            "Graph needs MicrosoftAppId, MicrosoftAppTenantId and MicrosoftAppPassword "
            "(or MicrosoftAppType=UserAssignedMSI)"
        )
    if settings.app_type == "UserAssignedMSI":
        from azure.identity.aio import ManagedIdentityCredential

        return ManagedIdentityCredential(client_id=settings.app_id)
    from azure.identity.aio import ClientSecretCredential

    return ClientSecretCredential(
        tenant_id=settings.app_tenant_id,
        client_id=settings.app_id,
        client_secret=settings.app_password,
    )


def build_client(credential: Any, base_url: str) -> Any:
    """A GraphServiceClient that sends every request to `base_url` (`…/v1.0`).

    The credential's token is sent only to Graph itself and, for tests, to the host of a
    non-Graph `base_url` (plain http is accepted by the SDK for 127.0.0.1/localhost only)."""
    from msgraph import GraphRequestAdapter, GraphServiceClient
    from msgraph_core.authentication import AzureIdentityAuthenticationProvider

    host = (urlsplit(base_url).hostname or GRAPH_HOST).lower()
    auth = AzureIdentityAuthenticationProvider(
        credential, scopes=[GRAPH_SCOPE], allowed_hosts=sorted({GRAPH_HOST, host})
    )
    adapter = GraphRequestAdapter(auth)
    adapter.base_url = base_url.rstrip("/")
    return GraphServiceClient(request_adapter=adapter)


async def close_client(client: Any) -> None:
    """Closes the client's HTTP connections (the SDK offers no public close)."""
    http_client = getattr(client.request_adapter, "_http_client", None)
    if http_client is not None:
        await http_client.aclose()


@asynccontextmanager
async def graph_client(settings: Settings) -> AsyncIterator[Any]:
    """The bot's Graph client as configured (GRAPH_BASE_URL, app registration), closed with
    its credential afterwards."""
    credential = credential_from_settings(settings)
    client = build_client(credential, settings.graph_base_url)
    try:
        yield client
    finally:
        await close_client(client)
        await credential.close()
