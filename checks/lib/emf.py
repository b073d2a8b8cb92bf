"""The CloudWatch embedded metric format (EMF), checked as its specification
writes it: "Specification: Embedded metric format", Amazon CloudWatch User
Guide, https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html

`problems(line)` lists every way one log line breaks the specification (an
empty list: CloudWatch Logs would extract its metrics); `metrics(record)`
gives what it would extract. Units are the ones CloudWatch's own API model
accepts (botocore's `StandardUnit`), not a list written here.
"""
from __future__ import annotations

import json
import numbers

MAX_EVENT_BYTES = 1024 * 1024     # "the same limits as CloudWatch Logs events", 1 MB
MAX_DIMENSIONS_PER_SET = 30
MAX_METRICS_PER_DIRECTIVE = 100
MAX_VALUES_PER_METRIC = 100
MAX_DIMENSION_VALUE = 1024
STORAGE_RESOLUTIONS = (1, 60)


def standard_units() -> set[str]:
    import botocore.session

    model = botocore.session.get_session().get_service_model("cloudwatch")
    return set(model.shape_for("StandardUnit").enum)


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def problems(line: str, units: set[str] | None = None) -> list[str]:
    """What is wrong with `line` as an EMF log event; [] when nothing is."""
    units = units if units is not None else standard_units()
    found: list[str] = []
    if len(line.encode()) > MAX_EVENT_BYTES:
        found.append(f"event of {len(line.encode())} bytes, over {MAX_EVENT_BYTES}")
    try:
        # The whole message must be one JSON object, nothing before or after it.
        root = json.loads(line)
    except ValueError as error:
        return found + [f"not a JSON text: {error}"]
    if not isinstance(root, dict):
        return found + ["the root node is not a JSON object"]
    meta = root.get("_aws")
    if not isinstance(meta, dict):
        return found + ["no _aws metadata object"]
    extra = set(meta) - {"CloudWatchMetrics", "Timestamp", "LogGroupName"}
    if extra:
        found.append(f"_aws has members the specification does not define: {sorted(extra)}")
    if not _is_number(meta.get("Timestamp")):
        found.append("_aws.Timestamp is not a number (milliseconds since the epoch)")
    directives = meta.get("CloudWatchMetrics")
    if not isinstance(directives, list):
        return found + ["_aws.CloudWatchMetrics is not an array"]
    for index, directive in enumerate(directives):
        where = f"CloudWatchMetrics[{index}]"
        if not isinstance(directive, dict):
            found.append(f"{where} is not an object")
            continue
        extra = set(directive) - {"Namespace", "Dimensions", "Metrics"}
        if extra:
            found.append(f"{where} has members the specification does not define: {sorted(extra)}")
        namespace = directive.get("Namespace")
        if not isinstance(namespace, str) or not namespace:
            found.append(f"{where}.Namespace is not a non-empty string")
        dimension_sets = directive.get("Dimensions")
        if not isinstance(dimension_sets, list):
            found.append(f"{where}.Dimensions is not an array of dimension sets")
            dimension_sets = []
        for set_index, keys in enumerate(dimension_sets):
            if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
                found.append(f"{where}.Dimensions[{set_index}] is not an array of strings")
                continue
            if len(keys) > MAX_DIMENSIONS_PER_SET:
                found.append(f"{where}.Dimensions[{set_index}] has {len(keys)} keys, over {MAX_DIMENSIONS_PER_SET}")
            for key in keys:
                value = root.get(key)
                if not isinstance(value, str) or not value:
                    found.append(f"dimension {key!r}: the root has no non-empty string member of that name")
                elif len(value) > MAX_DIMENSION_VALUE:
                    found.append(f"dimension {key!r}: value longer than {MAX_DIMENSION_VALUE}")
        definitions = directive.get("Metrics")
        if not isinstance(definitions, list):
            found.append(f"{where}.Metrics is not an array")
            continue
        if len(definitions) > MAX_METRICS_PER_DIRECTIVE:
            found.append(f"{where}.Metrics has {len(definitions)} definitions, over {MAX_METRICS_PER_DIRECTIVE}")
        for definition in definitions:
            if not isinstance(definition, dict) or not isinstance(definition.get("Name"), str) or not definition["Name"]:
                found.append(f"{where}: a metric definition without a Name")
                continue
            name = definition["Name"]
            extra = set(definition) - {"Name", "Unit", "StorageResolution"}
            if extra:
                found.append(f"metric {name!r} has members the specification does not define: {sorted(extra)}")
            if "Unit" in definition and definition["Unit"] not in units:
                found.append(f"metric {name!r}: unit {definition['Unit']!r} is not a CloudWatch unit")
            if "StorageResolution" in definition and definition["StorageResolution"] not in STORAGE_RESOLUTIONS:
                found.append(f"metric {name!r}: StorageResolution {definition['StorageResolution']!r} is not 1 or 60")
            value = root.get(name)
            values = value if isinstance(value, list) else [value]
            if not values or len(values) > MAX_VALUES_PER_METRIC or not all(_is_number(v) for v in values):
                found.append(f"metric {name!r}: the root member is not a number or an array of 1 to 100 numbers")
    return found


def is_record(line: str) -> bool:
    """A line that means to be an EMF record (a JSON object carrying `_aws`)."""
    try:
        root = json.loads(line)
    except ValueError:
        return False
    return isinstance(root, dict) and "_aws" in root


def metrics(record: dict) -> dict[tuple[str, tuple[tuple[str, str], ...], str], tuple[float, str | None]]:
    """What CloudWatch would extract: (namespace, dimensions, metric name) -> (value, unit)."""
    extracted = {}
    for directive in record["_aws"]["CloudWatchMetrics"]:
        for keys in directive["Dimensions"]:
            dimensions = tuple((key, record[key]) for key in keys)
            for definition in directive["Metrics"]:
                key = (directive["Namespace"], dimensions, definition["Name"])
                extracted[key] = (record[definition["Name"]], definition.get("Unit"))
    return extracted
