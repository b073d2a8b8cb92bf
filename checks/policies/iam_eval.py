"""A small, explicit evaluator for the IAM policy features this project uses.

Why it exists: the PyPI evaluators we tried do not model what our policies rely
on. principalmapper 1.1.5 needs a ``collections`` shim on Python 3.10+, never
substitutes policy variables inside Condition values (``${aws:userid}`` stays a
literal, so "own instance" evaluates as denied) and matches resources
case-insensitively; moto 5.2.1 evaluates only StringEquals in trust policies;
iam-ape 1.1.6 expands permissions but leaves conditions unevaluated.

What it models (and nothing more):
- Statement, Effect, Action/NotAction (case-insensitive, ``*`` and ``?``),
  Resource/NotResource (case-sensitive, ``*`` and ``?``, policy variables);
- condition operators StringEquals, StringNotEquals, StringEqualsIgnoreCase,
  StringNotEqualsIgnoreCase, StringLike, StringNotLike, ArnEquals, ArnLike,
  ArnNotEquals, ArnNotLike, Bool, Null; the ``IfExists`` suffix; the
  ``ForAnyValue:`` and ``ForAllValues:`` set operators;
- condition key names compared case-insensitively;
- policy variables ``${key}`` in Resource and in String/Arn condition values,
  plus ``${*}``, ``${?}``, ``${$}``; a variable whose key is absent from the
  request makes the statement not apply (IAM: "causes the statement to be
  invalid"), whatever its effect;
- the decision: an explicit Deny in any policy wins; otherwise an SCP (one
  level of the organization) and the permissions boundary (when given) must
  allow, and an identity policy must allow; else implicit deny.

What it does not model: resource-based policies and cross-account access,
session policies, RCPs, Principal/NotPrincipal, Numeric/Date/IpAddress/Binary
operators, default values in variables (``${key, 'default'}``), which request
context keys a given AWS service really sends (the caller supplies the context,
so a test is only as right as its context), and service-specific quirks such as
the order in which EC2 resolves two tags whose keys differ only in case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Mapping, Sequence

ALLOW = "Allow"
EXPLICIT_DENY = "ExplicitDeny"
IMPLICIT_DENY = "ImplicitDeny"

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_SPECIAL = {"*": "*", "?": "?", "$": "$"}


class Unresolved(Exception):
    """A policy variable names a key that the request context does not hold."""


class NotModelled(ValueError):
    """The policy uses something this evaluator deliberately does not handle."""


@dataclass(frozen=True)
class Request:
    """One authorisation question: a principal calls ``action`` on ``resource``.

    ``context`` maps condition keys (any case) to a string, or to a list of
    strings for multivalued keys such as ``aws:TagKeys``.
    """

    action: str
    resource: str
    context: Mapping[str, object] = field(default_factory=dict)

    def lookup(self, key: str):
        wanted = key.lower()
        for name, value in self.context.items():
            if name.lower() == wanted:
                return value
        return None

    def has(self, key: str) -> bool:
        wanted = key.lower()
        return any(name.lower() == wanted for name in self.context)


def _as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


@lru_cache(maxsize=4096)
def _glob(pattern: str, ignore_case: bool) -> re.Pattern:
    out = []
    for ch in pattern:
        if ch == "*":
            out.append(".*")
        elif ch == "?":
            out.append(".")
        else:
            out.append(re.escape(ch))
    return re.compile("".join(out), re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def glob_match(pattern: str, value: str, ignore_case: bool = False) -> bool:
    return _glob(pattern, ignore_case).fullmatch(value) is not None


def substitute(text: str, request: Request, *, as_glob: bool) -> str:
    """Replace ``${key}`` by the request's value of ``key``.

    With ``as_glob`` (Resource, *Like operators) a substituted value is matched
    literally: its own ``*`` or ``?`` must not act as wildcards, so they are
    returned wrapped in a private marker and escaped by :func:`_literal_glob`.
    """

    def repl(match: re.Match) -> str:
        name = match.group(1).strip()
        if name in _SPECIAL:
            value = _SPECIAL[name]
            return "\x00" + value + "\x01" if as_glob else value
        if "," in name:
            raise NotModelled(f"default values in policy variables: ${{{name}}}")
        if not request.has(name):
            raise Unresolved(name)
        value = request.lookup(name)
        if isinstance(value, (list, tuple)):
            raise NotModelled(f"multivalued key used as a variable: {name}")
        value = str(value)
        return "\x00" + value + "\x01" if as_glob else value

    return _VARIABLE.sub(repl, text)


def _literal_glob(pattern_with_markers: str, value: str, ignore_case=False) -> bool:
    parts = re.split(r"\x00(.*?)\x01", pattern_with_markers, flags=re.DOTALL)
    regex = []
    for index, part in enumerate(parts):
        if index % 2 == 1:  # substituted text: literal
            regex.append(re.escape(part))
        else:
            for ch in part:
                regex.append(".*" if ch == "*" else "." if ch == "?" else re.escape(ch))
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.fullmatch("".join(regex), value, flags) is not None


def action_matches(pattern: str, action: str) -> bool:
    return glob_match(pattern, action, ignore_case=True)


def _split_arn_pattern(pattern: str) -> list:
    """Split on the first five colons that are not inside substituted text."""
    parts, current, inside = [], [], False
    for ch in pattern:
        if ch == "\x00":
            inside = True
        elif ch == "\x01":
            inside = False
        if ch == ":" and not inside and len(parts) < 5:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def arn_matches(pattern: str, arn: str) -> bool:
    """ArnLike/ArnEquals and Resource: the six colon-separated parts of an ARN
    are matched one by one, so a wildcard never spans a colon before the
    resource part (the resource part itself may contain colons)."""
    pattern_parts = _split_arn_pattern(pattern)
    arn_parts = arn.split(":", 5)
    if len(pattern_parts) != 6 or len(arn_parts) != 6:
        return False
    return all(_literal_glob(p, a) for p, a in zip(pattern_parts, arn_parts))


def resource_matches(pattern: str, resource: str, request: Request) -> bool:
    if pattern == "*":
        return True
    return arn_matches(substitute(pattern, request, as_glob=True), resource)


# --- conditions ------------------------------------------------------------

_NEGATED = {
    "StringNotEquals",
    "StringNotEqualsIgnoreCase",
    "StringNotLike",
    "ArnNotEquals",
    "ArnNotLike",
}


def _compare(base: str, policy_value: str, context_value: str, request: Request) -> bool:
    """True when ``context_value`` matches ``policy_value`` for the positive form."""
    if base in ("StringEquals", "StringNotEquals"):
        return substitute(policy_value, request, as_glob=False) == context_value
    if base in ("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"):
        return substitute(policy_value, request, as_glob=False).lower() == context_value.lower()
    if base in ("StringLike", "StringNotLike"):
        return _literal_glob(substitute(policy_value, request, as_glob=True), context_value)
    if base in ("ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"):
        return arn_matches(substitute(policy_value, request, as_glob=True), context_value)
    if base == "Bool":
        return str(policy_value).lower() == str(context_value).lower()
    raise NotModelled(f"condition operator {base}")


def _key_matches_any(base: str, policy_values: list, context_value: str, request: Request) -> bool:
    # Several policy values for one key are ORed.
    return any(_compare(base, str(v), str(context_value), request) for v in policy_values)


def condition_holds(operator: str, key: str, policy_values, request: Request) -> bool:
    """Evaluate one ``operator: {key: values}`` pair against the request."""
    qualifier = None
    base = operator
    if ":" in operator:
        qualifier, base = operator.split(":", 1)
        if qualifier not in ("ForAnyValue", "ForAllValues"):
            raise NotModelled(f"set operator {qualifier}")
    if_exists = base.endswith("IfExists")
    if if_exists:
        base = base[: -len("IfExists")]
    policy_values = _as_list(policy_values)
    present = request.has(key)
    raw = request.lookup(key)

    if base == "Null":
        if qualifier:
            raise NotModelled("set operators with Null")
        wanted_absent = str(policy_values[0]).lower() == "true"
        absent = (not present) or raw is None or raw == [] or raw == ""
        return absent == wanted_absent

    negated = base in _NEGATED
    if qualifier is None:
        if isinstance(raw, (list, tuple)):
            raise NotModelled(f"multivalued key {key} without ForAnyValue/ForAllValues")
        if not present:
            # Absent key: positive operators fail, negated ones hold; IfExists
            # makes any operator hold.
            return True if if_exists else negated
        matched = _key_matches_any(base, policy_values, raw, request)
        return (not matched) if negated else matched

    values = _as_list(raw)
    if qualifier == "ForAllValues":
        if not values:
            return True  # documented: an empty set satisfies ForAllValues
        results = [_key_matches_any(base, policy_values, v, request) for v in values]
        results = [(not r) if negated else r for r in results]
        return all(results)
    # ForAnyValue
    if not values:
        return False
    results = [_key_matches_any(base, policy_values, v, request) for v in values]
    results = [(not r) if negated else r for r in results]
    return any(results)


def conditions_hold(condition: Mapping | None, request: Request) -> bool:
    if not condition:
        return True
    for operator, block in condition.items():  # operators are ANDed
        for key, values in block.items():  # keys are ANDed
            if not condition_holds(operator, key, values, request):
                return False
    return True


# --- statements and policies ----------------------------------------------


def _statements(policy: Mapping) -> list:
    statements = policy.get("Statement", [])
    if isinstance(statements, Mapping):
        return [statements]
    return list(statements)


def statement_applies(statement: Mapping, request: Request) -> bool:
    """True when the statement's action, resource and conditions all match."""
    if "Principal" in statement or "NotPrincipal" in statement:
        raise NotModelled("Principal/NotPrincipal (resource-based policies)")
    try:
        if "Action" in statement:
            if not any(action_matches(p, request.action) for p in _as_list(statement["Action"])):
                return False
        elif "NotAction" in statement:
            if any(action_matches(p, request.action) for p in _as_list(statement["NotAction"])):
                return False
        else:
            return False
        if "Resource" in statement:
            if not any(resource_matches(p, request.resource, request) for p in _as_list(statement["Resource"])):
                return False
        elif "NotResource" in statement:
            if any(resource_matches(p, request.resource, request) for p in _as_list(statement["NotResource"])):
                return False
        else:
            return False
        return conditions_hold(statement.get("Condition"), request)
    except Unresolved:
        return False


@dataclass
class Decision:
    result: str
    deciding: list = field(default_factory=list)  # Sids (or indexes) that decided

    def __str__(self) -> str:  # pragma: no cover - used in reports only
        return self.result


def _matching(policy: Mapping, request: Request, effect: str) -> list:
    found = []
    for index, statement in enumerate(_statements(policy)):
        if statement.get("Effect") == effect and statement_applies(statement, request):
            found.append(statement.get("Sid", f"#{index}"))
    return found


def evaluate(
    request: Request,
    identity: Sequence[Mapping],
    *,
    boundary: Mapping | None = None,
    scps: Iterable[Mapping] | None = None,
) -> Decision:
    """Decide one request the way IAM does within a single account.

    ``identity`` are the principal's identity-based policies; ``boundary`` its
    permissions boundary; ``scps`` the SCPs attached at one level of the
    organization tree (one of them must allow; any deny wins). Several levels,
    each of which must allow, are not modelled.
    """
    scps = list(scps or [])
    everything = list(identity) + ([boundary] if boundary else []) + scps
    denies = [sid for policy in everything for sid in _matching(policy, request, "Deny")]
    if denies:
        return Decision(EXPLICIT_DENY, denies)
    if scps and not any(_matching(scp, request, "Allow") for scp in scps):
        return Decision(IMPLICIT_DENY, ["no SCP allow"])
    if boundary is not None and not _matching(boundary, request, "Allow"):
        return Decision(IMPLICIT_DENY, ["no boundary allow"])
    allows = [sid for policy in identity for sid in _matching(policy, request, "Allow")]
    if allows:
        return Decision(ALLOW, allows)
    return Decision(IMPLICIT_DENY, [])
