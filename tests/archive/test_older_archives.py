"""An archive written by an older release restores into today's models."""

import io

import pytest
from django.core.management import call_command

from articles.models import Article
from tests.archive.edits import edit, exported_archive


@pytest.fixture
def archive(tmp_path, db, settings):
    return exported_archive(tmp_path, settings)


def test_an_archive_written_before_shapes_restores_its_box_as_a_rectangle(archive):
    def as_before(fields):
        fields.pop("hot_areas")
        fields.update(area_left="10.50", area_top="5.25", area_width="40.00", area_height="33.33")

    edit(archive, "articles.jsonl", as_before)
    call_command("import_archive", str(archive), stdout=io.StringIO())
    assert Article.objects.get().hot_areas == [{"type": "rect", "points": [[0.105, 0.0525], [0.505, 0.3858]]}]
