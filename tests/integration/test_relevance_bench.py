"""The relevance bench in quick mode: relevance must not fall back below these marks.

The marks sit a little under what the current settings score on the quick catalogue
(P@10 0.90, nDCG@10 0.92, place recall 1.00, zero-result rate 0.02; the settings before
the relevance work scored 0.76, 0.81, 0.93 and 0.14), so that a change that makes the
search find worse fails here. See bench/relevance.py and the README's "Search relevance".
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from tests.conftest import MeiliServer

BENCH = Path(__file__).resolve().parents[2] / "bench" / "relevance.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("relevance_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["relevance_bench"] = module
    spec.loader.exec_module(module)
    return module


def test_the_quick_relevance_bench_keeps_its_marks(meili_server: MeiliServer) -> None:
    bench = _bench()
    results = bench.measure(["current"], 1500, 60,
                            meili=(meili_server.url, meili_server.master_key))
    figures = results["current"].summary()
    assert results["current"].answerable >= 150
    assert figures["p@10"] >= 0.85, figures
    assert figures["ndcg@10"] >= 0.88, figures
    assert figures["place_recall@20"] >= 0.95, figures
    assert figures["zero_rate"] <= 0.05, figures
