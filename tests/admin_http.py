"""Use the admin over HTTP as a browser does: fetch a form, read what it holds, post it back with its CSRF token.

The client checks CSRF as the site does (``enforce_csrf_checks=True``), so a
form only goes through with the token and cookie that fetching it gave.
"""

import re
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser

from django.test import Client

SKIPPED_INPUTS = {"submit", "button", "reset", "file", "image"}
# Forms an admin page has beside its own (the header's 注销 button, the story form's review panel).
NOT_THE_PAGES_FORM = {"logout-form", "review-form"}


@dataclass
class Form:
    """The fields of one ``<form>`` as a browser would send them, and its named submit buttons."""

    action: str
    fields: list = field(default_factory=list)  # [name, value] pairs, in page order
    buttons: dict = field(default_factory=dict)  # name -> value of each named submit button
    checkboxes: dict = field(default_factory=dict)  # name -> values of the boxes left unticked

    def get(self, name):
        values = [v for n, v in self.fields if n == name]
        return values[0] if values else None

    def set(self, name, value):
        """Type ``value`` into the box ``name`` (it must be on the form)."""
        for pair in self.fields:
            if pair[0] == name:
                pair[1] = str(value)
                return self
        raise KeyError(f"no field {name!r} on the form")

    def tick(self, name, value):
        """Tick the checkbox ``name`` whose value is ``value``."""
        assert str(value) in self.checkboxes.get(name, []), f"no unticked box {name}={value}"
        self.checkboxes[name].remove(str(value))
        self.fields.append([name, str(value)])
        return self

    def data(self, button=None) -> dict:
        out = {}
        for name, value in self.fields:
            out.setdefault(name, []).append(value)
        if button is not None:
            out[button] = [self.buttons[button]]
        return out


class _FormParser(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.form, self.inside = form_id, None, False
        self._select = self._textarea = None
        self._options = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        wanted = a.get("id") == self.form_id if self.form_id else a.get("id") not in NOT_THE_PAGES_FORM
        if tag == "form" and wanted and self.form is None:
            self.form, self.inside = Form(action=a.get("action") or ""), True
            return
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind == "submit":
                self.form.buttons[name] = a.get("value", "")
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.form.fields.append([name, a.get("value", "on")])
                else:
                    self.form.checkboxes.setdefault(name, []).append(a.get("value", "on"))
            elif kind not in SKIPPED_INPUTS and "disabled" not in a:
                self.form.fields.append([name, a.get("value", "")])
        elif tag == "button" and name and a.get("type", "submit") == "submit":
            self.form.buttons[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select, self._options = [name, "multiple" in a], []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            text = self._textarea[1]
            self.form.fields.append([self._textarea[0], text[1:] if text.startswith("\n") else text])
            self._textarea = None
        elif tag == "select" and self._select is not None:
            name, multiple = self._select
            chosen = [v for v, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]
            self.form.fields += [[name, v] for v in chosen]
            self._select = None


_MESSAGE = re.compile(r'<li class="(\w+)">(.*?)</li>', re.S)


def shown_messages(html: str) -> list[tuple[str, str]]:
    """Return the admin's messages on a page as (level, text) pairs, the text as the reader sees it."""
    listed = re.search(r'<ul class="messagelist">(.*?)</ul>', html, re.S)
    if listed is None:
        return []
    return [(level, unescape(re.sub(r"<[^>]+>", "", text)).strip()) for level, text in _MESSAGE.findall(listed[1])]


def read_form(html: str, form_id=None) -> Form:
    parser = _FormParser(form_id)
    parser.feed(html)
    assert parser.form is not None, f"no form {form_id or ''} on the page"
    return parser.form


class Browser:
    """One person's browser on the admin: signed in, CSRF checked, forms read from the page."""

    def __init__(self, user):
        self.client = Client(enforce_csrf_checks=True)
        self.client.force_login(user)
        self.url = None

    def open(self, url, form_id=None) -> Form:
        """Open ``url`` and return its form (the page's own, or the one with ``form_id``)."""
        response = self.client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        self.url = url
        return self.read(response, form_id)

    def read(self, response, form_id=None) -> Form:
        form = read_form(response.content.decode(), form_id)
        assert form.get("csrfmiddlewaretoken"), "the form carries no CSRF token"
        return form

    def submit(self, form: Form, button=None, files=None):
        """Post ``form`` back where it came from, pressing ``button`` (a named submit button) if given."""
        data = form.data(button)
        for name, upload in (files or {}).items():
            data[name] = upload
        return self.client.post(form.action or self.url, data)
