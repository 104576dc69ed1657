"""How long the feed API validates a large feed, and how much that holds up its event loop.

    .venv/bin/python bench/feed_validation.py [--courses 4000] [--rounds 3]

Generates one provider's feed (the sample generator; about 2 KiB a course, so the default
is close to the 8 MiB ``FEED_MAX_BYTES``), then times :func:`indexer.feed.parse_feed` on
it and counts the event loop's ticks and their longest and median gap (a task asking for
a 1 ms sleep, over and over) while the feed is validated (a) inline in the event loop and
(b) in a thread, as ``FeedService.submit`` does. Prints the figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import statistics
import sys
import time
from collections.abc import Callable

from core.reference import load_reference
from devstack.sample_feeds import generate_feeds
from indexer.feed import Feed, parse_feed


async def _tick_gaps(work: Callable[[], object], in_thread: bool) -> list[float]:
    gaps: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0.01)
    if in_thread:
        await asyncio.to_thread(work)
    else:
        work()
    await asyncio.sleep(0.01)
    done.set()
    await task
    return gaps


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--courses", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    reference = load_reference()
    (feed,) = generate_feeds(providers=1, courses=args.courses, today=datetime.date.today())
    body = json.dumps(feed, ensure_ascii=False).encode()
    result = parse_feed(body, "feed", reference)
    assert isinstance(result, Feed)
    print(f"feed: {len(result.courses)} courses, {len(body) / 2**20:.2f} MiB, "
          f"{len(result.rejections)} rejected")
    times = []
    for _ in range(args.rounds):
        started = time.perf_counter()
        parse_feed(body, "feed", reference)
        times.append(time.perf_counter() - started)
    print(f"parse_feed: median {_ms(statistics.median(times))} over {args.rounds} rounds "
          f"({len(result.courses) / statistics.median(times):.0f} courses/s)")
    for in_thread in (False, True):
        worst, median, ticks = [], [], []
        for _ in range(args.rounds):
            gaps = sorted(asyncio.run(_tick_gaps(lambda: parse_feed(body, "feed", reference),
                                                 in_thread)))
            worst.append(gaps[-1])
            median.append(statistics.median(gaps))
            ticks.append(len(gaps))
        where = "in a thread" if in_thread else "inline"
        print(f"event loop while validating {where}: {statistics.median(ticks):.0f} ticks, "
              f"longest gap {_ms(statistics.median(worst))}, median gap "
              f"{_ms(statistics.median(median))} (medians over {args.rounds} rounds; "
              "an idle tick is ~1.1 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
