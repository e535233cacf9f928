"""Run code against the database as it would be after some changes, then forget them.

A working copy is shown (in the admin's form, in a staff preview) by writing
it into the tables inside a transaction that is always rolled back. Inside
``sandbox()`` the model signals (``pre_save``, ``post_save``, ``pre_delete``,
``post_delete``, ``m2m_changed``) reach no receiver, for this context only:
nothing outside the database (the page cache, the dependency keys, the
search index) hears of changes that never happen. Other threads and tasks
keep their signals, unlike ``reversion.utils.mute_signals``, which empties
the receiver lists for the whole process.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

_active: ContextVar[bool] = ContextVar("unionpaper_sandbox", default=False)

MUTED = (pre_save, post_save, pre_delete, post_delete, m2m_changed)


def active() -> bool:
    """Return True inside ``sandbox()``: what is written now will be rolled back."""
    return _active.get()


def _mute_while_active(signal) -> None:
    if getattr(signal, "_sandbox_aware", False):
        return
    original = signal.send

    def send(sender, **named):
        if _active.get():
            return []
        return original(sender, **named)

    signal.send = send
    signal._sandbox_aware = True


for _signal in MUTED:
    _mute_while_active(_signal)


@contextmanager
def sandbox(using=None):
    """Run the block in a transaction that is rolled back, with model signals muted for this context."""
    token = _active.set(True)
    try:
        with transaction.atomic(using=using):
            yield
            transaction.set_rollback(True, using=using)
    finally:
        _active.reset(token)
