"""Staff pages for the knowledge base, guidance cases, hotline import and configuration."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.accounts.permissions import organisations_in_scope
from tongban.core.errors import errors_text
from tongban.core.pagination import CappedPaginator
from tongban.core.permissions import has_perm, requires

from . import config, hotline, kb_services, search
from .models import Article, Category, RoutingRule


@requires("appeals.kb_view")
def kb_list(request):
    q = request.GET.get("q", "").strip()[:100]
    if q:
        # Drafts of the actor's scope only, as the list shows: a hit elsewhere would open on a 404.
        orgs = None if request.user.is_superuser else list(
            kb_services.articles_for(request.user).values_list("organisation_id", flat=True).distinct())
        hits = search.search(q, limit=30, public=False, organisation_ids=orgs)
        return render(request, "appeals/kb_list.html", {"q": q, "hits": hits, "page": None,
                                                        "can_edit": has_perm(request.user, "appeals.kb_edit")})
    qs = kb_services.articles_for(request.user).select_related("organisation", "category").order_by("-updated_at")
    state = request.GET.get("state", "")
    if state in Article.State.values:
        qs = qs.filter(state=state)
    page = CappedPaginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "appeals/kb_list.html", {"q": q, "hits": None, "page": page, "state": state,
                                                    "states": Article.State.choices,
                                                    "can_edit": has_perm(request.user, "appeals.kb_edit")})


@requires("appeals.kb_view")
def kb_read(request, pk: int):
    """Staff who consult the knowledge base without editing it (reviewers, supervisors) read an
    entry, drafts of their scope included, here."""
    article = kb_services.get_article_for(request.user, pk)
    return render(request, "appeals/kb_read.html", {"article": article})


def _article_form(request, article: Article | None, data: dict, errors: dict, status: int = 200):
    return render(request, "appeals/kb_form.html", {
        "article": article, "data": data, "errors": errors,
        "categories": Category.objects.filter(is_active=True),
        "organisations": organisations_in_scope(request.user).order_by("path"),
        "kinds": Article.ArticleKind.choices,
        "can_publish": has_perm(request.user, "appeals.kb_publish"),
    }, status=status)


@requires("appeals.kb_edit")
def kb_edit(request, pk: int | None = None):
    article = kb_services.get_article_for(request.user, pk) if pk else None
    if request.method == "POST":
        try:
            article = kb_services.article_save(actor=request.user, data=request.POST, article_id=pk)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            messages.error(request, _("保存未成功：") + errors_text(exc))
            return _article_form(request, article, request.POST, errors, 400)
        messages.success(request, _("已保存。"))
        return redirect("appeals:kb_edit", article.pk)
    data = {}
    if article is not None:
        data = {f: getattr(article, f) for f in ("kind", "question", "answer", "legal_basis", "keywords",
                                                 "category_id", "organisation_id")}
        data["valid_from"] = article.valid_from.isoformat() if article.valid_from else ""
        data["valid_to"] = article.valid_to.isoformat() if article.valid_to else ""
    return _article_form(request, article, data, {})


@require_POST
@requires("appeals.kb_publish")
def kb_state(request, pk: int):
    try:
        kb_services.article_set_state(actor=request.user, article_id=pk, state=request.POST.get("state", ""))
    except ValidationError as exc:
        messages.error(request, errors_text(exc))
    else:
        messages.success(request, _("状态已更新。"))
    return redirect("appeals:kb_edit", pk)


@requires("appeals.kb_publish")
def guidance_from_appeal(request, pk: int):
    """Publish a closed appeal as a guidance case, from an anonymised draft staff edit."""
    if request.method == "POST":
        try:
            article = kb_services.guidance_publish(actor=request.user, appeal_id=pk, data=request.POST)
        except ValidationError as exc:
            messages.error(request, _("发布未成功：") + errors_text(exc))
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"all": exc.messages}
            return render(request, "appeals/guidance_form.html", {"data": request.POST, "errors": errors,
                                                                  "appeal_id": pk}, status=400)
        messages.success(request, _("指导案例已发布。"))
        return redirect("appeals:kb_edit", article.pk)
    return render(request, "appeals/guidance_form.html", {
        "data": kb_services.guidance_draft(request.user, pk), "errors": {}, "appeal_id": pk})


@requires("appeals.import")
def hotline_import(request):
    result, problems = None, []
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationError("请选择要导入的 CSV 文件。")
            result = hotline.import_tickets(actor=request.user, records=hotline.parse_csv(upload))
        except ValidationError as exc:
            problems = exc.messages
            messages.error(request, _("导入未完成，未导入任何工单。请修正以下问题后重新导入。"))
        else:
            messages.success(request, _("导入 %(c)d 件，跳过已导入 %(s)d 件。") % {
                "c": len(result.created), "s": len(result.skipped)})
    return render(request, "appeals/import.html", {"result": result, "problems": problems,
                                                   "columns": list(hotline.COLUMNS)},
                  status=400 if problems else 200)


@requires("appeals.configure")
def rules(request):
    limit_form = config.LimitForm(request.POST if request.POST.get("form") == "limits" else None)
    if request.method == "POST" and request.POST.get("form") == "limits":
        if limit_form.is_valid():
            config.limits_save(actor=request.user, limits=limit_form.limits())
            messages.success(request, _("办理时限已保存，此后受理的诉求按新时限计算。"))
            return redirect("appeals:rules")
        messages.error(request, _("时限应为 1 至 60 个工作日。"))
    return render(request, "appeals/rules.html", {
        "rules": RoutingRule.objects.select_related("organisation", "category", "item"),
        "limit_form": limit_form,
        "categories": Category.objects.all(),
    }, status=400 if limit_form.errors else 200)


@requires("appeals.configure")
def rule_edit(request, pk: int | None = None):
    rule = get_object_or_404(RoutingRule, pk=pk) if pk else None
    form = config.RuleForm(request.POST or None, instance=rule)
    if request.method == "POST":
        if request.POST.get("delete") and rule is not None:
            config.rule_delete(actor=request.user, rule=rule)
            messages.success(request, _("规则已删除。"))
            return redirect("appeals:rules")
        if form.is_valid():
            try:
                config.rule_save(actor=request.user, rule_id=rule.pk if rule else None,
                                 **{f: form.cleaned_data[f] for f in config.RULE_FIELDS})
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("规则已保存。"))
                return redirect("appeals:rules")
    return render(request, "appeals/rule_form.html", {"form": form, "rule": rule},
                  status=400 if form.errors else 200)
