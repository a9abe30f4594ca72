"""Phones of a live round: EventSource streams through nginx and answers, on one event loop.

Run by ``python -m bench.live_round`` as its own process. Reads one JSON line on stdin (host,
port, session id, and per player a session cookie, a bearer token and the player's id),
subscribes every player to its bucket's channel ``/push/sub/live-<id>-p<k>`` and prints
``connected <n> <refused> <seconds>``. When a player's stream brings a question it has not
seen, it records the wall-clock time and answers after a random delay within ``window`` seconds
(an option picked at random: the phone cannot know the right one) on its own keep-alive
connection, timing the acknowledgement. After each question it prints ``answered <index>
<acknowledged> <refused>`` once every player has an outcome. A line ``stop`` ends the run; it
then prints one JSON line with what it saw.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from live.services.messages import PLAYER_BUCKETS

CONNECTING_AT_ONCE = 200


@dataclass
class Seen:
    connected: int = 0
    refused: int = 0
    received: dict[int, list[float]] = field(default_factory=dict)  # index -> wall times
    acks: dict[int, list[float]] = field(default_factory=dict)  # index -> ms
    answer_refusals: dict[int, list[int]] = field(default_factory=dict)  # index -> statuses
    reveals: dict[int, dict[str, int]] = field(default_factory=dict)  # index -> counts
    outcomes: dict[int, int] = field(default_factory=dict)


class Phone:
    def __init__(
        self, spec: dict[str, Any], number: int, cookie: str, bearer: str, player_id: int
    ) -> None:
        self.spec, self.number, self.cookie, self.bearer = spec, number, cookie, bearer
        self.channel = f"live-{spec['session_id']}-p{player_id % PLAYER_BUCKETS}"
        self.seen_questions: set[int] = set()
        self.answer_connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def subscribe(self, seen: Seen, gate: asyncio.Semaphore, opened: list[int]) -> None:
        spec = self.spec
        async with gate:
            reader, writer = await asyncio.open_connection(spec["host"], spec["port"])
            writer.write(
                (
                    f"GET /push/sub/{self.channel} HTTP/1.1\r\n"
                    f"Host: {spec['host']}:{spec['port']}\r\nAccept: text/event-stream\r\n"
                    f"Cookie: session={self.cookie}\r\n\r\n"
                ).encode()
            )
            head = await reader.readuntil(b"\r\n\r\n")
        opened.append(self.number)
        if int(head.split(b" ", 2)[1]) != 200:
            seen.refused += 1
            writer.close()
            return
        seen.connected += 1
        buffer = b""
        try:
            while chunk := await reader.read(1 << 16):
                buffer += chunk
                while b"\n\n" in buffer:
                    event, buffer = buffer.split(b"\n\n", 1)
                    self._event(event, seen)
        finally:
            writer.close()

    def _event(self, event: bytes, seen: Seen) -> None:
        data = b"".join(
            line[5:].lstrip() for line in event.split(b"\n") if line.startswith(b"data:")
        )
        if not data.startswith(b"{"):
            return  # a chunk-size line or a ping
        now = time.time()
        message = json.loads(data)
        question = message.get("question")
        if message.get("state") == "question" and question:
            index = question["index"]
            if index not in self.seen_questions:
                self.seen_questions.add(index)
                seen.received.setdefault(index, []).append(now)
                option = random.choice(question["options"])["id"]
                delay = random.uniform(0.05, self.spec["window"])
                asyncio.get_running_loop().call_later(
                    delay, lambda: asyncio.ensure_future(self.answer(index, option, seen))
                )
        elif message.get("state") == "reveal" and self.number == 0:
            reveal = message.get("reveal") or {}
            seen.reveals[reveal.get("index", -1)] = reveal.get("counts", {})

    async def answer(self, index: int, option: str, seen: Seen) -> None:
        spec = self.spec
        body = json.dumps({"index": index, "answer": option}).encode()
        request = (
            f"POST /api/v1/live-sessions/{spec['session_id']}/answers HTTP/1.1\r\n"
            f"Host: {spec['host']}:{spec['port']}\r\nAuthorization: Bearer {self.bearer}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode() + body
        started = time.perf_counter()
        status = 0
        try:
            if self.answer_connection is None:
                self.answer_connection = await asyncio.open_connection(spec["host"], spec["port"])
            reader, writer = self.answer_connection
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = next(
                int(line.split(b":", 1)[1])
                for line in head.lower().split(b"\r\n")
                if line.startswith(b"content-length:")
            )
            await reader.readexactly(length)
        except (OSError, asyncio.IncompleteReadError, StopIteration):
            self.answer_connection = None
        if status == 200:
            seen.acks.setdefault(index, []).append((time.perf_counter() - started) * 1000)
        else:
            seen.answer_refusals.setdefault(index, []).append(status)
        seen.outcomes[index] = seen.outcomes.get(index, 0) + 1
        if seen.outcomes[index] == len(spec["players"]):
            acked = len(seen.acks.get(index, []))
            print(f"answered {index} {acked} {seen.outcomes[index] - acked}", flush=True)


async def _main() -> None:
    spec = json.loads(sys.stdin.readline())
    seen = Seen()
    gate = asyncio.Semaphore(CONNECTING_AT_ONCE)
    opened: list[int] = []
    phones = [Phone(spec, n, *player) for n, player in enumerate(spec["players"])]
    started = time.monotonic()
    tasks = [asyncio.create_task(phone.subscribe(seen, gate, opened)) for phone in phones]
    while len(opened) < len(tasks) and not all(t.done() for t in tasks):
        await asyncio.sleep(0.05)
    print(f"connected {seen.connected} {seen.refused} {time.monotonic() - started:.1f}", flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.readline)  # "stop"
    for task in tasks:
        task.cancel()
    print(
        json.dumps(
            {
                "received": seen.received,
                "acks": seen.acks,
                "answer_refusals": seen.answer_refusals,
                "reveals": seen.reveals,
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    asyncio.run(_main())
