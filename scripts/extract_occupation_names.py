"""Extract the labour market taxonomy's occupation names per SSYK 2012 unit group.

    python scripts/extract_occupation_names.py HYPERONYM_JSON

Source: the JobTech Taxonomy of Arbetsförmedlingen (CC0), as exported by its API project
(``resources/public/hyperonym.json`` of jobtech-taxonomy-api, commit 9b56efe5 of
2019-04-26, stored at https://github.com/weipe/jobtech-taxonomy-api): a tree whose top
nodes are taxonomy concepts and whose children are the concepts each one is narrower
than. An occupation name (yrkesbenämning) is a top node with an SSYK 2012 unit group
among its children, named as in ``core/reference/data/occupations.json``. The taxonomy of
2019 names the manager groups without their level ("IT-chefer"), so such a name belongs
to both the "nivå 1" and the "nivå 2" group.

Writes ``core/reference/data/occupation_names.json``: each unit group's occupation names,
sorted, for the groups that have any (see ``SOURCES.md``).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1] / "core" / "reference" / "data"
_LEVEL = re.compile(r", nivå \d$")


def _label(node: dict[str, Any]) -> str:
    name = node["name"]
    while isinstance(name, list):
        name = name[0]
    return str(name).strip()


def occupation_names(tree: dict[str, Any], groups: dict[str, str]) -> dict[str, list[str]]:
    """SSYK code -> occupation names, from the taxonomy tree and the unit groups' names."""
    codes: dict[str, set[str]] = {}
    for name, code in groups.items():
        codes.setdefault(name, set()).add(code)
        codes.setdefault(_LEVEL.sub("", name), set()).add(code)
    found: dict[str, set[str]] = {}
    for node in tree["children"]:
        name = _label(node)
        for broader in node.get("children", []):
            for code in codes.get(_label(broader), ()):
                if name != _label(broader):
                    found.setdefault(code, set()).add(name)
    return {code: sorted(found[code], key=str.casefold) for code in sorted(found)}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    tree = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    occupations = json.loads((DATA / "occupations.json").read_text(encoding="utf-8"))
    names = occupation_names(tree, {o["name_sv"]: o["ssyk"] for o in occupations})
    out = DATA / "occupation_names.json"
    out.write_text(json.dumps(names, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{sum(map(len, names.values()))} names of {len(names)} unit groups -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
