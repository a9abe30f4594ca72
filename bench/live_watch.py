"""Phones of a live round watching through the push tier: EventSource streams on one event loop.

Run by ``bench.live_round`` as its own process (``python -m bench.live_watch``). Reads one JSON
line on stdin (host, port, path, count), opens ``count`` streams of the same channel through
nginx, prints ``connected <n> <refused>`` once all are open, and notes when each stream first
sees each question open (a message with ``"state":"question"`` and its ``index``). On a line
``stop`` it prints one JSON line: per question index, the arrival times (epoch seconds).
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import time
from collections import defaultdict

CONNECTING_AT_ONCE = 200
OPENED = re.compile(rb'"state":"question".{0,400}?"index":(\d+)', re.DOTALL)


async def _watch(
    spec: dict, arrivals: dict[int, list[float]], gate: asyncio.Semaphore, opened: list[bool]
) -> None:
    async with gate:
        reader, writer = await asyncio.open_connection(spec["host"], spec["port"])
        writer.write(
            f"GET {spec['path']} HTTP/1.1\r\nHost: {spec['host']}\r\n"
            "Accept: text/event-stream\r\n\r\n".encode()
        )
        head = await reader.readuntil(b"\r\n\r\n")
    ok = int(head.split(b" ", 2)[1]) == 200
    opened.append(ok)
    if not ok:
        writer.close()
        return
    seen: set[int] = set()
    try:
        while chunk := await reader.read(1 << 16):
            now = time.time()
            for match in OPENED.finditer(chunk):
                index = int(match.group(1))
                if index not in seen:
                    seen.add(index)
                    arrivals[index].append(now)
    finally:
        writer.close()


async def _main() -> None:
    spec = json.loads(sys.stdin.readline())
    arrivals: dict[int, list[float]] = defaultdict(list)
    gate = asyncio.Semaphore(CONNECTING_AT_ONCE)
    opened: list[bool] = []
    tasks = [
        asyncio.create_task(_watch(spec, arrivals, gate, opened)) for _n in range(spec["count"])
    ]
    while len(opened) < len(tasks) and not all(t.done() for t in tasks):
        await asyncio.sleep(0.1)
    print(f"connected {sum(opened)} {len(tasks) - sum(opened)}")
    sys.stdout.flush()
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    print(json.dumps({str(index): times for index, times in arrivals.items()}))


if __name__ == "__main__":
    asyncio.run(_main())
