"""The load plan's comparison and the guard's decision (pure logic)."""

from __future__ import annotations

from typing import Any

from indexer.feed import Feed, Rejection
from indexer.guard import refusal
from indexer.plan import compare, kept_ids

NOW = 1_800_000_000


def _doc(doc_id: str, provider: str = "5566778899", **extra: Any) -> dict[str, Any]:
    visits = extra.pop("visits", [])
    return {"id": doc_id, "providerOrgNumber": provider, "providerName": f"P {provider}",
            "title": "Svetsare", "studyVisits": [
                {"id": f"{doc_id}~{v}", "startTs": start} for v, start in visits], **extra}


def test_bookkeeping_fields_do_not_make_a_course_changed() -> None:
    plan = compare([{**_doc("a"), "loadId": "load-1"}], {"a": _doc("a")}, set(), NOW)
    assert (plan.unchanged, plan.changed, plan.added, plan.withdrawn) == (1, 0, 0, 0)


def test_visits_removed_and_rescheduled_count_only_upcoming_ones() -> None:
    live = [
        _doc("a", visits=[("V1", NOW + 10), ("V2", NOW + 20), ("OLD", NOW - 10)]),
        _doc("b", visits=[("V1", NOW + 30), ("OLD", NOW - 5)]),
    ]
    new = {"a": _doc("a", visits=[("V1", NOW + 15)]), "c": _doc("c")}
    plan = compare(live, new, set(), NOW)
    assert (plan.added, plan.changed, plan.withdrawn) == (1, 1, 1)
    assert sorted(plan.removed_visit_ids) == ["a~V2", "b~V1"]
    assert plan.rescheduled_visit_ids == ["a~V1"]
    assert (plan.visits_removed, plan.visits_rescheduled) == (2, 1)
    assert plan.vanishing == []
    # the visit index: 5 documents of a and b go, 1 of a comes (past visits are documents too)
    assert (plan.visit_documents_replaced, plan.visit_documents_after) == (5, 1)
    assert plan.visit_documents_total(live_total=9) == 5


def test_a_course_whose_new_record_was_rejected_is_kept_and_its_provider_stays() -> None:
    plan = compare([_doc("a", visits=[("V1", NOW + 10)])], {}, {"a"}, NOW)
    assert (plan.unchanged, plan.withdrawn, plan.visits_removed) == (1, 0, 0)
    assert plan.vanishing == []
    assert plan.visit_documents_total(live_total=3) == 3  # its visits stay


def test_a_provider_left_with_no_course_is_vanishing_and_refused_unless_forced() -> None:
    live = [_doc("a"), _doc("b"), _doc("x", provider="8020024385")]
    plan = compare(live, {"x": _doc("x", provider="8020024385")}, set(), NOW)
    assert [(p.organisation_number, p.courses) for p in plan.vanishing] == [("5566778899", 2)]
    message = refusal(plan, remove_missing_providers=False)
    assert message is not None and "5566778899 P 5566778899 (2 courses)" in message
    assert "8020024385" not in message
    assert refusal(plan, remove_missing_providers=True) is None
    assert refusal(compare(live, {d["id"]: d for d in live}, set(), NOW), False) is None


def test_kept_ids_are_the_rejected_courses_with_an_id_of_each_feed() -> None:
    provider = {"organisationNumber": "556677-8899"}
    feed = Feed("a.json", provider, [], [])
    rejections = [Rejection("a.json", "K2", "places", "too small"),
                  Rejection("a.json", "courses[3]", "id", "missing"),
                  Rejection("b.json", "K9", "places", "too small"),
                  Rejection("c.json", "(file)", "provider", "missing")]
    assert kept_ids([feed], rejections) == {"5566778899-K2"}
