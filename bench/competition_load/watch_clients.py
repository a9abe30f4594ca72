"""Members watching the live board through the push tier: EventSource clients on one event loop.

Run by the watchers section as its own process (``python -m bench.competition_load.watch_clients``)
so its CPU shows apart. Reads one JSON line on stdin (host, port, path, session cookies), opens one
EventSource stream per cookie through nginx, prints ``connected <n> <refused> <seconds>`` once all
are open, holds them until a line ``stop`` arrives, then prints one JSON line of what it saw:
messages per watcher, and for a sample of watchers the age of each message on arrival (its
``version`` is the server's clock when the board was read).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import dataclass, field

CONNECTING_AT_ONCE = 200
SAMPLE_EVERY = 25  # watchers whose messages are parsed for their age (the rest only count)
VERSION = b'data: {"version":'


@dataclass
class Seen:
    connected: int = 0
    refused: int = 0
    messages: list[int] = field(default_factory=list)
    ages_ms: list[float] = field(default_factory=list)


async def _watch(
    spec: dict, cookie: str, n: int, *, seen: Seen, gate: asyncio.Semaphore, opened: list[int]
) -> None:
    async with gate:
        reader, writer = await asyncio.open_connection(spec["host"], spec["port"])
        writer.write(
            (
                f"GET {spec['path']} HTTP/1.1\r\nHost: {spec['host']}:{spec['port']}\r\n"
                f"Accept: text/event-stream\r\nCookie: session={cookie}\r\n\r\n"
            ).encode()
        )
        head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    opened.append(n)
    if status != 200:
        seen.refused += 1
        writer.close()
        return
    seen.connected += 1
    count = 0
    sample = n % SAMPLE_EVERY == 0
    try:
        while chunk := await reader.read(1 << 16):
            count += chunk.count(b"data: ")
            if sample:
                now = time.time() * 1000
                at = chunk.find(VERSION)
                while at >= 0:
                    digits = chunk[at + len(VERSION) : at + len(VERSION) + 15].split(b",", 1)[0]
                    if digits.isdigit():
                        seen.ages_ms.append(now - int(digits))
                    at = chunk.find(VERSION, at + 1)
    finally:
        seen.messages.append(count)
        writer.close()


async def _main() -> None:
    spec = json.loads(sys.stdin.readline())
    seen = Seen()
    gate = asyncio.Semaphore(CONNECTING_AT_ONCE)
    opened: list[int] = []
    started = time.monotonic()
    tasks = [
        asyncio.create_task(_watch(spec, cookie, n, seen=seen, gate=gate, opened=opened))
        for n, cookie in enumerate(spec["cookies"])
    ]
    while len(opened) < len(tasks) and not all(t.done() for t in tasks):
        await asyncio.sleep(0.1)
    failed = sum(1 for t in tasks if t.done() and t.exception() is not None)
    print(f"connected {seen.connected} {seen.refused + failed} {time.monotonic() - started:.1f}")
    sys.stdout.flush()
    seen.ages_ms.clear()  # the buffered last message a new subscriber gets first is old
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    print(json.dumps({"messages": seen.messages, "ages_ms": seen.ages_ms}))


if __name__ == "__main__":
    asyncio.run(_main())
