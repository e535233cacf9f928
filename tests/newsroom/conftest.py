"""People of the review (三审) tests beside the shared 记者, 编辑 and 总编."""

import pytest

from tests.people import make_staff


@pytest.fixture
def department_head(db):
    return make_staff("zhaoqiang", "编辑部主任")
