"""Make the helper modules beside the tests (iam_eval, access_cases,
event_patterns) importable, whatever directory pytest starts from."""

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
