"""The three-level review (三审) of a story, and the pool and trash it may sit in.

The stages come from ``settings.NEWSROOM_REVIEW_STAGES`` in order; each is
decided by the members of its group. A submitted story waits at the first
stage; 通过 moves it to the next, and at the last makes it ready for the 总编
to publish; 退回修改 (with a note) sends it back to its author as a draft.
The author may 撤回 a submission until the first decision. Every step is a
``ReviewDecision`` and a revision of the story, in one transaction; these
functions check who may take it, so the form, the actions and any script
follow the same rules.
"""

from contextlib import contextmanager
from dataclasses import dataclass

import reversion
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from issues.models import Page
from unionpaper.concurrency import RecordModifiedError, StaleVersion, current_version
from unionpaper.publishing import Status
from unionpaper.sandbox import active as sandbox_active

from . import notify, working_copies
from .models import Article, ReviewDecision

EDIT_OTHERS_PERMISSION = "articles.edit_others_articles"
TRASH_PERMISSION = "articles.trash_article"
PURGE_PERMISSION = "articles.delete_article"
READY = "ready"  # review_stage of a story approved at the last stage
Decision = ReviewDecision.Decision


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    group: str


def stages() -> list[Stage]:
    """Return the review stages in order, as configured."""
    return [Stage(s["key"], s["label"], s["group"]) for s in settings.NEWSROOM_REVIEW_STAGES]


def stage(key: str) -> Stage | None:
    return next((s for s in stages() if s.key == key), None)


def current_stage(article: Article) -> Stage | None:
    """Return the stage a story waits at, or None (not in review, or ready to publish).

    A story put in review before stages existed (no stage recorded) waits at the first.
    """
    if article.status != Status.REVIEW or article.review_stage == READY:
        return None
    return stage(article.review_stage or stages()[0].key)


def waiting_at_q(keys):
    """Return the condition "in review, waiting at one of the stages ``keys``"."""
    keys = list(keys)
    if stages()[0].key in keys:
        keys.append("")
    return Q(status=Status.REVIEW, review_stage__in=keys)


READY_LABEL = "待发布（已终审）"


def stage_label(article: Article) -> str:
    """Name where a story stands: 草稿, 初审中, 待发布 (终审通过), 已发布, 回收站."""
    if article.trashed_at is not None:
        return "回收站"
    if article.status == Status.REVIEW:
        if article.review_stage == READY:
            return READY_LABEL
        current = current_stage(article)
        return f"{current.label}中" if current else "待审"
    return article.get_status_display()


def state_labels() -> list[str]:
    """Return the names ``stage_label`` gives a story on its way to publication, in the review's order."""
    return [Status.DRAFT.label, *(f"{s.label}中" for s in stages()), READY_LABEL]


def passed_review(article: Article) -> bool:
    """Return True when ``article`` went through the last stage (or was published since)."""
    if article.status == Status.REVIEW:
        return article.review_stage == READY
    return article.status == Status.PUBLISHED


def refuse_if_trashed(article: Article) -> None:
    """Refuse any change of a story in the 回收站: it stays as it was until the 总编 restores it."""
    if article.trashed_at is not None:
        raise ValidationError(f"《{article.headline}》在回收站里，只读；总编从回收站恢复后才能修改。")


def can_decide(user, stage_: Stage | None) -> bool:
    """Return True when ``user`` may decide at ``stage_`` (a member of its group)."""
    if stage_ is None or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=stage_.group).exists()


def decidable_stages(user) -> list[Stage]:
    """Return the stages ``user`` may decide."""
    if user.is_superuser:
        return stages()
    names = set(user.groups.values_list("name", flat=True))
    return [s for s in stages() if s.group in names]


def last_step(article: Article) -> ReviewDecision | None:
    return article.review_decisions.order_by("-decided_at", "-id").first()


def can_withdraw(user, article: Article) -> bool:
    """Return True when ``user`` wrote ``article`` and no stage has decided on its submission yet."""
    if article.created_by_id != user.pk or article.status != Status.REVIEW or article.trashed_at:
        return False
    last = last_step(article)
    return last is None or last.decision == Decision.SUBMIT


def _record(article: Article, *, user, decision: str, stage_: Stage | None = None, note: str = "", tell=True):
    """Save ``article`` and its step in one transaction and one revision; tell whom it concerns."""
    deciding = decision in (Decision.APPROVE, Decision.RETURN)
    said = REOPEN_COMMENT if decision == Decision.REOPEN else Decision(decision).label
    comment = f"{stage_.label if deciding else ''}{said}" + (f"：{note}" if note else "")
    with _refusing_stale(article), transaction.atomic(), reversion.create_revision():
        article.save()
        step = ReviewDecision.objects.create(
            article=article,
            stage=stage_.key if stage_ else "",
            stage_label=stage_.label if stage_ else "",
            decision=decision,
            note=note,
            decided_by=user,
        )
        reversion.set_user(user)
        reversion.set_comment(comment)
        if tell:
            _notify_on_commit(article, step)
    return step


def _notify_on_commit(article: Article, step: ReviewDecision):
    """Once committed, mail the deciders of the stage the story reached, or its author when returned."""
    if step.decision == Decision.RETURN:
        transaction.on_commit(lambda: notify.returned(article, step))
    elif article.status == Status.REVIEW and (reached := stage(article.review_stage)):
        transaction.on_commit(lambda: notify.reached(article, reached.label, reached.group))


@contextmanager
def _refusing_stale(article):
    """Turn the refused save of a story read before someone else's save into ``StaleVersion``."""
    expected = article.version
    try:
        yield
    except RecordModifiedError as exc:
        raise StaleVersion(article, expected=expected, current=current_version(article)) from exc


def submit(*, article: Article, user) -> Article:
    """Send a draft to the first review stage (送审)."""
    own = article.created_by_id == user.pk
    if not (user.has_perm("articles.change_article") and (own or user.has_perm(EDIT_OTHERS_PERMISSION))):
        raise PermissionDenied("你不能修改这篇稿件。")
    if article.trashed_at:
        raise ValidationError("回收站里的稿件不能送审。")
    if article.status != Status.DRAFT:
        raise ValidationError(f"只有草稿可以送审；《{article.headline}》当前为{article.get_status_display()}。")
    first = stages()[0]
    article.status = Status.REVIEW
    article.review_stage = first.key
    _record(article, user=user, decision=Decision.SUBMIT, stage_=first)
    return article


def record_submission(*, article: Article, user):
    """Record a submission made by saving the form with 状态 待审 (the row is saved already)."""
    first = stages()[0]
    Article.objects.filter(pk=article.pk).update(review_stage=first.key)
    article.review_stage = first.key
    step = ReviewDecision.objects.create(
        article=article, stage=first.key, stage_label=first.label, decision=Decision.SUBMIT, decided_by=user
    )
    _notify_on_commit(article, step)


def withdraw(*, article: Article, user) -> Article:
    """Take a submission back to draft (撤回), by its author, before any stage has decided."""
    if article.created_by_id != user.pk:
        raise PermissionDenied("只有作者本人可以撤回送审。")
    if not can_withdraw(user, article):
        raise ValidationError(f"《{article.headline}》已有审稿决定或不在审稿中，不能撤回。")
    article.status = Status.DRAFT
    article.review_stage = ""
    _record(article, user=user, decision=Decision.WITHDRAW, tell=False)
    return article


def _current_stage(article: Article, user, verb: str) -> Stage:
    if article.trashed_at:
        raise ValidationError("回收站里的稿件不审。")
    current = current_stage(article)
    if current is None:
        raise ValidationError(f"只有待审稿件可以{verb}；《{article.headline}》当前为{stage_label(article)}。")
    if not can_decide(user, current):
        raise PermissionDenied(f"{current.label}由“{current.group}”决定，你不能审这篇稿件。")
    return current


def approve(*, article: Article, user, note: str = "") -> Article:
    """Approve at the story's current stage (通过): on to the next stage, or ready to publish after the last."""
    current = _current_stage(article, user, "通过")
    order = stages()
    index = [s.key for s in order].index(current.key)
    article.review_stage = order[index + 1].key if index + 1 < len(order) else READY
    _record(article, user=user, decision=Decision.APPROVE, stage_=current, note=note.strip())
    return article


def send_back(*, article: Article, user, note: str) -> Article:
    """Return the story to its author as a draft (退回修改); the note says what to change."""
    current = _current_stage(article, user, "退回")
    note = (note or "").strip()
    if not note:
        raise ValidationError("退回修改须写明意见。")
    article.status = Status.DRAFT
    article.review_stage = ""
    _record(article, user=user, decision=Decision.RETURN, stage_=current, note=note)
    return article


REOPEN_COMMENT = "重新打开（改回草稿）"


def reopens(before_status: str | None, before_stage: str, after_status: str) -> bool:
    """Return True when a story stored as ``before_*`` set to ``after_status`` is reopened.

    A story through the last stage (待发布) or taken offline by the 总编 (which
    leaves it so), or a published one, set back to 草稿 leaves the review's
    end for its start: a decision of its own, on the record.
    """
    if after_status != Status.DRAFT:
        return False
    return before_status == Status.PUBLISHED or (before_status == Status.REVIEW and before_stage == READY)


def can_reopen(user, article: Article) -> bool:
    """Return True when ``user`` may set ``article``, through the last stage and offline, back to 草稿."""
    # A published story goes offline first: taking it off the site is the 总编's 撤回.
    ready = article.status == Status.REVIEW and article.review_stage == READY
    return ready and article.trashed_at is None and user.has_perm(EDIT_OTHERS_PERMISSION)


def reopen(*, article: Article, user, note: str = "") -> Article:
    """Set a story through the last stage (or taken offline) back to 草稿 (重新打开); it must be submitted again."""
    refuse_if_trashed(article)
    if not user.has_perm(EDIT_OTHERS_PERMISSION):
        raise PermissionDenied("只有编辑可以重新打开稿件。")
    if not can_reopen(user, article):
        raise ValidationError(
            f"只有已通过终审、尚未上线的稿件可以重新打开；《{article.headline}》当前为{stage_label(article)}。"
        )
    article.status = Status.DRAFT
    article.review_stage = ""
    _record(article, user=user, decision=Decision.REOPEN, note=(note or "").strip(), tell=False)
    return article


def record_reopening(*, article: Article, user):
    """Record a reopening made by saving the form with 状态 草稿 (the row is saved already)."""
    Article.objects.filter(pk=article.pk).update(review_stage="")
    article.review_stage = ""
    ReviewDecision.objects.create(article=article, decision=Decision.REOPEN, decided_by=user)


def settable_statuses(article: Article, statuses) -> list[str]:
    """Return those of ``statuses`` that a form may set ``article`` to.

    A story waiting at a stage leaves it by that stage's 退回修改 (with its
    note, on the record), by its author's 撤回, or by publication: never by
    setting it back to 草稿.
    """
    if article.pk and current_stage(article) is not None:
        return [s for s in statuses if s != Status.DRAFT]
    return list(statuses)


def return_note(article: Article) -> ReviewDecision | None:
    """Return the step that sent a draft back to its author, while it is still a draft, else None."""
    if article.status != Status.DRAFT or article.trashed_at:
        return None
    last = last_step(article)
    return last if last is not None and last.decision == Decision.RETURN else None


# --- The pool: placing a story on a page and taking it off ------------------------------


def _save(article, *, user, comment):
    with _refusing_stale(article), transaction.atomic(), reversion.create_revision():
        article.save()
        reversion.set_user(user)
        reversion.set_comment(comment)
    return article


def placement_waits(user, article: Article) -> bool:
    """Return True when placing ``article`` (or taking it off) by ``user`` waits for the 总编 as a pending change.

    The rule of every save of a published story (``working_copies.goes_to_copy``):
    a published story changes for readers only when the 总编 publishes the
    change. Inside a sandbox the change is already part of a copy being made
    (the page form of a published page), so it is written there as it is.
    """
    return working_copies.goes_to_copy(user, article) and not sandbox_active()


def _move(article: Article, *, user, page: Page | None, order: int | None, comment: str) -> Article:
    if placement_waits(user, article):

        def change(row):
            row.page = page
            if order is not None:
                row.order = order

        working_copies.save_as_copy(obj=article, user=user, change=change)
        return article
    article.page = page
    if order is not None:
        article.order = order
    return _save(article, user=user, comment=comment)


def place(*, article: Article, page: Page, user, order: int | None = None) -> Article:
    """Put a story from the pool (or another page) on ``page``; a published story's move waits for the 总编."""
    if not user.has_perm(EDIT_OTHERS_PERMISSION):
        raise PermissionDenied("只有编辑可以排版。")
    if article.trashed_at:
        raise ValidationError("回收站里的稿件不能排到版面。")
    return _move(article, user=user, page=page, order=order, comment=f"排到{page}")


def unplace(*, article: Article, user) -> Article:
    """Take a story off its page, back into the pool (稿库); a published story's move waits for the 总编."""
    if not user.has_perm(EDIT_OTHERS_PERMISSION):
        raise PermissionDenied("只有编辑可以排版。")
    refuse_if_trashed(article)
    return _move(article, user=user, page=None, order=None, comment="移回稿库")


# --- The trash (回收站) ---------------------------------------------------------------------


def trash(*, article: Article, user) -> Article:
    """Move a story to the 回收站: off every public path at once, kept with its history."""
    if not user.has_perm(TRASH_PERMISSION):
        raise PermissionDenied("只有编辑和总编可以把稿件移入回收站。")
    if article.trashed_at:
        raise ValidationError(f"《{article.headline}》已在回收站。")
    article.trashed_at = timezone.now()
    article.trashed_by = user
    return _save(article, user=user, comment="移入回收站")


def restore(*, article: Article, user) -> Article:
    """Bring a story back from the 回收站, as it was."""
    if not user.has_perm(PURGE_PERMISSION):
        raise PermissionDenied("只有总编可以从回收站恢复稿件。")
    if not article.trashed_at:
        raise ValidationError(f"《{article.headline}》不在回收站。")
    article.trashed_at = None
    article.trashed_by = None
    return _save(article, user=user, comment="从回收站恢复")


def purge(*, article: Article, user) -> None:
    """Delete a story in the 回收站 for good."""
    if not user.has_perm(PURGE_PERMISSION):
        raise PermissionDenied("只有总编可以彻底删除稿件。")
    if not article.trashed_at:
        raise ValidationError("只有回收站里的稿件可以彻底删除。")
    article.delete()
