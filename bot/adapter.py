"""botbuilder's aiohttp CloudAdapter, fixed where it answers the Bot Connector with a wrong 500.

- Adaptive Card invokes: ActivityHandler has already turned the invoke body into a dict and the
  stock `process` serialises it again, so every `adaptiveCard/action` answered 500.
- Bad tokens: the stock `process` maps only PermissionError to 401; expired, forged or garbage
  JWTs raise jwt errors / IndexError / ValueError and became 500.
- A failed turn: without `on_turn_error` the exception reached aiohttp as 500 and the connector
  redelivered the activity. Here it is logged (activity id and code location only) and answered.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

import requests
from aiohttp import web
from botbuilder.core import Bot, InvokeResponse, TurnContext
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botbuilder.schema import Activity, ActivityTypes
from botframework.connector.auth import ConnectorFactory
from msrest.exceptions import DeserializationError
from msrest.serialization import Model

from core.settings import Settings

log = logging.getLogger(__name__)

INVOKE_ERROR_BODY: dict[str, Any] = {
    "statusCode": 500,
    "type": "application/vnd.microsoft.error",
    "value": {"code": "InternalError", "message": "The bot could not handle this action."},
}


class IyoCloudAdapter(CloudAdapter):  # type: ignore[misc]
    """A CloudAdapter whose HTTP answers are: 401 for any token that does not validate, 503 when
    the token signing keys cannot be fetched, 400 for an activity botbuilder cannot read, the
    invoke response (serialised once) for invokes, and 201 otherwise — also when the turn
    failed, so the connector does not redeliver it."""

    def __init__(self, bot_framework_authentication: Any) -> None:
        super().__init__(bot_framework_authentication)
        self.on_turn_error = self._on_turn_error

    async def process(
        self, request: web.Request, bot: Bot, ws_response: Any = None
    ) -> web.Response:
        """Drop-in for `CloudAdapter.process` (POST only; no streaming connections)."""
        if request.method != "POST":
            return web.Response(status=405, text="POST an activity")
        try:
            body = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            return web.Response(status=400, text="the body is not JSON")
        if not isinstance(body, dict):
            return web.Response(status=400, text="the body is not an activity")
        return await self.process_body(body, request.headers.get("Authorization", ""), bot)

    async def process_body(
        self, body: Mapping[str, Any], auth_header: str, bot: Bot
    ) -> web.Response:
        """Authenticate and run one activity (already parsed JSON) through `bot`."""
        try:
            activity = Activity().deserialize(dict(body))
        except DeserializationError:
            return web.Response(status=400, text="the body is not an activity")
        if not activity.type:
            return web.Response(status=400, text="the activity has no type")

        try:
            authenticated = await self.bot_framework_authentication.authenticate_request(
                activity, auth_header
            )
        except requests.RequestException as exc:
            # Fetching Microsoft's signing keys failed: not the caller's fault, let it retry.
            log.warning(
                "token keys unavailable for activity %s: %s", activity.id, type(exc).__name__
            )
            return web.Response(status=503, text="cannot validate tokens right now")
        except Exception as exc:
            # Whatever botbuilder or PyJWT raised, the token did not prove who sent this.
            log.info("rejected activity %s: %s", activity.id, type(exc).__name__)
            return web.Response(status=401, text="unauthorized")

        try:
            invoke_response = await self.process_activity(authenticated, activity, bot.on_turn)
        except Exception as exc:
            # on_turn_error covers the turn; this covers botbuilder failing around it.
            _log_failure(activity, exc)
            invoke_response = _invoke_error() if activity.type == ActivityTypes.invoke else None
        return _http_response(invoke_response)

    async def _on_turn_error(self, context: TurnContext, error: Exception) -> None:
        _log_failure(context.activity, error)
        if context.activity.type == ActivityTypes.invoke and not context.turn_state.get(
            self._INVOKE_RESPONSE_KEY
        ):
            context.turn_state[self._INVOKE_RESPONSE_KEY] = Activity(
                type=ActivityTypes.invoke_response, value=_invoke_error()
            )


def _invoke_error() -> InvokeResponse:
    # Universal Actions report errors inside a 200: Teams then tells the user the action failed.
    return InvokeResponse(status=200, body=INVOKE_ERROR_BODY)


def _http_response(invoke_response: InvokeResponse | None) -> web.Response:
    if invoke_response is None:
        return web.Response(status=201)
    body = invoke_response.body
    if isinstance(body, Model):
        body = body.serialize()
    if body is None:
        return web.Response(status=invoke_response.status)
    return web.json_response(body, status=invoke_response.status)


def _log_failure(activity: Activity | None, error: BaseException) -> None:
    """Log where it failed, never what was in it: exception messages can carry message text,
    card data or tokens, so only the exception type and the code locations are written."""
    frames = traceback.extract_tb(error.__traceback__)
    where = " <- ".join(
        f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno} {frame.name}" for frame in frames[::-1]
    )
    log.error(
        "turn failed for activity %s (%s): %s at %s",
        getattr(activity, "id", None),
        getattr(activity, "type", None),
        type(error).__name__,
        where or "?",
    )


def bot_configuration(settings: Settings) -> SimpleNamespace:
    """The configuration object botbuilder reads (APP_ID, APP_PASSWORD, APP_TYPE, APP_TENANTID).
    Without an app id the app type is left out: botbuilder then defaults to MultiTenant with auth
    off, where SingleTenant/UserAssignedMSI would raise for the missing id."""
    config = SimpleNamespace(APP_ID=settings.app_id, APP_PASSWORD=settings.app_password)
    if settings.app_id:
        config.APP_TYPE = settings.app_type
        config.APP_TENANTID = settings.app_tenant_id
    return config


class _ReusedConnectors(ConnectorFactory):  # type: ignore[misc]
    """Hands out one connector client per (service URL, audience) instead of a new one a turn:
    building an msrest client costs more CPU than the rest of a small turn."""

    def __init__(self, inner: Any, clients: dict[tuple[str, str | None], Any]) -> None:
        self._inner = inner
        self._clients = clients

    async def create(self, service_url: str, audience: str | None = None) -> Any:
        key = (service_url, audience)
        client = self._clients.get(key)
        if client is None:
            if len(self._clients) >= 64:
                self._clients.clear()
            client = self._clients[key] = await self._inner.create(service_url, audience)
        return client


class LeanAuthentication(ConfigurationBotFrameworkAuthentication):  # type: ignore[misc]
    """botbuilder builds a connector client and a user-token client for every activity; the
    bot's credentials are the same every time, so both are built once and reused."""

    def __init__(self, configuration: Any) -> None:
        super().__init__(configuration)
        self._turn_connectors: dict[tuple[str, str | None], Any] = {}
        self._token_clients: dict[tuple[Any, ...], Any] = {}

    async def authenticate_request(self, activity: Activity, auth_header: str) -> Any:
        result = await super().authenticate_request(activity, auth_header)
        if result.connector_factory is not None:
            result.connector_factory = _ReusedConnectors(
                result.connector_factory, self._turn_connectors
            )
        return result

    async def create_user_token_client(self, claims_identity: Any) -> Any:
        claims = claims_identity.claims or {}
        key = (claims.get("aud"), claims.get("appid"), claims.get("azp"))
        client = self._token_clients.get(key)
        if client is None:
            client = await super().create_user_token_client(claims_identity)
            self._token_clients[key] = client
        return client


def build_adapter(settings: Settings) -> IyoCloudAdapter:
    """The adapter for these settings; auth is on exactly when `settings.app_id` is set."""
    return IyoCloudAdapter(LeanAuthentication(bot_configuration(settings)))
