"""Build the POST data the admin's forms send, as a browser would: written out, or read from a rendered form."""

from html.parser import HTMLParser

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


class _ChangeForm(HTMLParser):
    """Collect what a browser would submit from an admin change form (``<form id="…_form">``)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data: dict[str, list[str]] = {}
        self.in_form = False
        self.textarea = self.select = None
        self.options: list = []

    def add(self, name, value):
        if name and "__prefix__" not in name:
            self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.in_form = (a.get("id") or "").endswith("_form")
        if not self.in_form:
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind == "file" or (kind == "submit" and a.get("name") != "_save"):
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self.add(a.get("name"), a.get("value", "on" if kind in {"checkbox", "radio"} else ""))
        elif tag == "textarea":
            self.textarea, self.text = a.get("name"), ""
        elif tag == "select":
            self.select, self.options = a.get("name"), []
        elif tag == "option" and self.select:
            self.options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data):
        if self.textarea is not None:
            self.text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "textarea" and self.textarea is not None:
            self.add(self.textarea, self.text.removeprefix("\n"))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            chosen = [v for v, selected in self.options if selected] or [v for v, _ in self.options[:1]]
            for value in chosen:
                self.add(self.select, value)
            self.select = None


def rendered_form_data(response) -> dict:
    """Return the POST a browser sends from the change form in ``response``, unchanged."""
    parser = _ChangeForm()
    parser.feed(response.content.decode())
    return {name: values if len(values) > 1 else values[0] for name, values in parser.data.items()}
