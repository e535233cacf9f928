"""Accessibility checks in a real browser: the vendored axe-core, run on a Playwright page.

    from tests.a11y import axe_violations, describe
    assert not (found := axe_violations(page)), describe(found)

axe-core comes from static/vendor/axe-core (scripts/vendor-js), the same file
every run, so a result changes only when the page does. It is evaluated
through the browser's debugging protocol, not added as a ``<script>``, so the
site's Content-Security-Policy needs no exception for it.
"""

from pathlib import Path

AXE_JS = Path(__file__).resolve().parents[1] / "static" / "vendor" / "axe-core" / "axe.min.js"
# WCAG 2.0-2.2 levels A and AA, and axe's best practices (landmarks named and unique, one h1, …).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]


def _inject(page) -> None:
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;true")


def axe_violations(page, *, include=None, exclude=None, tags=TAGS, rules=None) -> list[dict]:
    """Return axe's violations on ``page`` as it is now: ``[{id, impact, help, nodes: [{target, summary}]}]``.

    ``include``/``exclude`` are CSS selectors limiting the part of the page
    checked; ``rules`` maps a rule id to ``{"enabled": bool}`` to switch single
    rules on or off.
    """
    _inject(page)
    context = {"include": [include] if include else [["html"]]}
    if exclude:
        context["exclude"] = [exclude]
    options = {"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations"]}
    if rules:
        options["rules"] = rules
    return page.evaluate(
        """async ([context, options]) => {
            const result = await window.axe.run(context, options);
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
            }));
        }""",
        [context, options],
    )


def describe(violations: list[dict], *, limit: int = 5) -> str:
    """Return the violations as lines a person can act on: rule, impact, help, the first elements."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} element(s)")
        for node in v["nodes"][:limit]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {node['target']}: {summary[:300]}")
    return "\n".join(lines)


def small_targets(page, selector: str, minimum: float = 44) -> list[str]:
    """Return the visible elements matching ``selector`` smaller than ``minimum`` CSS px either way."""
    return page.evaluate(
        """([selector, minimum]) => Array.from(document.querySelectorAll(selector))
            .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== "hidden")
            .map(e => [e, e.getBoundingClientRect()])
            .filter(([, r]) => r.width < minimum || r.height < minimum)
            .map(([e, r]) => `${e.tagName.toLowerCase()}「${(e.innerText || e.value || e.getAttribute("aria-label")
                || "").trim().slice(0, 20)}」 ${Math.round(r.width)}×${Math.round(r.height)}`)""",
        [selector, minimum],
    )


def horizontal_overflow(page) -> int:
    """Return how many CSS px the page is wider than the screen (0 when it fits)."""
    return page.evaluate("Math.max(0, document.documentElement.scrollWidth - window.innerWidth)")
