"""Make the Deep Zoom pyramid of every stored page scan that has none yet."""

from django.core.management.base import BaseCommand

from issues.models import Page
from unionpaper.deepzoom import deep_zoom, make_deep_zoom


class Command(BaseCommand):
    help = "为尚无放大图块的版面图生成 Deep Zoom 图块（保存版面图时已自动生成，此命令用于以前存的版面图）。"

    def handle(self, *args, **options):
        made = present = failed = 0
        names = Page.objects.exclude(image="").order_by("pk").values_list("image", flat=True).distinct()
        for name in names.iterator():
            if deep_zoom(name) is not None:
                present += 1
            elif make_deep_zoom(name) is not None:
                made += 1
                self.stdout.write(f"已生成：{name}")
            else:
                failed += 1
                self.stderr.write(f"无法读取，未生成：{name}")
        self.stdout.write(f"新生成 {made} 个，已有 {present} 个，无法生成 {failed} 个。")
