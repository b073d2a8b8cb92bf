"""A minimal EventBridge event-pattern matcher for the filters template.yaml uses.

Modelled: nested objects; a leaf list of alternatives (OR); exact string,
number, boolean and null values; ``{"exists": true|false}``; ``{"prefix": s}``;
event arrays, including arrays of objects, matched when any element matches
(EventBridge: "If the value in the event is an array, then the event pattern
matches if the intersection of the event pattern array and the event array is
non-empty"). Fields are ANDed.

``"$or": [p1, p2, ...]`` at any level of the pattern ("Or matching" in the
EventBridge User Guide, "Content filtering"): the object holding it matches
when its other fields match and at least one of the alternatives matches, each
alternative being a pattern over the same level of the event (its field names
are relative to where ``$or`` stands). An alternative may hold any field,
including ones its siblings also name. ``$or`` must be a list of at least two
objects, as EventBridge requires.

``{"exists": false}`` holds when the field is absent from the event; through an
array of objects it is absent only when no element has it (an empty array, or
no array at all, count as absent). EventBridge applies ``exists`` to leaf
fields only, and so does this matcher: the pattern names the leaf.

Not modelled: ``anything-but``, ``numeric``, ``suffix``, ``wildcard``,
``equals-ignore-case``, ``cidr``, and array consistency (whether two leaves
must come from the same element of an array of objects); a pattern using them
raises ``NotImplementedError``.
"""

from __future__ import annotations

_MISSING = object()


def _leaf_values(node, path: list[str]):
    """All values found at ``path`` in ``node``, descending through arrays."""
    if not path:
        if isinstance(node, list):
            out = []
            for item in node:
                out.extend(_leaf_values(item, path))
            return out
        return [node]
    if isinstance(node, list):
        out = []
        for item in node:
            out.extend(_leaf_values(item, path))
        return out
    if isinstance(node, dict) and path[0] in node:
        return _leaf_values(node[path[0]], path[1:])
    return []


def _present(node, path: list[str]) -> bool:
    if not path:
        return True
    if isinstance(node, list):
        return any(_present(item, path) for item in node)
    return isinstance(node, dict) and path[0] in node and _present(node[path[0]], path[1:])


def _filter_matches(flt, values: list, present: bool) -> bool:
    if isinstance(flt, dict):
        if len(flt) != 1:
            raise NotImplementedError(f"filter {flt}")
        (name, arg), = flt.items()
        if name == "exists":
            return present == bool(arg)
        if name == "prefix":
            if not isinstance(arg, str):
                raise NotImplementedError(f"prefix {arg!r}")
            return any(isinstance(v, str) and v.startswith(arg) for v in values)
        raise NotImplementedError(f"filter {name}")
    return any(type(v) is type(flt) and v == flt for v in values)


def matches(pattern: dict, event: dict, _path: list[str] | None = None) -> bool:
    path = _path or []
    for key, sub in pattern.items():
        if key == "$or":
            if not (isinstance(sub, list) and len(sub) >= 2 and all(isinstance(alt, dict) for alt in sub)):
                raise ValueError(f"$or at {path} must be a list of at least two objects")
            if not any(matches(alt, event, path) for alt in sub):
                return False
            continue
        if key.startswith("$"):
            raise NotImplementedError(key)
        here = path + [key]
        if isinstance(sub, dict):
            if not matches(sub, event, here):
                return False
        elif isinstance(sub, list):
            values = _leaf_values(event, here)
            present = _present(event, here)
            if not any(_filter_matches(f, values, present) for f in sub):
                return False
        else:
            raise ValueError(f"pattern leaf {here} must be a list")
    return True
