"""Each object plan compiled to one Python function: no per-field loop or dispatch at run time.

For a plan selecting ``id`` and ``provider { name }`` of ``Course`` it generates, in effect::

    def project(src, p):
        if src is None: raise Fallback(...)
        v0 = g0(src, p, None)
        if v0 is None: raise Fallback(...)        # id: ID!
        v1 = g1(src, p, None)
        v1 = s1(v1, p)                            # provider: CourseProvider!
        return {"id": v0, "provider": v1}

Getter failures propagate; the executor turns any exception into a fallback to graphql-core.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .plan import (
    LEAF,
    LEAF_LIST,
    OBJECT,
    OBJECT_LIST,
    TYPENAME,
    Fallback,
    FieldPlan,
    ObjectPlan,
)

Projector = Callable[[Any, Any], dict[str, Any]]


def compile_plan(plan: ObjectPlan) -> Projector:
    """The projection function of ``plan`` (and, recursively, of the plans below it)."""
    env: dict[str, Any] = {"Fallback": Fallback}
    lines = ["def project(src, p):",
             f"    if src is None: raise Fallback({'null ' + plan.type_name!r})"]
    items = []
    for i, f in enumerate(plan.fields):
        if f.kind == TYPENAME:
            items.append(f"{f.key!r}: {f.constant!r}")
            continue
        value = f"v{i}"
        expression = getattr(f.getter, "inline", None)
        if expression is not None and f.args is None and f.dynamic_args is None:
            assert f.getter is not None
            for name, found in f.getter.__globals__.items():
                env.setdefault(name, found)
            lines.append(f"    {value} = {expression}")
        else:
            lines.append(f"    {value} = g{i}(src, p, {_args(f, i, env)})")
            env[f"g{i}"] = f.getter

        where = f"{plan.type_name}.{f.name}"
        if not f.nullable:
            lines.append(f"    if {value} is None: raise Fallback({'null ' + where!r})")
        if f.kind in (OBJECT, OBJECT_LIST):
            assert f.sub is not None
            env[f"s{i}"] = compile_plan(f.sub)
        guard = "" if not f.nullable else f" if {value} is not None else None"
        if f.kind == OBJECT:
            lines.append(f"    {value} = s{i}({value}, p){guard}")
        elif f.kind == OBJECT_LIST:
            item = "s{i}(x, p)" if not f.items_nullable else "(None if x is None else s{i}(x, p))"
            lines.append(f"    {value} = [{item.format(i=i)} for x in {value}]{guard}")
        elif f.kind == LEAF_LIST:
            if not f.items_nullable:
                lines.append(f"    if {value} is not None and None in {value}: "
                             f"raise Fallback({'null item in ' + where!r})")
            lines.append(f"    {value} = list({value}){guard}")
        else:
            assert f.kind == LEAF
        items.append(f"{f.key!r}: {value}")
    lines.append("    return {" + ", ".join(items) + "}")
    exec("\n".join(lines), env)
    project: Projector = env["project"]
    return project


def _args(f: FieldPlan, i: int, env: dict[str, Any]) -> str:
    if f.dynamic_args is not None:
        env[f"f{i}"] = f
        return f"p.args(f{i})"
    if f.args is not None:
        env[f"a{i}"] = f.args
        return f"a{i}"
    return "None"
