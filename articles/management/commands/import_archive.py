"""``manage.py import_archive INDIR``: restore an archive written by export_archive into an empty database."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from articles.archive.service import ArchiveError, import_archive


class Command(BaseCommand):
    help = "把 export_archive 导出的归档原样恢复到空数据库；先核对清单中每个文件的 sha256，不符即拒绝。"

    def add_arguments(self, parser):
        parser.add_argument("indir", metavar="INDIR")

    def handle(self, *args, indir, **options):
        try:
            summary = import_archive(indir=indir)
        except ArchiveError as exc:
            raise CommandError(str(exc)) from None
        for note in summary.notes:
            self.stderr.write(note)
        records = "，".join(f"{name} {count}" for name, count in summary.records.items())
        self.stdout.write(f"已从 {indir} 恢复：{records}；媒体文件 {summary.files} 个。")
        # Rows were loaded as stored, without the save signals that index them.
        call_command("rebuild_search_index", stdout=self.stdout._out, verbosity=0)
