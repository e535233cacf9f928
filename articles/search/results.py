"""Search as the site uses it: parameters in, published articles out.

Every article shown or exported is read through ``Article.objects.published()``,
so the index can only narrow what the public rule allows, never widen it.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from ..models import Article, Theme
from ..text import plain_text
from . import highlight
from .backends import MAX_RESULTS, Filters, Matches, backend
from .forms import PER_PAGE, SearchForm
from .query import Query, QueryError, parse
from .text import normalize

PARAMS = ("q", "start", "end", "page_code", "theme", "author", "sort")


@dataclass
class Hit:
    article: Article
    number: int  # place in the whole result list, from 0
    url: str
    headline: str  # escaped, terms marked
    snippet: str


@dataclass
class Search:
    params: dict  # the search parameters as given (for links)
    form: SearchForm
    query: Query | None = None
    errors: list = field(default_factory=list)
    notices: list = field(default_factory=list)
    theme: Theme | None = None
    matches: Matches | None = None
    hits: list = field(default_factory=list)
    page: int = 1
    per_page: int = PER_PAGE

    @property
    def ran(self) -> bool:
        return self.matches is not None

    @property
    def empty(self) -> bool:
        return not self.errors and not self.ran

    @property
    def pages(self) -> int:
        if not self.matches:
            return 0
        pages = max(1, -(-min(self.matches.total, MAX_RESULTS) // self.per_page))
        if self.matches.has_more is not None:
            # An estimated count must not promise or hide a page.
            pages = max(pages, self.page + 1) if self.matches.has_more else self.page
        return min(pages, -(-MAX_RESULTS // self.per_page))

    def url(self, **changes) -> str:
        """Return the /search/ query string with some parameters changed (None removes)."""
        params = {k: v for k, v in self.params.items() if v}
        for key, value in changes.items():
            if value in (None, ""):
                params.pop(key, None)
            else:
                params[key] = value
        return "?" + urlencode(params)


def search_params(data) -> dict:
    """Return the search parameters present in ``data`` (a QueryDict or dict)."""
    return {k: data.get(k) for k in PARAMS if data.get(k)}


def prepare(data) -> tuple[Search, object]:
    """Validate and parse; return the Search and its backend (None when it cannot run)."""
    form = SearchForm(data)
    search = Search(params=search_params(data), form=form)
    if not form.is_valid():
        search.errors = form.problems()
        return search, None
    cd = form.cleaned_data
    try:
        search.query = parse(cd["q"])
    except QueryError as error:
        search.errors = [str(error)]
        return search, None
    if search.query.ignored:
        search.notices.append("已忽略没有文字的检索词：" + "、".join(search.query.ignored))
    filters = Filters(start=cd["start"], end=cd["end"], page_code=cd["page_code"], author=normalize(cd["author"]))
    if cd["theme"]:
        search.theme = Theme.objects.filter(slug=cd["theme"]).first()
        if search.theme is None:
            search.errors = [f"没有这个主题：{cd['theme']}"]
            return search, None
        filters.theme_id = search.theme.id
    if not search.query.terms and not filters.any:
        return search, None
    search.page = cd["page"]
    return search, backend(search.query, filters)


def _articles(ids, *, themes=False):
    """Return published articles by id, in the order of ``ids``."""
    found = {}
    qs = Article.objects.published().with_page()
    if themes:
        qs = qs.prefetch_related("themes")
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        for article in qs.filter(id__in=chunk):
            found[article.id] = article
    return [found[i] for i in ids if i in found]


def run(data, *, per_page=PER_PAGE, facets=True) -> Search:
    """Run the search the parameters describe; return one page of hits."""
    search, engine = prepare(data)
    if engine is None:
        return search
    search.per_page = per_page
    sort = search.form.cleaned_data["sort"]
    offset = (search.page - 1) * per_page
    if offset >= MAX_RESULTS:
        search.errors = [f"只能翻看前 {MAX_RESULTS:,} 条结果：请加上日期、版次或主题缩小范围。"]
        return search
    search.matches = engine.page(sort, offset, per_page, facets=facets)
    if not search.matches.ids and search.page > 1 and search.matches.total:
        # Past the last page (an old link, a hand-edited URL): show the last page, as theme pages do.
        last = -(-min(search.matches.total, MAX_RESULTS) // per_page)
        if last < search.page:
            search.page, offset = last, (last - 1) * per_page
            search.matches = engine.page(sort, offset, per_page, facets=facets)
    terms = search.query.highlight_terms()
    base = search_params(data)
    for n, article in enumerate(_articles(search.matches.ids), start=offset):
        url = article.get_absolute_url() + "?" + urlencode({**base, "n": n})
        search.hits.append(
            Hit(
                article=article,
                number=n,
                url=url,
                headline=highlight.mark_text(article.headline, terms),
                snippet=highlight.snippet(_snippet_text(article, terms), terms),
            )
        )
    return search


def _snippet_text(article, terms) -> str:
    """Return the text the hit's snippet is cut from: the body, or, where the terms are not in it, its lines too."""
    body = plain_text(article.body)
    if not terms or any(t in body for t in terms) or highlight.spans(body, terms):
        return body
    # Matched on 引题, 副标题 or the byline: the snippet starts where the terms are.
    return " ".join(part for part in (article.kicker, article.subtitle, article.byline, body) if part)


def all_articles(data, limit=MAX_RESULTS):
    """Return (Search, articles) for the whole current result set, in order (for exports)."""
    search, engine = prepare(data)
    if engine is None:
        return search, []
    search.matches = Matches(ids=[], total=0)
    ids = engine.ordered_ids(search.form.cleaned_data["sort"], limit)
    return search, _articles(ids, themes=True)


def neighbours(data, article) -> tuple:
    """Return (previous id, next id, number) around ``article`` in the results ``data`` describes."""
    search, engine = prepare(data)
    if engine is None:
        return (None, None), None
    sort = search.form.cleaned_data["sort"]
    try:
        n = int(data.get("n", ""))
    except ValueError:
        n = None
    if n is not None and 0 <= n < MAX_RESULTS:
        start = max(n - 1, 0)
        ids = engine.page(sort, start, 3, facets=False).ids
        if article.id in ids:
            at = ids.index(article.id) + start
            return _around(ids, article.id, start), at
    ids = engine.ordered_ids(sort, 1000)
    if article.id not in ids:
        return (None, None), None
    return _around(ids, article.id, 0), ids.index(article.id)


def _around(ids, article_id, start):
    at = ids.index(article_id)
    prev_id = ids[at - 1] if at > 0 else None
    next_id = ids[at + 1] if at + 1 < len(ids) else None
    return prev_id, next_id
