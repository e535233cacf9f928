"""Build the POST data the admin's article form sends, as a browser would."""

from django.utils import timezone


def inline_management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def article_data(*, page, article=None, **overrides):
    """Return the article change form's fields for ``article`` (or a new one on ``page``)."""
    data = {
        "page": page.pk,
        "order": "0",
        "kicker": "",
        "headline": "职工书屋开进车间",
        "subtitle": "",
        "byline": "本报记者 王晓明",
        "body": "<p>市总工会在机械厂车间建起职工书屋。</p>",
        "themes": "",
        "hot_areas": "[]",
        "status": "draft",
        "publish_at_0": "",
        "publish_at_1": "",
        **inline_management("images"),
    }
    if article is not None:
        themes = "、".join(sorted(article.themes.names()))
        data.update(
            page=article.page_id,
            order=str(article.order),
            kicker=article.kicker,
            headline=article.headline,
            subtitle=article.subtitle,
            byline=article.byline,
            body=article.body,
            themes=themes,
            status=article.status,
        )
        if article.publish_at:
            local = timezone.localtime(article.publish_at)
            data.update(publish_at_0=local.strftime("%Y-%m-%d"), publish_at_1=local.strftime("%H:%M:%S"))
        images = list(article.images.all())
        data.update(inline_management("images", total=len(images), initial=len(images)))
        for i, image in enumerate(images):
            data.update(
                {
                    f"images-{i}-id": str(image.pk),
                    f"images-{i}-article": str(article.pk),
                    f"images-{i}-order": str(image.order),
                    f"images-{i}-caption": image.caption,
                    f"images-{i}-credit": image.credit,
                }
            )
    data.update(overrides)
    return data
