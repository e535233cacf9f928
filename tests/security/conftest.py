"""Share the newsroom people of tests/workflow."""
from tests.workflow.conftest import _fresh_cache, chief, editor, other_reporter, reporter  # noqa: F401
