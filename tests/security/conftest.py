"""Share the newsroom people of tests/workflow."""

from tests.workflow.conftest import chief, editor, other_reporter, reporter  # noqa: F401
