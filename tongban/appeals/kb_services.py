"""Writes to the knowledge base: articles and guidance cases (from closed appeals, anonymised)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from tongban.accounts.models import Organisation
from tongban.accounts.permissions import organisations_in_scope
from tongban.core import audit
from tongban.core.permissions import deny, has_perm, in_scope

from .models import Appeal, Article, Category, Status
from .permissions import acts_for, get_appeal_for, scope_root
from .search import reindex

FIELDS = ["kind", "question", "answer", "legal_basis", "valid_from", "valid_to", "keywords", "category_id",
          "organisation_id"]

PHONE = re.compile(r"(?<!\d)(1\d{10}|0\d{2,3}-?\d{7,8})(?!\d)")
CITIZEN_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
PLATE = re.compile(r"[\u4e00-\u9fff][A-Z][A-Z0-9]{5,6}")


def anonymise(text: str, names: list[str]) -> str:
    """Remove what identifies a person: ID numbers, phone numbers, plates and the given names."""
    text = CITIZEN_ID.sub("[身份证号]", text or "")
    text = PHONE.sub("[电话]", text)
    text = PLATE.sub("[车牌]", text)
    for name in sorted({n for n in names if n and len(n) >= 2}, key=len, reverse=True):
        text = text.replace(name, "某群众")
    return text


def articles_for(actor):
    """Staff edit the articles of their scope; the superuser all."""
    if actor.is_superuser:
        return Article.objects.all()
    root = scope_root(actor)
    if root is None or not has_perm(actor, "appeals.kb_view"):
        return Article.objects.none()
    return Article.objects.filter(organisation__path__startswith=root.path)


def get_article_for(actor, pk: int) -> Article:
    article = articles_for(actor).select_related("organisation", "category", "source_appeal").filter(pk=pk).first()
    if article is None:
        raise Http404("条目不存在或不在您的管辖范围内。")
    return article


def _maintainers(actor):
    """Units whose articles the actor may maintain: their agency's subtree, as articles_for reads
    (a department's clerk keeps the agency's articles, not only the department's)."""
    if actor.is_superuser:
        return organisations_in_scope(actor)
    root = scope_root(actor)
    if root is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(path__startswith=root.path)


def _parse_date(value, label: str, errors: dict) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors[label] = ["日期格式应为 YYYY-MM-DD。"]
        return None


def _clean(actor, data: Mapping, article: Article) -> dict:
    errors: dict[str, list[str]] = {}
    clean: dict = {}
    clean["kind"] = data.get("kind") or article.kind or Article.ArticleKind.FAQ
    if clean["kind"] not in Article.ArticleKind.values:
        errors["kind"] = ["类型不正确。"]
    clean["question"] = str(data.get("question") or "").strip()
    clean["answer"] = str(data.get("answer") or "").strip()
    if not clean["question"]:
        errors["question"] = ["请填写问题。"]
    elif len(clean["question"]) > 200:
        errors["question"] = ["问题不超过 200 字。"]
    if not clean["answer"]:
        errors["answer"] = ["请填写答复。"]
    clean["legal_basis"] = str(data.get("legal_basis") or "").strip()
    clean["keywords"] = str(data.get("keywords") or "").strip()[:200]
    clean["valid_from"] = _parse_date(data.get("valid_from"), "valid_from", errors)
    clean["valid_to"] = _parse_date(data.get("valid_to"), "valid_to", errors)
    if clean["valid_from"] and clean["valid_to"] and clean["valid_to"] < clean["valid_from"]:
        errors["valid_to"] = ["失效日期不能早于生效日期。"]
    category = data.get("category_id") or None
    clean["category"] = Category.objects.filter(pk=category).first() if category else None
    if category and clean["category"] is None:
        errors["category_id"] = ["分类不存在。"]
    org_id = data.get("organisation_id") or article.organisation_id or actor.organisation_id
    org = _maintainers(actor).filter(pk=org_id).first() if org_id else None
    if org is None:
        errors["organisation_id"] = ["请选择您管辖范围内的维护单位。"]
    clean["organisation"] = org
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def article_save(*, actor, data: Mapping, article_id: int | None = None) -> Article:
    if not has_perm(actor, "appeals.kb_edit"):
        raise deny(actor, "appeals.kb_edit")
    article = get_article_for(actor, article_id) if article_id else Article(created_by=actor)
    before = {f: getattr(article, f, None) for f in ("question", "answer", "legal_basis", "valid_from", "valid_to")}
    for key, value in _clean(actor, data, article).items():
        setattr(article, key, value)
    reindex(article)
    article.save()
    audit.record("kb.article_save", actor=actor, obj=article,
                 changes=audit.diff(article, before, list(before)) if article_id else {"created": True})
    return article


@transaction.atomic
def article_set_state(*, actor, article_id: int, state: str) -> Article:
    if not has_perm(actor, "appeals.kb_publish"):
        raise deny(actor, "appeals.kb_publish")
    article = get_article_for(actor, article_id)
    if state not in Article.State.values:
        raise ValidationError({"state": ["状态不正确。"]})
    before = article.state
    article.state = state
    if state == Article.State.PUBLISHED and article.published_at is None:
        article.published_at = timezone.now()
    article.save(update_fields=["state", "published_at", "updated_at"])
    audit.record("kb.article_state", actor=actor, obj=article, changes={"state": [before, state]})
    return article


def guidance_draft(actor, appeal_id: int) -> dict:
    """A proposal for a guidance case from a closed appeal, anonymised, for staff to edit."""
    appeal = get_appeal_for(actor, appeal_id)
    names = [appeal.requester_name, appeal.requester.display_name if appeal.requester_id else "",
             appeal.requester.real_name if appeal.requester_id else ""]
    reply = appeal.replies.order_by("-round").first()
    answer = (
        f"【诉求概要】{anonymise(appeal.content, names)}\n\n"
        f"【办理情况】{anonymise(reply.body, names) if reply else ''}\n\n"
        f"【承办单位】{appeal.organisation.name}"
    )
    return {"kind": Article.ArticleKind.GUIDANCE, "question": anonymise(appeal.title, names), "answer": answer,
            "category_id": appeal.category_id, "organisation_id": appeal.organisation_id, "keywords": ""}


@transaction.atomic
def guidance_publish(*, actor, appeal_id: int, data: Mapping) -> Article:
    """Publish a guidance case from a closed appeal (the text as edited by staff)."""
    appeal = get_appeal_for(actor, appeal_id, for_update=True)
    if not (has_perm(actor, "appeals.kb_publish") and (acts_for(actor, appeal.organisation) or in_scope(actor, appeal.organisation))):
        raise deny(actor, "appeals.kb_publish", appeal)
    if appeal.status != Status.CLOSED:
        raise ValidationError("只有已办结的诉求可以发布为指导案例。")
    if Article.objects.filter(source_appeal=appeal).exists():
        raise ValidationError("该诉求已发布过指导案例。")
    article = Article(created_by=actor, source_appeal=appeal, kind=Article.ArticleKind.GUIDANCE)
    for key, value in _clean(actor, {**data, "kind": Article.ArticleKind.GUIDANCE}, article).items():
        setattr(article, key, value)
    article.state = Article.State.PUBLISHED
    article.published_at = timezone.now()
    reindex(article)
    article.save()
    audit.record("kb.guidance_publish", actor=actor, obj=article, changes={"appeal": appeal.number})
    return article


def record_hit(article: Article) -> None:
    from django.db.models import F

    Article.objects.filter(pk=article.pk).update(hits=F("hits") + 1)


__all__ = ["Appeal", "anonymise", "article_save", "article_set_state", "guidance_draft", "guidance_publish"]
