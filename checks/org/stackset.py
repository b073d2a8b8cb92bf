#!/usr/bin/env python3
"""Render stackset.yaml from template.yaml, so there is one template text.

A StackSet with service-managed permissions cannot use templates with macros,
and AWS::Serverless is one ("StackSets with service-managed permissions don't
currently support the use of macros in templates", CreateStackSet
Capabilities). stackset.yaml is template.yaml in plain CloudFormation: no
Transform line, and its one AWS::Serverless::Function becomes an
AWS::Lambda::Function whose code comes from the bucket `<prefix>-<region>`
of the region it is deployed in (Lambda reads code only from a bucket in its
own region). Everything else is copied line for line.

    python3 checks/org/stackset.py           rewrite stackset.yaml
    python3 checks/org/stackset.py --check   exit 1 if stackset.yaml is stale
"""
from __future__ import annotations

import argparse
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
SOURCE, TARGET = ROOT / "template.yaml", ROOT / "stackset.yaml"

HEADER = """# GENERATED from template.yaml by checks/org/stackset.py: edit template.yaml
# (or policies/*.json, then policies/render.py) and run that script again.
# Plain CloudFormation for a service-managed StackSet (docs/organizations.md).
"""
CODE_PARAMETERS = """  CodeS3BucketPrefix:
    Type: String
    Description: >-
      Code buckets are named <this>-<region>, one per region deployed to, each
      holding the function zip (make package) readable by the organization.
    AllowedPattern: "^[a-z0-9][a-z0-9.-]{1,40}$"
    ConstraintDescription: the start of an S3 bucket name
  CodeS3Key:
    Type: String
    Default: aws-userid-tagger/function.zip
    Description: Key of the function zip in each code bucket.
    MinLength: 1
"""
# Properties of AWS::Serverless::Function that AWS::Lambda::Function has with the same shape.
SAME_SHAPE = {"Description", "Handler", "Runtime", "Architectures", "MemorySize", "Timeout", "Role",
              "ReservedConcurrentExecutions", "LoggingConfig", "Environment"}


def _block_end(lines: list[str], start: int, indent: int) -> int:
    """Index of the first line after `start` indented `indent` or less (blank lines belong to the block)."""
    index = start + 1
    while index < len(lines) and (not lines[index].strip() or len(lines[index]) - len(lines[index].lstrip()) > indent):
        index += 1
    while index > start + 1 and not lines[index - 1].strip():
        index -= 1
    return index


def _lambda_function(block: list[str]) -> list[str]:
    out = []
    index = 0
    while index < len(block):
        line = block[index]
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if stripped == "Type: AWS::Serverless::Function":
            out.append(line.replace("AWS::Serverless::Function", "AWS::Lambda::Function"))
        elif indent == 4 and stripped == "Metadata:":
            index = _block_end(block, index, 4)
            continue
        elif indent == 6 and stripped.startswith("CodeUri:"):
            out += ["      Code:", '        S3Bucket: !Sub "${CodeS3BucketPrefix}-${AWS::Region}"', "        S3Key: !Ref CodeS3Key"]
        elif indent == 6 and stripped == "Tags:":
            end = _block_end(block, index, 6)
            out.append(line)
            for tag in block[index + 1:end]:
                key, value = (part.strip() for part in tag.split(":", 1))
                out.append(f"        - {{Key: {key}, Value: {value}}}")
            index = end
            continue
        elif indent == 6 and stripped.split(":", 1)[0] not in SAME_SHAPE:
            raise SystemExit(f"template.yaml: TaggerFunction property {stripped.split(':', 1)[0]!r} has no "
                             "AWS::Lambda::Function equivalent here: teach checks/org/stackset.py")
        else:
            out.append(line)
        index += 1
    return out


def render(text: str) -> str:
    lines = text.splitlines()
    if "Transform: AWS::Serverless-2016-10-31" not in lines:
        raise SystemExit("template.yaml: no AWS::Serverless transform line")
    lines.remove("Transform: AWS::Serverless-2016-10-31")
    functions = [i for i, line in enumerate(lines) if line == "    Type: AWS::Serverless::Function"]
    if len(functions) != 1:
        raise SystemExit(f"template.yaml: expected one AWS::Serverless::Function, found {len(functions)}")
    start = functions[0] - 1
    end = _block_end(lines, start, 2)
    lines[start:end] = _lambda_function(lines[start:end])
    parameters = lines.index("Parameters:")
    lines[parameters + 1:parameters + 1] = CODE_PARAMETERS.rstrip("\n").split("\n")
    out = "\n".join(lines) + "\n"
    if re.search(r"AWS::Serverless", out):
        raise SystemExit("template.yaml: another AWS::Serverless resource; teach checks/org/stackset.py")
    first, rest = out.split("\n", 1)
    return first + "\n" + HEADER + rest


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if stackset.yaml is not up to date")
    args = parser.parse_args(argv)
    wanted = render(SOURCE.read_text())
    current = TARGET.read_text() if TARGET.exists() else ""
    if args.check:
        if current != wanted:
            print("stackset.yaml is stale: run python3 checks/org/stackset.py", file=sys.stderr)
            return 1
        return 0
    if current != wanted:
        TARGET.write_text(wanted)
        print("stackset.yaml updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
