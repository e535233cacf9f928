"""What readers (and previewing staff) may see of articles, themes, and the pages that show them.

Every public list starts from ``Article.objects.published()``; only the
article, page and issue views widen it, for staff with ``articles.view_article``
(and ``issues.view_issue``), who open unpublished content in the public
templates as a preview.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from issues.models import Issue, Page, page_sort_key
from issues.selectors import can_preview_issues, issue_pages
from unionpaper import cache_keys as ck
from unionpaper.cache import shared

from .models import Article, ArticleImage, Theme, ThemedArticle
from .services import EDIT_OTHERS_PERMISSION

PREVIEW_PERMISSION = "articles.view_article"
RELATED_LIMIT = 5
ON_THIS_DAY_LIMIT = 6


def can_preview_articles(user) -> bool:
    """Return True when ``user`` may open unpublished articles."""
    return bool(user and user.is_authenticated and user.is_staff and user.has_perm(PREVIEW_PERMISSION))


def previewable_articles(user):
    """Return every article previewing staff may open, by the admin's rule.

    Editors (who may edit others' articles) see every article; a reporter sees
    everyone's published articles and only their own unpublished ones, as the
    admin lists only those for them.
    """
    if user.has_perm(EDIT_OTHERS_PERMISSION):
        return Article.objects.all()
    return Article.objects.filter(Article.objects.published_q() | Q(created_by=user))


def visible_articles(*, user=None):
    """Return the articles ``user`` may open: published ones, or those previewing staff may see."""
    return previewable_articles(user) if can_preview_articles(user) else Article.objects.published()


def visible_articles_of_issues(*, user=None):
    """Return the articles shown inside an issue or page ``user`` may open.

    Callers have already opened the issue through ``visible_issues``, so for
    the public only the articles' own state is tested, without joining the
    issue again.
    """
    if can_preview_issues(user):
        # The issue itself may be unpublished: its published articles are still not public.
        return previewable_articles(user) if can_preview_articles(user) else Article.objects.published()
    return Article.objects.published_own()


def _articles_prefetch(user, to_attr="visible_articles"):
    return Prefetch(
        "articles",
        queryset=visible_articles_of_issues(user=user).order_by("order", "id"),
        to_attr=to_attr,
    )


@dataclass
class PageView:
    """Everything the page view shows, fetched in a fixed number of queries."""

    issue: Issue
    page: Page
    pages: list  # every page of the issue, in order, for the strip
    articles: list
    previous_page: Page | None = None
    next_page: Page | None = None
    preview: bool = False
    areas: list = field(default_factory=list)


def page_view(*, issue: Issue, code: str | None, user=None) -> PageView | None:
    """Return the page ``code`` of ``issue`` (its first page when ``code`` is None), or None.

    Two queries: the issue's pages (shared by all its pages), then the page's
    articles; none per row. ``code`` matches however it is written (``a3``
    finds ``A03``).
    """
    pages = issue_pages(issue)
    for page in pages:
        page.issue = issue
    if code is None:
        index = 0 if pages else None
    else:
        wanted = page_sort_key(code)
        index = next((i for i, p in enumerate(pages) if p.sort_key == wanted), None)
    if index is None:
        return None
    page = pages[index]
    # The body is not shown on the page, and is the bulk of each row.
    articles = list(visible_articles_of_issues(user=user).filter(page=page).defer("body").order_by("order", "id"))
    for article in articles:
        article.page = page
    ck.depends_on(issue, *pages, *articles)
    ck.depends_on_list(ck.issue_pages_list(issue.date), ck.page_list(page.pk))
    return PageView(
        issue=issue,
        page=page,
        pages=pages,
        articles=articles,
        previous_page=pages[index - 1] if index > 0 else None,
        next_page=pages[index + 1] if index + 1 < len(pages) else None,
        preview=not issue.is_public or any(not a.is_public for a in articles),
        areas=[a for a in articles if a.has_area],
    )


def issue_pages_with_articles(*, issue: Issue, user=None) -> list:
    """Return the issue's pages in order, each with ``visible_articles`` (two queries)."""
    pages = list(issue.pages.in_order().prefetch_related(_articles_prefetch(user)))
    for page in pages:
        page.issue = issue
        for article in page.visible_articles:
            article.page = page
        ck.depends_on(page, *page.visible_articles)
        ck.depends_on_list(ck.page_list(page.pk))
    ck.depends_on(issue)
    ck.depends_on_list(ck.issue_pages_list(issue.date), ck.issue_list(issue.date))
    return pages


def article_for_reading(*, pk: int, user=None) -> Article | None:
    """Return the article with its page and issue, or None (three queries).

    The article also carries ``photos`` (in order) and ``theme_list`` (by
    name), each read by one plain query: taggit's own prefetch costs about
    twice as much to build as the query it runs.
    """
    # A story in the pool has no page to be read on, even in a preview; staff read it in the admin.
    found = list(visible_articles(user=user).with_page().filter(pk=pk, page__isnull=False).order_by()[:1])
    if not found:
        return None
    article = found[0]
    article.photos = list(ArticleImage.objects.filter(article_id=pk).order_by("order", "id"))
    article.theme_list = list(Theme.objects.filter(tagged_articles__content_object_id=pk).order_by("name"))
    ck.depends_on(article, article.page, article.page.issue, *article.theme_list)
    ck.depends_on_text(article)
    ck.depends_on_list(ck.photos_list(article.pk))
    return article


def issue_reading_order(issue_id: int, *, user=None) -> list[tuple[int, str]]:
    """Return ``(id, headline)`` of the issue's articles as the paper is read (one query).

    Reading order is page order, then position on the page, then id. The
    public list is shared by every article of the issue (``shared``); only
    the articles' own state is tested, as the issue is the one being read.
    """

    def build(articles):
        rows = list(
            articles.filter(page__issue_id=issue_id)
            .order_by("page__sort_key", "order", "id")
            .values_list("id", "headline", "page__issue__date")
        )
        if rows:  # the issue's articles in order, with the headlines it keeps
            ck.depends_on_list(ck.issue_list(rows[0][2]), *(f"article:{pk}" for pk, _, _ in rows))
        return [(pk, headline) for pk, headline, _ in rows]

    if can_preview_articles(user):
        return build(previewable_articles(user))
    # A page shows two of its headlines: it declares those (``reading_neighbours``), not the whole list.
    return shared(f"issue-reading-order:{issue_id}", lambda: build(Article.objects.published_own()), whole=False)


def reading_neighbours(article: Article, *, user=None) -> tuple[Article | None, Article | None]:
    """Return the articles before and after ``article`` in its issue (上一篇/下一篇).

    Each neighbour carries its id and headline, which is what the pager shows.
    """
    order = issue_reading_order(article.page.issue_id, user=user)
    ck.depends_on_list(ck.issue_list(article.page.issue.date))
    ids = [pk for pk, _ in order]
    try:
        index = ids.index(article.pk)
    except ValueError:  # a previewed draft among public articles: place it by its own key
        return _neighbours_around(article, user=user)
    previous = Article(pk=order[index - 1][0], headline=order[index - 1][1]) if index > 0 else None
    following = Article(pk=order[index + 1][0], headline=order[index + 1][1]) if index + 1 < len(order) else None
    ck.depends_on(previous, following)
    return previous, following


def _neighbours_around(article: Article, *, user=None):
    same_issue = visible_articles(user=user).filter(page__issue_id=article.page.issue_id).with_page()
    key, order, pk = article.page.sort_key, article.order, article.pk
    before = (
        Q(page__sort_key__lt=key)
        | Q(page__sort_key=key, order__lt=order)
        | Q(page__sort_key=key, order=order, pk__lt=pk)
    )
    after = (
        Q(page__sort_key__gt=key)
        | Q(page__sort_key=key, order__gt=order)
        | Q(page__sort_key=key, order=order, pk__gt=pk)
    )
    previous = same_issue.filter(before).order_by("-page__sort_key", "-order", "-id").first()
    following = same_issue.filter(after).order_by("page__sort_key", "order", "id").first()
    return previous, following


def related_by_theme(article: Article, themes, *, limit: int = RELATED_LIMIT) -> list[Article]:
    """Return published articles sharing one of ``themes`` (the article's own), newest first.

    The newest articles of a set of themes are one query, shared by every
    article with the same themes.
    """
    theme_ids = sorted(theme.pk for theme in themes)
    if not theme_ids:
        return []

    def build():
        sharing = ThemedArticle.objects.filter(tag_id__in=theme_ids).values("content_object_id")
        related = Article.objects.published().filter(pk__in=Subquery(sharing)).defer("body")
        newest = list(related.with_page().in_reading_order()[: limit + 1])
        ck.depends_on_list(*(ck.theme_list(t) for t in theme_ids))
        depends_on_headlines(newest)
        return newest

    newest = shared("related:" + ",".join(map(str, theme_ids)), build)
    return [a for a in newest if a.pk != article.pk][:limit]


def depends_on_headlines(articles) -> None:
    """Declare a list of headlines with their dates and page codes (``issues/_history.html``).

    Their texts are not declared: a correction of a body leaves such a list as it was.
    """
    for article in articles:
        ck.depends_on(article, article.page, article.page.issue)


def on_this_day(*, today: datetime.date, limit: int = ON_THIS_DAY_LIMIT) -> list[Article]:
    """Return published articles of issues printed on this month and day in earlier years (历史上的今天)."""

    def build():
        found = list(
            Article.objects.published()
            .filter(
                page__issue__date__month=today.month,
                page__issue__date__day=today.day,
                page__issue__date__year__lt=today.year,
            )
            .defer("body")
            .with_page()
            .in_reading_order()[:limit]
        )
        ck.depends_on_list(ck.on_this_day_list(today.month, today.day))
        depends_on_headlines(found)
        # Another day's list from midnight on.
        tomorrow = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time())
        ck.depends_until(timezone.make_aware(tomorrow))
        return found

    return shared(f"on-this-day:{today.isoformat()}:{limit}", build)


def themes_with_counts() -> list[Theme]:
    """Return the themes that have published articles, each with ``article_count``.

    Counting a large archive takes a while, so the list is shared until the next change.
    """

    def build():
        ck.depends_on_list(ck.THEMES)
        return list(
            Theme.objects.annotate(
                article_count=Count(
                    "tagged_articles",
                    filter=Article.objects.published_q("tagged_articles__content_object__"),
                )
            )
            .filter(article_count__gt=0)
            .order_by("-article_count", "name")
        )

    return shared("themes-with-counts", build)


def public_themes():
    """Return the themes that have at least one published article.

    A theme given only to unpublished articles may name an embargoed story,
    so its page and feed do not exist for the public yet.
    """
    published = ThemedArticle.objects.filter(tag=OuterRef("pk"), content_object__in=Article.objects.published())
    return Theme.objects.filter(Exists(published))


def public_theme(slug: str) -> Theme | None:
    """Return the public theme ``slug`` with its ``article_count``, or None (one query, shared).

    Counts this theme's articles only: the whole theme list's counts take
    seconds on a large archive, and a theme page must not wait for them.
    """

    def build():
        theme = (
            Theme.objects.filter(slug=slug)
            .annotate(
                article_count=Count(
                    "tagged_articles",
                    filter=Article.objects.published_q("tagged_articles__content_object__"),
                )
            )
            .filter(article_count__gt=0)
            .first()
        )
        if theme is not None:
            ck.depends_on(theme)
            ck.depends_on_list(ck.theme_list(theme.pk))
        return theme

    return shared(f"theme:{slug}", build)


def theme_articles(theme: Theme):
    """Return the published articles of ``theme``, newest first."""
    tagged = ThemedArticle.objects.filter(tag=theme).values("content_object_id")
    return Article.objects.published().filter(pk__in=Subquery(tagged)).with_page().in_reading_order()


# What a list of headlines shows (templates/articles/theme_detail.html): building
# whole rows of article, page and issue cost as much as the query.
HEADLINE_FIELDS = ("id", "kicker", "headline", "author_names", "page__code", "page__issue__date")


def theme_headlines(theme: Theme):
    """Return ``theme_articles`` with only what a list of headlines shows."""
    return theme_articles(theme).only(*HEADLINE_FIELDS)


def latest_articles(*, limit: int = 30) -> list[Article]:
    """Return the articles of the newest published issues, in reading order (for the feed)."""
    found = list(Article.objects.published().with_page().in_reading_order()[:limit])
    ck.depends_on_list(ck.FEEDS)
    depends_on_headlines(found)
    return found
