"""The project's own system check for the rich-text editor, run by ``check --deploy``.

django-ckeditor's ``ckeditor.W001`` (CKEditor 4.22.1 is unsupported and has
unfixed security issues) is silenced in settings, because it is printed by
every management command, imports included, and buries their output. This
check keeps the risk visible where an operator looks before going live, and
says what makes it acceptable: it probes the sanitizer with hostile markup
and is an error if anything survives.
"""

from django.conf import settings
from django.core.checks import Error, Warning

from .sanitize import clean_html

PROBE = (
    '<p onclick="alert(1)">x<script>alert(1)</script><a href="javascript:alert(1)">y</a><svg onload=alert(1)></svg></p>'
)
SURVIVORS = ("<script", "onclick", "javascript:", "<svg", "onload")


def check_editor_is_covered(app_configs, **kwargs):
    """Warn that CKEditor 4 is old, name what protects the site, and fail if the sanitizer lets script through."""
    cleaned = clean_html(PROBE).lower()
    left = [s for s in SURVIVORS if s in cleaned]
    if left:
        return [
            Error(
                f"正文净化（articles/sanitize.py）没有去掉 {'、'.join(left)}：CKEditor 4 的已知漏洞此时没有任何防护。",
                hint="恢复 articles.sanitize.clean_html 的白名单，并运行 tests/security/test_rich_text.py。",
                id="unionpaper.E001",
            )
        ]
    csp = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"].get("script-src", [])
    inline = "'unsafe-inline'" in csp
    return [
        Warning(
            "富文本编辑器 CKEditor 4.22.1（django-ckeditor 自带）已停止维护，有未修复的安全问题（即 ckeditor.W001）。"
            "保护本站的是：每篇正文在保存时（后台、导入、历史恢复）和显示时都经 articles/sanitize.py 按白名单净化"
            "（本检查刚用脚本、事件属性、javascript: 链接和 SVG 验证过）；"
            + ("内容安全策略却允许内联脚本，请改回。" if inline else "内容安全策略禁止内联脚本，编辑器页面也不例外；")
            + "编辑器上传只收通过检查的图片，需要稿件修改权限，"
            + "且只收本站页面发出的请求（同源检查，或无来源标头时的 CSRF 令牌）。",
            hint="长远的办法是换用仍在维护的编辑器；说明见 README 的“Rich text”一节和 docs/security.md。",
            id="unionpaper.W001",
        )
    ]
