"""Which Meilisearch instance a read goes to: round robin, take-out and return."""

from __future__ import annotations

from core.meili_replicas import Instances

URLS = ("http://a:7700", "http://b:7700", "http://c:7700")


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_reads_take_turns_over_the_instances() -> None:
    instances = Instances(URLS, 5.0, Clock())
    firsts = [instances.order()[0] for _ in range(6)]
    assert firsts == [0, 1, 2, 0, 1, 2]
    assert sorted(instances.order()) == [0, 1, 2]


def test_a_failed_instance_rests_and_is_tried_last_until_its_rest_ends() -> None:
    clock = Clock()
    instances = Instances(URLS, 5.0, clock)
    instances.failed(1)
    assert instances.in_service() == [True, False, True]
    for _ in range(6):
        order = instances.order()
        assert order[-1] == 1 and order[0] != 1
    clock.now += 5.0
    assert instances.in_service() == [True, True, True]
    assert 1 in [instances.order()[0] for _ in range(3)]


def test_an_answer_puts_a_resting_instance_back_at_once() -> None:
    instances = Instances(URLS, 5.0, Clock())
    instances.failed(0)
    instances.answered(0)
    assert instances.in_service() == [True, True, True]


def test_with_every_instance_out_the_soonest_back_is_tried_first() -> None:
    clock = Clock()
    instances = Instances(URLS[:2], 5.0, clock)
    instances.failed(1)
    clock.now += 1.0
    instances.failed(0)
    assert instances.order() == [1, 0]
    assert instances.in_service() == [False, False]
