"""Reads of the credit module, and the standing provider other modules ask through core.standing."""

from __future__ import annotations

from django.db import connection

from tongban.core.standing import (
    RISK_HIGH,
    RISK_LOW,
    RISK_MEDIUM,
    RISK_MEDIUM_HIGH,
    ListMembership,
    Standing,
)

from .models import (
    LIVE_STATUSES,
    CreditList,
    CreditRecord,
    EntryStatus,
    Evaluation,
    EvaluationRun,
    ListEntry,
    RecordStatus,
    Severity,
)

BAD_GRADES = {"D": RISK_HIGH, "C": RISK_MEDIUM_HIGH}


CHUNK = 2_000  # subjects per statement: three IN lists stay well under SQLite's variable limit


def _q(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _standing_rows(codes: list[str]) -> list[tuple]:
    """One statement: live records by tier, list memberships and the latest published grade."""
    marks = ", ".join(["%s"] * len(codes))
    sql = (
        f"SELECT 'r', subject_code, severity, status, COUNT(*), '' FROM {_q(CreditRecord)} "  # noqa: S608 - values bound
        f"WHERE subject_code IN ({marks}) AND status IN (%s, %s) GROUP BY subject_code, severity, status "
        f"UNION ALL SELECT 'l', e.subject_code, l.kind, l.name, 0, l.legal_basis FROM {_q(ListEntry)} e "
        f"JOIN {_q(CreditList)} l ON l.id = e.credit_list_id WHERE e.subject_code IN ({marks}) AND e.status = %s "
        f"UNION ALL SELECT 'g', subject_code, grade, '', 0, '' FROM {_q(Evaluation)} WHERE subject_code IN ({marks}) "
        f"AND run_id = (SELECT id FROM {_q(EvaluationRun)} WHERE status = %s ORDER BY run_at DESC, id DESC LIMIT 1)"
    )
    params = [*codes, *LIVE_STATUSES, *codes, EntryStatus.MEMBER, *codes, EvaluationRun.Status.PUBLISHED]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def standing_bulk(codes: list[str]) -> dict[str, Standing]:
    """Set-based: one statement per 2,000 subjects (records by tier, list members, the latest
    published grade). Live records count, published or not: a warning stays unpublished but still
    tells an inspector something."""
    out: dict[str, Standing] = {}
    for i in range(0, len(codes), CHUNK):
        out.update(_standing_chunk(codes[i:i + CHUNK]))
    return out


def _standing_chunk(codes: list[str]) -> dict[str, Standing]:
    if not codes:
        return {}
    per: dict[str, dict] = {}
    lists: dict[str, list[ListMembership]] = {}
    grades: dict[str, str] = {}
    for kind, code, a, b, n, basis in _standing_rows(codes):
        if kind == "r":
            row = per.setdefault(code, {"serious": 0, "general": 0, "any": 0})
            row["any"] += n
            if a == Severity.SERIOUS and b == RecordStatus.PUBLISHED:
                row["serious"] += n
            if a == Severity.GENERAL:
                row["general"] += n
        elif kind == "l":
            lists.setdefault(code, []).append(ListMembership(kind=a, name=b, basis=basis))
        else:
            grades[code] = a
    out = {}
    for code in codes:
        row, member, grade = per.get(code), lists.get(code, []), grades.get(code, "")
        if row is None and not member and not grade:
            continue  # unknown: core answers the default
        serious = bool(row and row["serious"])
        black = any(m.kind == CreditList.Kind.BLACK for m in member)
        reasons = [f"列入{m.name}" for m in member if m.kind == CreditList.Kind.BLACK]
        if serious:
            reasons.append("有公示中的严重失信记录")
        if black or serious or BAD_GRADES.get(grade) == RISK_HIGH:
            risk = RISK_HIGH
        elif (row and row["general"]) or grade in BAD_GRADES:
            risk = RISK_MEDIUM_HIGH
        elif row and row["any"]:
            risk = RISK_MEDIUM
        else:
            risk = RISK_LOW
        out[code] = Standing(subject=code, known=True, risk_class=risk, grade=grade, lists=tuple(member),
                             serious_record=serious, reasons=tuple(reasons))
    return out


def public_records(code: str):
    """What the public query shows: published records only."""
    return (CreditRecord.objects.filter(subject_code=code, status=RecordStatus.PUBLISHED)
            .select_related("organisation", "rule").order_by("-decided_on"))


def list_members(list_id: int | None = None):
    qs = ListEntry.objects.filter(status=EntryStatus.MEMBER, credit_list__is_active=True).select_related("credit_list")
    return qs.filter(credit_list_id=list_id) if list_id else qs


def latest_published_run() -> EvaluationRun | None:
    return EvaluationRun.objects.filter(status=EvaluationRun.Status.PUBLISHED).select_related("method").order_by(
        "-run_at", "-id").first()
