"""Practitioner credit evaluation runs, computed in SQL: a handful of INSERT … SELECT and UPDATE
statements whatever the number of firms, never a Python loop per firm.

Every firm's score is its method's base plus the sum of its lines: one line per record that the
method scores, one cap line per record type whose total passes the type's cap, one bound line
when the total leaves [min, max]. So the breakdown always sums to the score."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from tongban.accounts.models import Enterprise
from tongban.core import audit
from tongban.core.errors import Conflict
from tongban.core.permissions import require

from ..models import (
    CreditRecord,
    Evaluation,
    EvaluationLine,
    EvaluationRun,
    RecordStatus,
    ScoringMethod,
    ScoringRule,
    SubjectKind,
)
from ..permissions import EVALUATE, get_run_for
from ._common import add_months, today

# Records of the period that count: still live or taken down at the maximum. Void ones (revoked
# penalties) never count; repaired ones stop counting once repaired [K].
COUNTED = [RecordStatus.PUBLISHED, RecordStatus.UNPUBLISHED, RecordStatus.EXPIRED]


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _compute(run: EvaluationRun, subject: str | None = None) -> None:
    method = run.method
    rec, rule, line, ev, ent = _t(CreditRecord), _t(ScoringRule), _t(EvaluationLine), _t(Evaluation), _t(Enterprise)
    only_rec = " AND r.subject_code = %s" if subject else ""
    only_line = " AND subject_code = %s" if subject else ""
    sub = [subject] if subject else []
    statuses = ", ".join(["%s"] * len(COUNTED))
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {line} (run_id, subject_code, kind, record_id, record_type, points) "  # noqa: S608 - table names from model meta, values bound
            f"SELECT %s, r.subject_code, 'record', r.id, r.record_type, s.points FROM {rec} r "
            f"JOIN {rule} s ON s.record_type = r.record_type AND s.method_id = %s "
            f"WHERE r.subject_kind = %s AND r.decided_on >= %s AND r.decided_on <= %s AND r.status IN ({statuses})"
            + only_rec + " ORDER BY r.subject_code",  # index entries appended in order, not scattered
            [run.pk, method.pk, SubjectKind.ENTERPRISE, run.period_start, run.period_end, *COUNTED, *sub],
        )
        cur.execute(
            f"INSERT INTO {line} (run_id, subject_code, kind, record_id, record_type, points) "  # noqa: S608 - table names from model meta, values bound
            f"SELECT %s, t.subject_code, 'cap', NULL, t.record_type, "
            f"(CASE WHEN t.raw > 0 THEN s.cap ELSE -s.cap END) - t.raw "
            f"FROM (SELECT subject_code, record_type, SUM(points) AS raw FROM {line} "
            f"WHERE run_id = %s AND kind = 'record'{only_line} GROUP BY subject_code, record_type) t "
            f"JOIN {rule} s ON s.method_id = %s AND s.record_type = t.record_type "
            f"WHERE s.cap IS NOT NULL AND ABS(t.raw) > s.cap",
            [run.pk, run.pk, *sub, method.pk],
        )
        if subject:  # a correction: the firm's row stays (objections point at it), its score is redone
            cur.execute(
                f"UPDATE {ev} SET corrected = %s, score = %s + COALESCE((SELECT SUM(points) FROM {line} "  # noqa: S608 - table names from model meta, values bound
                f"WHERE run_id = %s AND subject_code = %s), 0) WHERE run_id = %s AND subject_code = %s",
                [True, method.base_score, run.pk, subject, run.pk, subject],
            )
        else:
            cur.execute(
                f"INSERT INTO {ev} (run_id, subject_code, subject_name, score, grade, corrected) "  # noqa: S608 - table names from model meta, values bound
                f"SELECT %s, e.uscc, e.name, %s + COALESCE(t.total, 0), '', %s FROM {ent} e LEFT JOIN "
                f"(SELECT subject_code, SUM(points) AS total FROM {line} WHERE run_id = %s "
                f"GROUP BY subject_code) t ON t.subject_code = e.uscc",
                [run.pk, method.base_score, False, run.pk],
            )
        cur.execute(
            f"INSERT INTO {line} (run_id, subject_code, kind, record_id, record_type, points) "  # noqa: S608 - table names from model meta, values bound
            f"SELECT %s, subject_code, 'bound', NULL, '', (CASE WHEN score < %s THEN %s ELSE %s END) - score "
            f"FROM {ev} WHERE run_id = %s AND (score < %s OR score > %s){only_line}",
            [run.pk, method.min_score, method.min_score, method.max_score, run.pk, method.min_score,
             method.max_score, *sub],
        )
        cur.execute(
            f"UPDATE {ev} SET score = CASE WHEN score < %s THEN %s ELSE %s END "  # noqa: S608 - table names from model meta, values bound
            f"WHERE run_id = %s AND (score < %s OR score > %s){only_line}",
            [method.min_score, method.min_score, method.max_score, run.pk, method.min_score, method.max_score, *sub],
        )
        grades = sorted(method.grades, key=lambda g: -int(g["min"]))
        whens = " ".join("WHEN score >= %s THEN %s" for _ in grades[:-1]) or "WHEN 1 = 0 THEN ''"
        params: list = []
        for g in grades[:-1]:
            params += [int(g["min"]), g["grade"]]
        cur.execute(f"UPDATE {ev} SET grade = CASE {whens} ELSE %s END WHERE run_id = %s{only_line}",  # noqa: S608 - table names from model meta, values bound
                    [*params, grades[-1]["grade"], run.pk, *sub])


def _check_method(method: ScoringMethod) -> None:
    if not method.grades:
        raise ValidationError("评价方法未设置等级划分，不能计算。")


@transaction.atomic
def evaluation_run(*, actor, method_id: int | None = None, period_end: dt.date | None = None) -> EvaluationRun:
    """Score every registered firm under the active method over its window ending `period_end`."""
    require(actor, EVALUATE)
    qs = ScoringMethod.objects.filter(status=ScoringMethod.Status.ACTIVE)
    method = (qs.filter(pk=method_id) if method_id else qs).order_by("code").first()
    if method is None:
        raise ValidationError("没有现行的信用评价方法，请先发布评价方法。")
    _check_method(method)
    end = period_end or today()
    if end > today():
        raise ValidationError({"period_end": ["评价周期不能晚于今天。"]})
    run = EvaluationRun.objects.create(method=method, period_start=add_months(end, -method.window_months),
                                       period_end=end, run_at=timezone.now(), run_by=actor,
                                       organisation_id=getattr(actor, "organisation_id", None))
    _compute(run)
    run.firms = Evaluation.objects.filter(run=run).count()
    run.lines = EvaluationLine.objects.filter(run=run).count()
    run.save(update_fields=["firms", "lines"])
    audit.record("credit.evaluation_run", actor=actor, obj=run, changes={"method": str(method), "firms": run.firms})
    return run


@transaction.atomic
def evaluation_publish(*, actor, run_id: int) -> EvaluationRun:
    require(actor, EVALUATE)
    run = get_run_for(actor, run_id, for_update=True)  # another region's run is a 404
    if run.status == EvaluationRun.Status.PUBLISHED:
        raise Conflict("该评价批次已发布。", code="illegal_transition")
    run.status, run.published_on = EvaluationRun.Status.PUBLISHED, today()
    run.save(update_fields=["status", "published_on"])
    audit.record("credit.evaluation_publish", actor=actor, obj=run)
    return run


def correct_evaluation(evaluation: Evaluation, *, actor, note: str) -> Evaluation:
    """An objection to a grade was founded: recompute this firm from its records as they are now
    (the disputed record corrected or voided meanwhile), keeping the run's method and period."""
    run = evaluation.run
    EvaluationLine.objects.filter(run=run, subject_code=evaluation.subject_code).delete()
    _compute(run, subject=evaluation.subject_code)
    fresh = Evaluation.objects.get(run=run, subject_code=evaluation.subject_code)
    audit.record("credit.evaluation_correct", actor=actor, obj=fresh,
                 changes={"score": [evaluation.score, fresh.score], "note": note})
    return fresh


def breakdown(evaluation: Evaluation) -> list[EvaluationLine]:
    return list(EvaluationLine.objects.filter(run_id=evaluation.run_id, subject_code=evaluation.subject_code)
                .select_related("record").order_by("kind", "record_id"))
