"""The policy files and their renderer (render.py), importable as `policies.render`."""
