"""Fill the database with demo issues, pages, scans and articles."""

import datetime
import html

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from articles.demo import content
from articles.demo.drawing import draw_page, layout, png_to_pdf
from articles.models import Article
from issues.models import Issue, Page, page_sort_key
from unionpaper.dates import date_zh
from unionpaper.publishing import Status


class Command(BaseCommand):
    help = "创建演示用的报纸期次、版面图和稿件（可重复运行，不会重复创建）。"

    def handle(self, *args, **options):
        created = {"issue": 0, "page": 0, "article": 0}
        for spec in content.ISSUES:
            with transaction.atomic():
                self._seed_issue(spec, created)
        total = Article.objects.filter(source_key__startswith="demo/").count()
        if any(created.values()):
            self.stdout.write(
                self.style.SUCCESS(
                    f"演示数据已创建：{created['issue']} 期，{created['page']} 个版面，{created['article']} 篇稿件"
                    f"（共 {total} 篇演示稿件）。"
                )
            )
        else:
            self.stdout.write(f"演示数据已存在，未做改动（共 {total} 篇演示稿件）。")

    def _seed_issue(self, spec, created):
        publish_at = timezone.make_aware(datetime.datetime.combine(spec["date"], datetime.time(6, 0)))
        issue, was_created = Issue.objects.get_or_create(
            date=spec["date"],
            defaults={
                "number": spec["number"],
                "serial": spec["serial"],
                "status": Status.PUBLISHED,
                "publish_at": publish_at,
            },
        )
        created["issue"] += was_created
        for code, slugs in spec["pages"].items():
            name, editor = content.PAGE_LAYOUTS[code]
            page, was_created = Page.objects.get_or_create(
                issue=issue, sort_key=page_sort_key(code), defaults={"code": code, "name": name, "editor": editor}
            )
            created["page"] += was_created
            articles = [content.ARTICLES[slug] for slug in slugs]
            blocks = layout([len(a["paragraphs"]) + 2 for a in articles], front_page=code == "A01")
            if not page.image:
                png = draw_page(
                    paper=settings.PAPER_NAME,
                    date_text=f"{date_zh(issue.date)} {issue.weekday}",
                    code=code,
                    name=name,
                    articles=articles,
                    blocks=blocks,
                )
                page.image.save(f"{code}.png", ContentFile(png), save=False)
                page.pdf.save(f"{code}.pdf", ContentFile(png_to_pdf(png)), save=False)
                page.save()
            for order, (slug, article, block) in enumerate(zip(slugs, articles, blocks, strict=False), start=1):
                key = f"demo/{issue.date.isoformat()}/{code}/{slug}"
                if Article.objects.filter(source_key=key).exists():
                    continue
                obj = Article.objects.create(
                    page=page,
                    order=order,
                    kicker=article["kicker"],
                    headline=article["headline"],
                    subtitle=article["subtitle"],
                    byline=article["byline"],
                    body="".join(f"<p>{html.escape(p)}</p>" for p in article["paragraphs"]),
                    status=Status.PUBLISHED,
                    publish_at=publish_at,
                    source_key=key,
                    **block.as_area(),
                )
                obj.themes.add(*article["themes"])
                created["article"] += 1
