"""Citations of articles: the printed line, GB/T 7714-2015 and RIS."""

from django.conf import settings


def gbt7714(article) -> str:
    """Return the GB/T 7714-2015 reference for a newspaper article.

    ``刘飞. 标题[N]. 职工天地, 2023-01-01(A34).`` Up to three authors are
    named; more are shortened to the first three and ``等``.
    """
    authors = article.authors
    who = ", ".join(authors[:3]) + (", 等" if len(authors) > 3 else "")
    title = article.headline + (f": {article.subtitle}" if article.subtitle else "")
    page = article.page
    if page is None:  # a story in the pool is not printed yet: no date, no page
        ref = f"{title}[N]. {settings.PAPER_NAME}."
    else:
        ref = f"{title}[N]. {settings.PAPER_NAME}, {page.issue.date.isoformat()}({page.code})."
    return f"{who}. {ref}" if who else ref


def _ris_escape(value: str) -> str:
    return " ".join(str(value).split())


def ris_record(article, url: str = "") -> str:
    """Return one RIS record (type NEWS) for ``article``; Zotero and EndNote import it."""
    page = article.page
    # The subtitle belongs to the title, as in GB/T 7714 (T3 would be read as a series).
    title = article.headline + (f": {article.subtitle}" if article.subtitle else "")
    lines = ["TY  - NEWS", f"TI  - {_ris_escape(title)}"]
    lines += [f"AU  - {name}" for name in article.authors]
    lines.append(f"T2  - {settings.PAPER_NAME}")
    if page is not None:  # a story in the pool has no date or page yet
        date = page.issue.date
        lines += [f"PY  - {date.year}", f"DA  - {date:%Y/%m/%d}/", f"SP  - {page.code}"]
    lines.append("LA  - zh")
    lines += [f"KW  - {_ris_escape(theme.name)}" for theme in article.themes.all()]
    if url:
        lines.append(f"UR  - {url}")
    if article.citation:
        lines.append(f"N1  - {article.citation}")
    lines.append("ER  - ")
    return "\r\n".join(lines) + "\r\n"


def ris(articles, url_for=lambda a: "") -> str:
    """Return RIS records for several articles."""
    return "".join(ris_record(a, url_for(a)) for a in articles)
