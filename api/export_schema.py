"""``python -m api.export_schema``: write the GraphQL SDL to ``schema/schema.graphql``.

``--check`` writes nothing and exits 1 when the committed file differs from the code.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from strawberry.printer import print_schema

from api.graphql_app import build_schema

SDL_PATH = Path(__file__).resolve().parent.parent / "schema" / "schema.graphql"


def current_sdl() -> str:
    """The SDL of the schema as the code defines it."""
    return print_schema(build_schema(development=False)) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api.export_schema", description=__doc__)
    parser.add_argument("--check", action="store_true",
                        help="compare with the committed SDL instead of writing it")
    parser.add_argument("--out", type=Path, default=SDL_PATH, help=f"where ({SDL_PATH})")
    args = parser.parse_args(argv)
    sdl = current_sdl()
    if args.check:
        committed = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if committed != sdl:
            print(f"{args.out} is out of date: run python -m api.export_schema",
                  file=sys.stderr)
            return 1
        print(f"{args.out} is up to date")
        return 0
    args.out.write_text(sdl, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
