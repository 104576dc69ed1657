"""The search cache's LRU stays within its entry and byte bounds, evicting the least used."""

from __future__ import annotations

from api.search.cache import BoundedLru, Entry


def _entry(size: int) -> Entry:
    return Entry("v1", b"R", b"x" * size, 1e18)


def test_entries_are_bounded_and_the_least_recently_used_go_first() -> None:
    lru = BoundedLru(max_entries=3, max_bytes=1 << 20)
    for key in (b"a", b"b", b"c"):
        lru.put(key, _entry(10))
    assert lru.get(b"a") is not None  # now the most recently used
    lru.put(b"d", _entry(10))
    assert len(lru) == 3
    assert lru.get(b"b") is None
    assert all(lru.get(k) is not None for k in (b"a", b"c", b"d"))


def test_bytes_are_bounded_whatever_the_number_of_entries() -> None:
    lru = BoundedLru(max_entries=100_000, max_bytes=80_000)
    for number in range(10_000):
        lru.put(number.to_bytes(4, "big"), _entry(1_000 + number % 7_000))
        assert lru.bytes <= 80_000
    assert lru.bytes == sum(len(e.payload) + 4 for e in lru._items.values())
    assert 0 < len(lru) < 100


def test_an_entry_too_big_for_its_share_is_not_kept() -> None:
    lru = BoundedLru(max_entries=10, max_bytes=8_000)
    lru.put(b"small", _entry(100))
    lru.put(b"huge", _entry(2_000))  # more than an eighth of the bytes
    assert lru.get(b"huge") is None and lru.get(b"small") is not None


def test_replacing_an_entry_keeps_the_byte_count_right() -> None:
    lru = BoundedLru(max_entries=10, max_bytes=100_000)
    for size in (100, 5_000, 10):
        lru.put(b"k", _entry(size))
    assert len(lru) == 1 and lru.bytes == 11
    lru.pop(b"k")
    assert len(lru) == 0 and lru.bytes == 0


def test_a_size_of_zero_caches_nothing() -> None:
    lru = BoundedLru(max_entries=0, max_bytes=1 << 20)
    lru.put(b"k", _entry(10))
    assert lru.get(b"k") is None
