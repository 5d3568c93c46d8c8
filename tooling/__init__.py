"""Developer tooling: seeding, benchmarks, load and events runs, and the commands that drive them.

The domain (sessions_app, design_bridge, techspec_project) never imports this package;
tests/tooling/test_layering.py keeps it that way.
"""
