"""A recording Deliverer: the far side of our port, as Teams would behave, in memory.

It posts into per-conversation timelines and can be told to fail the next sends into a
conversation: RetryLater and Refused post nothing, Ambiguous posts and then loses the answer
(the case that must never lead to a second copy). It can also stall the next send into a
conversation: Teams does not answer until the test says so (or ever, when the bot dies).
"""

from __future__ import annotations

import asyncio
import itertools
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import datetime

from core.clock import Clock
from dialogs.platform.ports import Address, Ambiguous, Delivered, DeliveryError, Member, Refused
from dialogs.replies import Message


@dataclass
class Posted:
    """A message as people see it in Teams (its latest state after updates)."""

    activity_id: str
    conversation_id: str
    message: Message
    reply_to: str | None
    at: datetime
    updates: int = 0

    @property
    def text(self) -> str | None:
        return self.message.text


class RecordingDeliverer:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.posted: list[Posted] = []
        self.calls: list[tuple[str, str, datetime]] = []  # (operation, conversation, when)
        self.opened_chats: list[str] = []  # teams ids we opened a 1:1 chat with
        self.unreachable: set[str] = set()  # teams ids whose 1:1 chat Teams refuses
        self.delivered = asyncio.Event()
        self.stalled = asyncio.Event()  # a send is waiting for Teams to answer
        self._stalls: dict[str, asyncio.Event] = {}
        self._failures: dict[str, deque[DeliveryError]] = defaultdict(deque)
        self._ids = itertools.count(1_700_000_000_000)

    def fail_next(self, conversation_id: str, *errors: DeliveryError) -> None:
        self._failures[conversation_id].extend(errors)

    def stall_next(self, conversation_id: str) -> asyncio.Event:
        """The next send into the conversation waits until the returned event is set, then
        posts."""
        answer = self._stalls[conversation_id] = asyncio.Event()
        return answer

    def in_conversation(self, conversation_id: str) -> list[Posted]:
        return [p for p in self.posted if p.conversation_id.startswith(conversation_id)]

    async def post_to_channel(self, address: Address, message: Message) -> Delivered:
        posted = await self._post("post", address, message, None)
        return Delivered(
            posted.activity_id, f"{address.conversation_id};messageid={posted.activity_id}"
        )

    async def send(
        self, address: Address, message: Message, reply_to: str | None = None
    ) -> Delivered:
        posted = await self._post("send", address, message, reply_to)
        return Delivered(posted.activity_id, address.conversation_id)

    async def open_personal_chat(self, address: Address, member: Member) -> Address:
        await asyncio.sleep(0)
        self.calls.append(("open", address.conversation_id, self.clock.now()))
        if member.teams_id in self.unreachable:
            raise Refused("Forbidden: the user is not reachable", status=403)
        self.opened_chats.append(member.teams_id)
        return Address(address.service_url, f"a:1on1-{member.teams_id}", address.tenant_id)

    async def update(self, address: Address, activity_id: str, message: Message) -> None:
        await asyncio.sleep(0)  # let a second worker run in between, as over HTTP
        self.calls.append(("update", address.conversation_id, self.clock.now()))
        error = self._next_failure(address.conversation_id)
        if error is not None and not isinstance(error, Ambiguous):
            raise error
        for posted in self.posted:
            if posted.activity_id == activity_id:
                posted.message = message
                posted.updates += 1
        if error is not None:
            raise error

    async def _post(
        self, operation: str, address: Address, message: Message, reply_to: str | None
    ) -> Posted:
        await asyncio.sleep(0)
        self.calls.append((operation, address.conversation_id, self.clock.now()))
        answer = self._stalls.pop(address.conversation_id.split(";")[0], None)
        if answer is not None:
            self.stalled.set()
            await answer.wait()
        error = self._next_failure(address.conversation_id.split(";")[0])
        if error is not None and not isinstance(error, Ambiguous):
            raise error
        posted = Posted(
            str(next(self._ids)), address.conversation_id, message, reply_to, self.clock.now()
        )
        self.posted.append(posted)
        self.delivered.set()
        if error is not None:
            raise error  # Teams posted it, but the answer was lost
        return posted

    def _next_failure(self, conversation_id: str) -> DeliveryError | None:
        queue = self._failures.get(conversation_id)
        return queue.popleft() if queue else None
