"""What a change touches: the dependency keys of the pages that show it (see ``unionpaper.cache_keys``).

Every change is compared as two states of its row, before and after (None
for a row created or deleted), read from the database it is written to. A
row's own key always moves, but for an article: its full text
(``article-text:<pk>``, which its own view and the feeds show) moves at every
save, and what lists of headlines show of it (``article:<pk>``: the
``LISTED_FIELDS``, its page, place and state) only when one of those
changed, so a correction of a body leaves the page views, theme pages and
the neighbours' 上一篇/下一篇 cached. The keys of the lists it shows up in move when
it joins or leaves them or changes its place in them: being published or
unpublished (its own or its issue's), moving to another page or issue,
being reordered, a date or page code changing, a theme added or taken away.
An edit of an article nobody may see yet (a draft, or one scheduled for
later) touches no public page; a scheduled publication touches its lists
when its time comes (``keys_coming_due``).

It lives with the articles because what an issue's or a page's change
touches includes the lists of their articles; ``ArticlesConfig.ready``
connects it (``connect()``).
"""

import datetime
from dataclasses import dataclass

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

from issues.models import Issue, Page
from unionpaper import cache_keys as ck
from unionpaper.publishing import is_public_state, published_q

from .models import Article, ArticleImage, Theme, ThemedArticle

_BEFORE = "_cache_state_before"
# What lists of headlines show of an article (page views with their hot areas, the issue's
# contents, theme pages, 相关文章, 历史上的今天, 上一篇/下一篇): an edit of any other field
# (the body above all) re-renders only the pages showing its full text.
LISTED_FIELDS = (
    "kicker",
    "headline",
    "subtitle",
    "byline",
    "byline_role",
    "author_title",
    "author_names",
    "hot_areas",
)


# --- States -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssueState:
    pk: int
    date: datetime.date
    public: bool
    number: int | None
    serial: int | None


@dataclass(frozen=True)
class PageState:
    pk: int
    issue_id: int
    issue_date: datetime.date
    issue_public: bool
    code: str
    sort_key: str


@dataclass(frozen=True)
class ArticleState:
    pk: int
    page_id: int
    issue_date: datetime.date
    page_sort_key: str
    order: int
    public: bool  # its own state and its issue's
    theme_ids: frozenset
    listed: tuple = ()  # the values of LISTED_FIELDS

    @property
    def placement(self):
        return (self.public, self.page_id, self.issue_date, self.page_sort_key, self.order)


@dataclass(frozen=True)
class ThemeState:
    pk: int
    name: str
    slug: str


@dataclass(frozen=True)
class PhotoState:
    pk: int
    article_id: int
    shown: tuple = ()  # the values of PHOTO_FIELDS


@dataclass(frozen=True)
class ThemedState:
    pk: int
    article_id: int
    theme_id: int


def issue_state(pk, using=None) -> IssueState | None:
    row = Issue._default_manager.using(using).filter(pk=pk).values("date", "status", "publish_at", "number", "serial")
    row = row.first()
    if row is None:
        return None
    public = is_public_state(row["status"], row["publish_at"])
    return IssueState(pk=pk, date=row["date"], public=public, number=row["number"], serial=row["serial"])


def page_state(pk, using=None) -> PageState | None:
    fields = ("issue_id", "issue__date", "issue__status", "issue__publish_at", "code", "sort_key")
    row = Page._default_manager.using(using).filter(pk=pk).values(*fields).first()
    if row is None:
        return None
    return PageState(
        pk=pk,
        issue_id=row["issue_id"],
        issue_date=row["issue__date"],
        issue_public=is_public_state(row["issue__status"], row["issue__publish_at"]),
        code=row["code"],
        sort_key=row["sort_key"],
    )


def article_state(pk, using=None) -> ArticleState | None:
    fields = (
        "page_id",
        "order",
        "status",
        "publish_at",
        "page__sort_key",
        "page__issue__date",
        "page__issue__status",
        "page__issue__publish_at",
        "trashed_at",
        *LISTED_FIELDS,
    )
    row = Article._default_manager.using(using).filter(pk=pk).values(*fields).first()
    if row is None:
        return None
    now = timezone.now()
    themes = ThemedArticle._default_manager.using(using).filter(content_object_id=pk).values_list("tag_id", flat=True)
    return ArticleState(
        pk=pk,
        page_id=row["page_id"],
        issue_date=row["page__issue__date"],
        page_sort_key=row["page__sort_key"],
        order=row["order"],
        public=row["page_id"] is not None
        and row["trashed_at"] is None
        and is_public_state(row["status"], row["publish_at"], now=now)
        and is_public_state(row["page__issue__status"], row["page__issue__publish_at"], now=now),
        theme_ids=frozenset(themes),
        listed=tuple(row[f] for f in LISTED_FIELDS),
    )


def theme_state(pk, using=None) -> ThemeState | None:
    row = Theme._default_manager.using(using).filter(pk=pk).values("name", "slug").first()
    return ThemeState(pk=pk, name=row["name"], slug=row["slug"]) if row else None


# What an article view shows of a photo; its version counter is not shown.
PHOTO_FIELDS = ("image", "width", "height", "caption", "credit", "order")


def photo_state(pk, using=None) -> PhotoState | None:
    row = ArticleImage._default_manager.using(using).filter(pk=pk).values("article_id", *PHOTO_FIELDS).first()
    if row is None:
        return None
    return PhotoState(pk=pk, article_id=row["article_id"], shown=tuple(row[f] for f in PHOTO_FIELDS))


def themed_state(pk, using=None) -> ThemedState | None:
    row = ThemedArticle._default_manager.using(using).filter(pk=pk).values("content_object_id", "tag_id").first()
    return ThemedState(pk=pk, article_id=row["content_object_id"], theme_id=row["tag_id"]) if row else None


# --- Keys of a change ---------------------------------------------------------------------------


def _article_lists(state: ArticleState) -> set[str]:
    """The lists a public article is a member of."""
    date = state.issue_date
    return {
        ck.page_list(state.page_id),
        ck.issue_list(date),
        ck.on_this_day_list(date.month, date.day),
        ck.FEEDS,
        ck.THEMES,
        ck.SEARCH,
        ck.sitemap_list("articles"),
        ck.SITEMAP_INDEX,
        *(ck.theme_list(t) for t in state.theme_ids),
    }


def article_keys(before: ArticleState | None, after: ArticleState | None) -> set[str]:
    """Return the keys an article's change touches.

    Its full text always (every save changes at least the time of its last
    change, which the feeds show); what lists show of it only when one of the
    ``LISTED_FIELDS``, its place or its state changed.
    """
    pk = (after or before).pk
    keys = {ck.article_text_key(pk)}
    moved = before is None or after is None or before.placement != after.placement
    if moved or before.listed != after.listed:
        keys.add(f"article:{pk}")
    shown = [s for s in (before, after) if s is not None and s.public]
    if not shown:
        return keys  # no public page shows it, before or after
    # Its text is searched, and its sitemap entry carries the time of its last change.
    keys |= {ck.SEARCH, ck.sitemap_list("articles"), ck.SITEMAP_INDEX}
    if moved or before.theme_ids != after.theme_ids:
        for state in shown:
            keys |= _article_lists(state)
    return keys


def _issue_neighbour_dates(state: IssueState, using=None) -> list[datetime.date]:
    """Return the dates of the published issues just before and after ``state``'s, other than itself."""
    others = Issue._default_manager.using(using).published().exclude(pk=state.pk)
    found = [
        others.filter(date__lt=state.date).order_by("-date").values_list("date", flat=True).first(),
        others.filter(date__gt=state.date).order_by("date").values_list("date", flat=True).first(),
    ]
    return [d for d in found if d is not None]


def _theme_ids_of_issue(issue_id, using=None) -> set[int]:
    # Its articles' own state only: the issue's is what changes.
    rows = ThemedArticle._default_manager.using(using).filter(
        published_q("content_object__"), content_object__page__issue_id=issue_id
    )
    return set(rows.values_list("tag_id", flat=True).distinct())


def _placed(state: PageState) -> tuple:
    """Return where a page stands: its issue and its place in it."""
    return (state.issue_id, state.issue_date, state.sort_key)


def issue_keys(before: IssueState | None, after: IssueState | None, using=None) -> set[str]:
    """Return the keys an issue's change touches (its pages and articles show it: ``issue:<date>``)."""
    states = [s for s in (before, after) if s is not None]
    keys = {ck.issue_key(s.date) for s in states}
    shown = [s for s in states if s.public]
    if not shown:
        return keys
    keys |= {ck.sitemap_list("issues"), ck.SITEMAP_INDEX}
    keys |= {ck.calendar_list(s.date.year) for s in shown}  # the calendar shows 期号
    moved = before is None or after is None or (before.public, before.date) != (after.public, after.date)
    if not moved:
        return keys
    # It joins or leaves the list of published issues, or moves in it; its articles join or leave theirs.
    keys |= {ck.LATEST_ISSUE, ck.CALENDAR_YEARS, ck.FEEDS, ck.THEMES, ck.SEARCH}
    keys |= {ck.sitemap_list(section) for section in ("pages", "articles", "themes")}
    for state in states:
        date = state.date
        keys |= {ck.calendar_list(date.year), ck.issue_neighbours_list(date), ck.issue_list(date)}
        keys.add(ck.issue_pages_list(date))
        keys.add(ck.on_this_day_list(date.month, date.day))
        keys |= {ck.issue_neighbours_list(d) for d in _issue_neighbour_dates(state, using)}
    keys |= {ck.theme_list(t) for t in _theme_ids_of_issue((after or before).pk, using)}
    return keys


def _page_article_states(page_id, using=None) -> list[ArticleState]:
    pks = Article._default_manager.using(using).filter(page_id=page_id).values_list("pk", flat=True)
    return [s for s in (article_state(pk, using) for pk in pks) if s is not None]


def page_keys(before: PageState | None, after: PageState | None, using=None) -> set[str]:
    """Return the keys a page's change touches (pages of the issue show its code and name in the strip)."""
    pk = (after or before).pk
    keys = {f"page:{pk}"}
    shown = [s for s in (before, after) if s is not None and s.issue_public]
    if not shown:
        return keys
    keys |= {ck.sitemap_list("pages"), ck.SITEMAP_INDEX}
    if before is None or after is None or _placed(before) != _placed(after):
        keys |= {ck.issue_list(s.issue_date) for s in shown}
        keys |= {ck.issue_pages_list(s.issue_date) for s in shown}
        keys.add(ck.page_list(pk))
        # Lists in reading order (themes, feeds, 历史上的今天) place its articles by page.
        for article in _page_article_states(pk, using):
            if article.public:
                keys |= _article_lists(article)
        keys |= {ck.on_this_day_list(s.issue_date.month, s.issue_date.day) for s in shown}
    return keys


def theme_keys(before: ThemeState | None, after: ThemeState | None) -> set[str]:
    """Return the keys a theme's change touches (its articles join or leave it through ``themed_keys``)."""
    pk = (after or before).pk
    keys = {f"theme:{pk}"}
    if before is None or after is None or (before.name, before.slug) != (after.name, after.slug):
        keys |= {ck.THEMES, ck.SEARCH, ck.sitemap_list("themes"), ck.SITEMAP_INDEX}
    return keys


def themed_keys(article_id, theme_ids, using=None) -> set[str]:
    """Return the keys touched when the article ``article_id`` joins or leaves the themes ``theme_ids``.

    Its own view names its themes; no list of headlines does.
    """
    own = ck.article_text_key(article_id)
    state = article_state(article_id, using)
    if state is None or not state.public:
        return {own}
    keys = {own, ck.THEMES, ck.SEARCH, ck.sitemap_list("themes"), ck.SITEMAP_INDEX}
    return keys | {ck.theme_list(t) for t in theme_ids}


def photo_keys(before: PhotoState | None, after: PhotoState | None) -> set[str]:
    """Return the keys a photo's change touches: the photos of the article it is printed with.

    A photo saved as it was (a working copy written over the live rows) touches nothing.
    """
    if before == after:
        return set()
    return {ck.photos_list(s.article_id) for s in (before, after) if s is not None}


def themed_row_keys(before: ThemedState | None, after: ThemedState | None, using=None) -> set[str]:
    """Return the keys a theme link's change touches: its article and its theme, before and after.

    A link saved as it was (a working copy written over the live rows) touches nothing.
    """
    if before == after:
        return set()
    keys = set()
    for state in (before, after):
        if state is not None:
            keys |= themed_keys(state.article_id, {state.theme_id}, using)
    return keys


def keys_coming_due(start: datetime.datetime, end: datetime.datetime, using=None) -> set[str]:
    """Return the keys of what became public by itself in ``(start, end]``: scheduled issues and articles.

    Their publication time is a dependency time of the pages they join: the
    first request after it moves these keys, with no cron job.
    """
    keys = set()
    for pk in Issue._default_manager.using(using).coming_due(start, end).values_list("pk", flat=True):
        after = issue_state(pk, using)
        if after is not None and after.public:
            keys |= issue_keys(None, after, using)
    for pk in Article._default_manager.using(using).coming_due(start, end).values_list("pk", flat=True):
        after = article_state(pk, using)
        if after is not None and after.public:
            keys |= article_keys(None, after)
    return keys


# --- Signals ------------------------------------------------------------------------------------


def _tracked():
    return {
        Issue: (issue_state, lambda b, a, using: issue_keys(b, a, using)),
        Page: (page_state, lambda b, a, using: page_keys(b, a, using)),
        Article: (article_state, lambda b, a, using: article_keys(b, a)),
        ArticleImage: (photo_state, lambda b, a, using: photo_keys(b, a)),
        Theme: (theme_state, lambda b, a, using: theme_keys(b, a)),
        ThemedArticle: (themed_state, themed_row_keys),
    }


def _remember_before(sender, instance, raw=False, using=None, **_kwargs):
    if raw or instance.pk is None or ck.is_deferring():
        return
    state, _ = _tracked()[sender]
    setattr(instance, _BEFORE, state(instance.pk, using))


def _saved(sender, instance, raw=False, using=None, **_kwargs):
    # Fixtures and restores (rows may arrive before those they belong to) and
    # bulk writers (a query per row would slow them down) start the site afresh.
    if raw or ck.is_deferring():
        ck.changed({ck.SITE}, using=using)
        return
    state, keys = _tracked()[sender]
    before = instance.__dict__.pop(_BEFORE, None)
    ck.changed(keys(before, state(instance.pk, using), using), using=using)


def _deleted(sender, instance, using=None, **_kwargs):
    if ck.is_deferring():
        ck.changed({ck.SITE}, using=using)
        return
    before = instance.__dict__.pop(_BEFORE, None)
    if before is not None:
        _, keys = _tracked()[sender]
        ck.changed(keys(before, None, using), using=using)


def _themes_changed(sender, instance, action, reverse=False, pk_set=None, using=None, **_kwargs):
    if ck.is_deferring():
        if action.startswith("post_"):
            ck.changed({ck.SITE}, using=using)
        return
    if action == "pre_clear":
        # What a clear takes away is known only before it.
        rows = ThemedArticle._default_manager.using(using)
        rows = rows.filter(tag_id=instance.pk) if reverse else rows.filter(content_object_id=instance.pk)
        column = "content_object_id" if reverse else "tag_id"
        instance.__dict__["_cache_cleared"] = set(rows.values_list(column, flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    ids = instance.__dict__.pop("_cache_cleared", set()) if action == "post_clear" else set(pk_set or ())
    if reverse:  # theme.tagged_articles …: ``ids`` are articles
        keys = set()
        for article_id in ids:
            keys |= themed_keys(article_id, {instance.pk}, using)
    else:
        keys = themed_keys(instance.pk, ids, using)
    ck.changed(keys, using=using)


def connect(*models) -> None:
    """Move the keys of what a change touches whenever one of ``models`` is saved or deleted."""
    for model in models:
        name = model.__name__
        if model is ThemedArticle:  # taggit's add and remove are bulk queries, heard through m2m_changed
            m2m_changed.connect(_themes_changed, sender=model, dispatch_uid="dep-keys-themes")
        pre_save.connect(_remember_before, sender=model, dispatch_uid=f"dep-keys-before-save-{name}")
        post_save.connect(_saved, sender=model, dispatch_uid=f"dep-keys-save-{name}")
        pre_delete.connect(_remember_before, sender=model, dispatch_uid=f"dep-keys-before-delete-{name}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"dep-keys-delete-{name}")


def disconnect(*models) -> None:
    """Undo ``connect`` for ``models``."""
    for model in models:
        name = model.__name__
        if model is ThemedArticle:
            m2m_changed.disconnect(sender=model, dispatch_uid="dep-keys-themes")
        pre_save.disconnect(sender=model, dispatch_uid=f"dep-keys-before-save-{name}")
        post_save.disconnect(sender=model, dispatch_uid=f"dep-keys-save-{name}")
        pre_delete.disconnect(sender=model, dispatch_uid=f"dep-keys-before-delete-{name}")
        post_delete.disconnect(sender=model, dispatch_uid=f"dep-keys-delete-{name}")


def pages_to_refresh(keys) -> list[str]:
    """Return the public pages that chiefly show what a change of ``keys`` touched, to render before a purge.

    An article's text or listed fields: its own view, and for its listed
    fields its page's view too; a page or its list of articles: the page's
    view. Only what readers may see (``dependency_cache.refresh_before_purge``).
    """
    texts, listed, pages = set(), set(), set()
    for key in keys:
        kind, _, rest = key.rpartition(":")
        if not rest.isdigit():
            continue
        if kind == "article-text":
            texts.add(int(rest))
        elif kind == "article":
            listed.add(int(rest))
        elif kind in ("page", "list:page"):
            pages.add(int(rest))
    paths = []
    articles = Article.objects.published().filter(pk__in=texts | listed).select_related("page__issue")
    for article in articles.order_by("pk"):
        paths.append(article.get_absolute_url())
        if article.pk in listed:
            pages.add(article.page_id)
    public_issues = Issue.objects.published()
    for page in Page.objects.filter(pk__in=pages, issue__in=public_issues).select_related("issue").order_by("pk"):
        paths.append(page.get_absolute_url())
    return paths
