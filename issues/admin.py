"""The admin of issues and pages is in ``articles/admin/`` (``issues.py``, ``pages.py``).

Its page form edits the page's articles and its 发布整期 action publishes
them, and ``issues`` never imports ``articles``, so it belongs to the app above.
"""
