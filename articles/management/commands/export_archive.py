"""``manage.py export_archive OUTDIR``: write the whole paper to an open archive folder."""

from django.core.management.base import BaseCommand, CommandError

from articles.archive.service import ArchiveError, export_archive


class Command(BaseCommand):
    help = (
        "把所有期、版面、稿件、主题和媒体文件导出到一个新的或空的文件夹（JSON Lines + 媒体文件 + 含 sha256 的清单）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("outdir", metavar="OUTDIR")

    def handle(self, *args, outdir, **options):
        try:
            summary = export_archive(outdir=outdir)
        except ArchiveError as exc:
            raise CommandError(str(exc)) from None
        for note in summary.notes:
            self.stderr.write(note)
        records = "，".join(f"{name} {count}" for name, count in summary.records.items())
        self.stdout.write(f"已导出到 {outdir}：{records}；媒体文件 {summary.files} 个。")
