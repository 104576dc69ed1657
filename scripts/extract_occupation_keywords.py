"""Extract the labour market taxonomy's search keywords (sökbegrepp) per SSYK unit group.

    python scripts/extract_occupation_keywords.py RELATED_TO_JSON

Source: the JobTech Taxonomy of Arbetsförmedlingen (CC0), as exported by its API project
(``resources/public/cached_related-to.json`` of jobtech-taxonomy-api, commit b18f950c,
stored at https://github.com/weipe/jobtech-taxonomy-api): a tree whose top nodes are
keywords ("Tandvård", "Möbler") and whose children are the occupation names each one is
related to. A keyword belongs to the unit groups of its occupation names, as
``core/reference/data/occupation_names.json`` has them; a keyword that is itself one of
a group's occupation names adds nothing there and is left out.

Writes ``core/reference/data/occupation_keywords.json``: each unit group's keywords,
sorted, for the groups that have any (see ``SOURCES.md``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1] / "core" / "reference" / "data"


def _label(node: dict[str, Any]) -> str:
    name = node["name"]
    while isinstance(name, list):
        name = name[0]
    return str(name).strip()


def occupation_keywords(tree: dict[str, Any],
                        names: dict[str, list[str]]) -> dict[str, list[str]]:
    """SSYK code -> keywords, from the taxonomy tree and each group's occupation names."""
    groups: dict[str, set[str]] = {}
    for code, group_names in names.items():
        for name in group_names:
            groups.setdefault(name.casefold(), set()).add(code)
    found: dict[str, set[str]] = {}
    for node in tree["children"]:
        keyword = _label(node)
        for related in node.get("children", []):
            for code in groups.get(_label(related).casefold(), ()):
                if keyword.casefold() not in {n.casefold() for n in names[code]}:
                    found.setdefault(code, set()).add(keyword)
    return {code: sorted(found[code], key=str.casefold) for code in sorted(found)}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    tree = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    names = json.loads((DATA / "occupation_names.json").read_text(encoding="utf-8"))
    keywords = occupation_keywords(tree, names)
    out = DATA / "occupation_keywords.json"
    out.write_text(json.dumps(keywords, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len({k for ks in keywords.values() for k in ks})} keywords of "
          f"{len(keywords)} unit groups -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
