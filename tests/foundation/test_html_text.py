"""Rich text read as plain text: search, snippets and summaries (``plain_text``), and the history's paragraphs.

Both read the same markup the same way (tags dropped, entities read, a line
ended by a paragraph, list item, table row, heading or line break); search
and summaries also end a line at each table cell and figure, where the
history's compare keeps a table row, or a caption and the text after it, as
one paragraph.
"""

import pytest

from articles.models import Article
from articles.text import plain_text
from unionpaper.adminkit.compare import display, paragraphs

PARAGRAPHS = '<p>职工书屋开进车间。</p>\n<p>书架上摆满了<strong>藏书<em>千册</em></strong>，<a href="/x">详见</a>。</p>'
TABLE = (
    "<table><thead><tr><th>车间</th><th>藏书</th></tr></thead>"
    "<tbody><tr><td>一车间</td><td>1200</td></tr></tbody></table>"
)
FIGURE = '<figure class="image"><img src="/media/a.jpg" alt="书屋"><figcaption>书屋一角</figcaption></figure>正文末句'
LISTS = "<ul><li>第一条</li><li>第二条</li></ul><ol><li>甲</li></ol>"
BREAKS = "<p>第一行<br>第二行<br/>第三行<BR />第四行</p>"
ENTITIES = "<p>劳模&amp;工匠 &lt;script&gt; 甲&nbsp;乙 &#8212; &quot;引&quot;</p>"
BLOCKS = "<h2>小标题</h2><blockquote><p>引文</p></blockquote><div>块</div><hr>尾"
EMPTY = "<p></p><p>  </p><p>&nbsp;</p><p>唯一</p>"
NEWLINES = "<p>第一句\n第二句</p><p>甲&#10;乙</p>"
UPPER = "<P CLASS=x>大写</P><TD>格</TD>"

# body, plain_text(body), plain_text(body, paragraph=""), paragraphs(body)
CASES = [
    (
        PARAGRAPHS,
        "\n职工书屋开进车间。\n\n\n书架上摆满了藏书千册，详见。\n",
        "职工书屋开进车间。\n书架上摆满了藏书千册，详见。",
        ["职工书屋开进车间。", "书架上摆满了藏书千册，详见。"],
    ),
    (TABLE, "\n\n\n车间\n\n藏书\n\n\n\n一车间\n\n1200\n\n\n", "车间藏书一车间1200", ["车间藏书", "一车间1200"]),
    (FIGURE, "\n\n书屋一角\n\n正文末句", "书屋一角正文末句", ["书屋一角正文末句"]),
    (LISTS, "\n\n第一条\n\n第二条\n\n\n\n甲\n\n", "第一条第二条甲", ["第一条", "第二条", "甲"]),
    (
        BREAKS,
        "\n第一行\n第二行\n第三行\n第四行\n",
        "第一行第二行第三行第四行",
        ["第一行", "第二行", "第三行", "第四行"],
    ),
    (
        ENTITIES,
        '\n劳模&工匠 <script> 甲 乙 — "引"\n',
        '劳模&工匠 <script> 甲 乙 — "引"',
        ['劳模&工匠 <script> 甲 乙 — "引"'],
    ),
    (BLOCKS, "\n小标题\n\n\n引文\n\n\n块\n\n尾", "小标题引文块尾", ["小标题", "引文", "块", "尾"]),
    (EMPTY, "\n\n\n  \n\n \n\n唯一\n", "   唯一", ["唯一"]),
    (NEWLINES, "\n第一句\n第二句\n\n甲\n乙\n", "第一句\n第二句甲\n乙", ["第一句", "第二句", "甲 乙"]),
    (UPPER, "\n大写\n\n格\n", "大写格", ["大写", "格"]),
]
IDS = ["paragraphs", "table", "figure", "lists", "breaks", "entities", "blocks", "empty", "newlines", "upper"]


@pytest.mark.parametrize(("body", "lines", "run_together", "history"), CASES, ids=IDS)
def test_search_and_summaries_read_each_block_as_a_line(body, lines, run_together, history):
    assert plain_text(body) == lines
    assert plain_text(body, paragraph="") == run_together


@pytest.mark.parametrize(("body", "lines", "run_together", "history"), CASES, ids=IDS)
def test_the_history_compares_the_same_text_paragraph_by_paragraph(body, lines, run_together, history):
    assert paragraphs(body) == history


def test_the_history_shows_a_rich_text_value_one_paragraph_a_line():
    assert display(Article._meta.get_field("body"), TABLE + LISTS) == "车间藏书\n一车间1200\n第一条\n第二条\n甲"


def test_nothing_to_read_is_no_text():
    assert plain_text("") == plain_text(None) == ""
    assert paragraphs("") == []
