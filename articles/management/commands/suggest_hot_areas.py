"""Suggest (and with --apply, store) each article's hot areas from the text layer of its page PDF."""

import datetime
import json as jsonlib

from django.core.management.base import BaseCommand, CommandError

from articles.hotareas.service import apply_suggestion, page_suggestions
from articles.models import Article
from issues.models import Issue, normalize_page_code


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期“{value}”应写成 YYYY-MM-DD，如 2023-01-01。") from None


class Command(BaseCommand):
    help = (
        "从版面 PDF 的文字层为各期稿件识别热区。不加 --apply 时只打印将设置的热区，什么也不改；"
        "已有热区的稿件不动，除非加 --replace。"
    )

    def add_arguments(self, parser):
        parser.add_argument("dates", nargs="+", metavar="DATE", help="期的日期，YYYY-MM-DD")
        parser.add_argument("--page", metavar="CODE", help="只处理这一版（如 A01）")
        parser.add_argument("--apply", action="store_true", help="把识别出的热区存入稿件")
        parser.add_argument("--json", action="store_true", help="以 JSON 列表打印结果")
        parser.add_argument("--replace", action="store_true", help="已有热区的稿件也替换")

    def handle(self, *args, dates, page=None, apply=False, replace=False, **options):
        out, notes = [], []
        for day in map(_date, dates):
            issue = Issue.objects.filter(date=day).first()
            if issue is None:
                raise CommandError(f"没有 {day:%Y-%m-%d} 这一期。")
            pages = issue.pages.in_order()
            if page:
                pages = pages.filter(code=normalize_page_code(page))
                if not pages.exists():
                    raise CommandError(f"{day:%Y-%m-%d} 这一期没有第{normalize_page_code(page)}版。")
            for p in pages:
                articles = list(Article.objects.filter(page=p).untrashed().order_by("order", "id"))
                if not p.pdf:
                    notes.append(f"{day:%Y-%m-%d} 第{p.code}版没有 PDF，跳过。")
                    continue
                by_id = {a.pk: a for a in articles}
                for s in page_suggestions(p, articles):
                    article = by_id[s["article"]]
                    if article.hot_areas and not replace:
                        notes.append(f"稿件 {article.pk}「{article.headline}」已有热区，未动（--replace 可替换）。")
                        continue
                    out.append({"article": article.pk, "page": p.code, "shapes": s["shapes"], "matched": s["matched"]})
                    if not s["shapes"]:
                        notes.append(f"稿件 {article.pk}「{article.headline}」在第{p.code}版 PDF 中未找到。")
                    elif apply:
                        apply_suggestion(article=article, shapes=s["shapes"])
        if options["json"]:
            self.stdout.write(_dumps(out))
        else:
            for row in out:
                if row["shapes"]:
                    kinds = "、".join("矩形" if s["type"] == "rect" else "多边形" for s in row["shapes"])
                    verb = "已设置" if apply else "将设置"
                    self.stdout.write(
                        f"第{row['page']}版 稿件 {row['article']}：{verb} {kinds}（匹配 {row['matched']:.0%}）"
                    )
            if not apply:
                self.stdout.write("未加 --apply，没有改动任何稿件。")
        for note in notes:
            self.stderr.write(note)


def _dumps(rows) -> str:
    return jsonlib.dumps(rows, ensure_ascii=False)
