"""What the sanitizer keeps of each attribute, tag and link: only what the toolbar writes, only in its shape."""

import pytest

from articles.sanitize import clean_html

TABLE = "<table{}><tbody><tr><td{}>甲</td><th{}>乙</th></tr></tbody></table>"

# (attribute, the HTML with a number, with a word) for every attribute that must be a number.
NUMBERS = [
    ("width", '<img src="/media/a.jpg" width="{}">'),
    ("height", '<img src="/media/a.jpg" height="{}">'),
    ("colspan", TABLE.format("", ' colspan="{}"', "")),
    ("rowspan", TABLE.format("", "", ' rowspan="{}"')),
    ("span", '<table><colgroup span="{}"></colgroup><tbody><tr><td>甲</td></tr></tbody></table>'),
    ("start", '<ol start="{}"><li>甲</li></ol>'),
    ("border", TABLE.format(' border="{}"', "", "")),
    ("cellpadding", TABLE.format(' cellpadding="{}"', "", "")),
    ("cellspacing", TABLE.format(' cellspacing="{}"', "", "")),
]


@pytest.mark.parametrize(("attribute", "html"), NUMBERS, ids=[a for a, _ in NUMBERS])
def test_a_size_or_count_attribute_is_kept_as_a_number_and_dropped_as_anything_else(attribute, html):
    assert f'{attribute}="3"' in clean_html(html.format("3"))
    assert f'{attribute}="50%"' in clean_html(html.format("50%"))
    for bad in ("3px", "1 onmouseover=alert(1)", "expression(alert(1))", "12345"):
        assert attribute not in clean_html(html.format(bad)), bad


@pytest.mark.parametrize("attribute", ["alt", "title"])
def test_alt_and_title_keep_their_text_without_angle_brackets(attribute):
    html = f'<img src="/media/a.jpg" {attribute}="&lt;b&gt;职工书屋&lt;/b&gt; &gt;_&lt;">'
    assert clean_html(html) == f'<img src="/media/a.jpg" {attribute}="b职工书屋/b _">'


@pytest.mark.parametrize(
    ("target", "kept"), [("_blank", True), (" _BLANK ", True), ("_top", False), ("_parent", False)]
)
def test_a_link_opens_a_new_tab_or_nothing_else(target, kept):
    cleaned = clean_html(f'<a href="https://www.acftu.org/" target="{target}">全总</a>')
    assert ('target="_blank"' in cleaned) is kept
    assert "_top" not in cleaned and "_parent" not in cleaned
    assert 'rel="noopener noreferrer"' in cleaned


def test_only_layout_styles_are_kept_each_in_its_own_declaration():
    html = '<p style="text-align: center; COLOR: red; width:50%; margin-left:2em;float">居中</p>'
    assert clean_html(html) == '<p style="text-align:center;width:50%;margin-left:2em">居中</p>'
    assert clean_html('<p style="color:red">红</p>') == "<p>红</p>"


def test_tags_the_toolbar_does_not_write_are_dropped_keeping_their_text():
    html = "<details><summary>点我</summary>内容</details><code>代码</code><abbr>缩写</abbr><mark>标记</mark>"
    assert clean_html(html) == "点我内容代码缩写标记"


@pytest.mark.parametrize("href", ["ftp://example.org/a.pdf", "tel:12351", "sms:12351", "magnet:?xt=1", "data:,x"])
def test_links_other_than_web_pages_and_mail_lose_their_address(href):
    assert clean_html(f'<a href="{href}">链接</a>') == '<a rel="noopener noreferrer">链接</a>'


def test_web_and_mail_links_keep_their_address():
    assert 'href="mailto:tougao@example.org"' in clean_html('<a href="mailto:tougao@example.org">投稿</a>')
    assert 'href="https://www.acftu.org/"' in clean_html('<a href="https://www.acftu.org/">全总</a>')


@pytest.mark.parametrize("tag", ["iframe", "noscript", "textarea", "title", "object", "select", "xmp", "noembed"])
def test_embedded_and_fallback_content_is_dropped_with_its_tag(tag):
    assert clean_html(f"<p>正文</p><{tag}>请升级浏览器</{tag}>") == "<p>正文</p>"


def test_a_style_keeps_its_layout_declarations_and_loses_one_that_loads_something():
    html = '<p style="text-align:center; width:url(https://evil.example/x.png)">居中</p>'
    assert clean_html(html) == '<p style="text-align:center">居中</p>'
