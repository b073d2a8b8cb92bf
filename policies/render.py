#!/usr/bin/env python3
"""Render the policy files into template.yaml, so there is one policy text.

The JSON files in policies/ are complete, valid IAM policies written for the
defaults (documented in docs/access-model.md, "Placeholders"):

    arn:aws:                          the partition
    111122223333                      the account that deploys the stack
    :role/Okta-ServiceWorkbenchUser   the users' role (path and name)
    AwsUserId / CreatedBy             the target and source tag keys
    AwsUserIdLaunchedBy               the launched-by tag key

template.yaml holds blocks between two comment lines,

    # BEGIN GENERATED policies/<file>.json
    PolicyDocument: !Sub |
      { ... }
    # END GENERATED policies/<file>.json

which this script rewrites: every IAM policy variable ``${x}`` becomes
``${!x}`` (Fn::Sub's escape for a literal ``${``) and each default above
becomes the template parameter or pseudo parameter it stands for.

A statement whose Sid is in SWITCHES has one field chosen by a template
condition (the files hold the default): its block becomes the list form of
Fn::Sub,

    PolicyDocument: !Sub
      - |
        { ... "Effect": "${RemoteHostPortForwardingEffect}" ... }
      - RemoteHostPortForwardingEffect: !If [RemoteHostPortForwardingOn, Allow, Deny]

    python3 policies/render.py            rewrite template.yaml and member.yaml in place
    python3 policies/render.py --check    exit 1 if either is stale
"""

from __future__ import annotations

import argparse
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template.yaml"
# Every template with generated blocks (member.yaml embeds function-role.json).
TEMPLATES = [TEMPLATE, ROOT / "member.yaml"]

# Literal in the policy files -> what it becomes inside Fn::Sub. Order matters:
# the longest, most specific strings first. AwsUserIdLaunchedBy must come
# before AwsUserId, which it contains.
TOKENS = [
    ("arn:aws:", "arn:${AWS::Partition}:"),
    ("111122223333", "${AWS::AccountId}"),
    (":role/Okta-ServiceWorkbenchUser", ":role${UsersRolePath}${UsersRoleName}"),
    ("AwsUserIdLaunchedBy", "${LaunchedByTagKey}"),
    ("AwsUserId", "${TargetTagKey}"),
    ("CreatedBy", "${SourceTagKey}"),
]

# The values the template is rendered back with to compare against the files.
DEFAULTS = {
    "AWS::Partition": "aws",
    "AWS::AccountId": "111122223333",
    "UsersRolePath": "/",
    "UsersRoleName": "Okta-ServiceWorkbenchUser",
    "TargetTagKey": "AwsUserId",
    "LaunchedByTagKey": "AwsUserIdLaunchedBy",
    "SourceTagKey": "CreatedBy",
    "RemoteHostPortForwardingEffect": "Deny",
}

# Sid -> (field, Fn::Sub variable, its value in the template). The file holds
# DEFAULTS[variable]; the template chooses with a condition.
SWITCHES = {
    "RemoteHostPortForwardingOnlyWhenOptedIn": (
        "Effect",
        "RemoteHostPortForwardingEffect",
        "!If [RemoteHostPortForwardingOn, Allow, Deny]",
    ),
}

BEGIN = re.compile(r"^(?P<indent>[ ]*)# BEGIN GENERATED (?P<path>policies/\S+\.json)\s*$")
END = "# END GENERATED {path}"
UNTOUCHED_KEYS = {"Sid", "Version"}


def _render_string(text: str) -> str:
    text = text.replace("${", "${!")
    for literal, replacement in TOKENS:
        text = text.replace(literal, replacement)
    return text


def render_policy(document, parent_key: str | None = None):
    """The policy with every string (keys and values) made ready for Fn::Sub."""
    if isinstance(document, dict):
        rendered = {
            (_render_string(key) if isinstance(key, str) else key): (
                value if key in UNTOUCHED_KEYS else render_policy(value, key)
            )
            for key, value in document.items()
        }
        if document.get("Sid") in SWITCHES:
            field, variable, _ = SWITCHES[document["Sid"]]
            if document.get(field) != DEFAULTS[variable]:
                raise SystemExit(f"{document['Sid']}: {field} must be {DEFAULTS[variable]!r} in the file (the default)")
            rendered[field] = "${" + variable + "}"
        return rendered
    if isinstance(document, list):
        return [render_policy(item, parent_key) for item in document]
    if isinstance(document, str):
        return _render_string(document)
    return document


def unrender_string(text: str, values: dict = DEFAULTS) -> str:
    """Inverse of the rendering, as CloudFormation's Fn::Sub would do it."""

    def repl(match: re.Match) -> str:
        name = match.group(1)
        if name.startswith("!"):
            return "${" + name[1:] + "}"
        if name not in values:
            raise KeyError(f"${{{name}}} is neither an escaped IAM variable nor a known parameter")
        return values[name]

    return re.sub(r"\$\{([^}]*)\}", repl, text)


def switches_of(document) -> list[tuple[str, str, str]]:
    statements = document.get("Statement", [])
    statements = [statements] if isinstance(statements, dict) else statements
    return [SWITCHES[s["Sid"]] for s in statements if s.get("Sid") in SWITCHES]


def block_lines(path: str, indent: str) -> list[str]:
    document = json.loads((ROOT / path).read_text())
    body = json.dumps(render_policy(document), indent=2, ensure_ascii=False)
    switches = switches_of(document)
    lines = [f"{indent}# BEGIN GENERATED {path}"]
    if not switches:
        lines.append(f"{indent}PolicyDocument: !Sub |")
        lines += [f"{indent}  {line}" for line in body.splitlines()]
    else:
        lines += [f"{indent}PolicyDocument: !Sub", f"{indent}  - |"]
        lines += [f"{indent}    {line}" for line in body.splitlines()]
        for number, (_, variable, value) in enumerate(switches):
            lines.append(f"{indent}  {'- ' if number == 0 else '  '}{variable}: {value}")
    lines.append(f"{indent}{END.format(path=path)}")
    return lines


def render_template(text: str) -> str:
    out: list[str] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        match = BEGIN.match(lines[index])
        if not match:
            out.append(lines[index])
            index += 1
            continue
        path, indent = match.group("path"), match.group("indent")
        end_line = indent + END.format(path=path)
        try:
            end = lines.index(end_line, index + 1)
        except ValueError:
            raise SystemExit(f"no '{end_line.strip()}' after line {index + 1}")
        out += block_lines(path, indent)
        index = end + 1
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")


def generated_blocks(text: str) -> dict[str, str]:
    """path -> the Fn::Sub string of its block, as it stands in the template."""
    blocks = {}
    lines = text.splitlines()
    for index, line in enumerate(lines):
        match = BEGIN.match(line)
        if not match:
            continue
        path, indent = match.group("path"), match.group("indent")
        end = lines.index(indent + END.format(path=path), index + 1)
        header = lines[index + 1].strip()
        if header == "PolicyDocument: !Sub |":
            body = [row[len(indent) + 2 :] for row in lines[index + 2 : end]]
        else:
            assert header == "PolicyDocument: !Sub" and lines[index + 2] == indent + "  - |", f"{path}: unexpected block header"
            rows = lines[index + 3 : end]
            stop = next(i for i, row in enumerate(rows) if row.startswith(indent + "  - "))
            body = [row[len(indent) + 4 :] for row in rows[:stop]]
        blocks[path] = "\n".join(body)
    return blocks


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if a template is not up to date")
    args = parser.parse_args(argv)
    status = 0
    for template in TEMPLATES:
        name = template.name
        current = template.read_text()
        wanted = render_template(current)
        if args.check:
            if current != wanted:
                print(f"{name} is stale: run python3 policies/render.py", file=sys.stderr)
                status = 1
            else:
                print(f"{name} agrees with {', '.join(sorted(generated_blocks(current)))}")
        elif current != wanted:
            template.write_text(wanted)
            print(f"{name} updated")
        else:
            print(f"{name} already up to date")
    return status


if __name__ == "__main__":
    sys.exit(main())
