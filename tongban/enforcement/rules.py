"""Every period, threshold and calculation of 《中华人民共和国行政处罚法》(2021) the module uses, in
one place, each with its article. Pure functions only: no database, no request.

Counting (§85): the "2/3/5/7 日" of this law are working days, counted with the platform's
calendar from the day after the event; the 90 days of §60, the 15 days of §67 and the month of
the internal re-review are calendar days.

Values marked [K] are practice, not the statute: they are settings
(`TONGBAN_ENFORCEMENT = {"PUBLISH_WORKDAYS": 7, ...}`) with the value below as the default.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from django.conf import settings

from tongban.core.calendar import WorkCalendar

DEFAULTS = {
    # §36: two years; five where life, health or financial safety is involved with harm
    "LIMITATION_YEARS": 2,
    "LIMITATION_YEARS_SERIOUS": 5,
    # [K] statement and defence period after the prior notice is delivered (SAMR: 5 working days)
    "STATEMENT_WORKDAYS": 5,
    # §64(1): a hearing is requested within 5 (working, §85) days of the notice
    "HEARING_REQUEST_WORKDAYS": 5,
    # §64(2): the party is told at least 7 (working, §85) days before the hearing
    "HEARING_NOTICE_WORKDAYS": 7,
    # [K] SAMR hearing thresholds for fines: ¥10,000 a person, ¥100,000 an organisation
    "HEARING_FINE_PERSON_FEN": 10_000_00,
    "HEARING_FINE_ORG_FEN": 100_000_00,
    # §60: decided within 90 (calendar) days of registration
    "DECISION_DAYS": 90,
    # [K] SAMR practice: one extension of 30 days approved by the head
    "EXTENSION_DAYS": 30,
    # §61: delivered within 7 (working) days when the party is not present
    "DELIVERY_WORKDAYS": 7,
    # §67: fines paid within 15 (calendar) days of delivery
    "PAYMENT_DAYS": 15,
    # §72(1): late surcharge 3% of the fine a day, never above the fine
    "SURCHARGE_PERMILLE_PER_DAY": 30,
    # [K] 国办发〔2018〕118号: 双公示 within 7 working days of the decision
    "PUBLISH_WORKDAYS": 7,
    # §48(2): a changed or revoked decision is withdrawn within 3 (working, §85) days
    "WITHDRAW_WORKDAYS": 3,
    # Shenyang seed 001: discretionary penalties re-reviewed within one month of the decision
    "REREVIEW_MONTHS": 1,
    # §51: summary procedure only for a warning or a fine ≤ ¥200 (person) / ≤ ¥3,000 (organisation)
    "SUMMARY_FINE_PERSON_FEN": 200_00,
    "SUMMARY_FINE_ORG_FEN": 3_000_00,
    # seed + §58: legal review for every penalty of an enterprise [K: the seed extends the law's list]
    "REVIEW_ALL_ENTERPRISE": True,
}


def value(name: str) -> int:
    return getattr(settings, "TONGBAN_ENFORCEMENT", {}).get(name, DEFAULTS[name])


def _cal() -> WorkCalendar:
    return WorkCalendar.default()


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month `months` later, or that month's last day (31 Jan + 1 = 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


# --- §36 limitation ------------------------------------------------------------------------


def limitation_ends(act_on: dt.date, act_ended_on: dt.date | None, serious_harm: bool) -> dt.date:
    """《行政处罚法》第三十六条: counted from the act, or from its end if it continued."""
    start = act_ended_on or act_on
    years = value("LIMITATION_YEARS_SERIOUS") if serious_harm else value("LIMITATION_YEARS")
    return add_years(start, years)


# --- §44/45/64 periods after the prior notice ----------------------------------------------


def statement_until(delivered_on: dt.date) -> dt.date:
    return _cal().add_workdays(delivered_on, value("STATEMENT_WORKDAYS"))


def hearing_request_until(delivered_on: dt.date) -> dt.date:
    return _cal().add_workdays(delivered_on, value("HEARING_REQUEST_WORKDAYS"))


def earliest_hearing(notified_on: dt.date) -> dt.date:
    """§64(2): the hearing may be held no earlier than 7 working days after the party is told."""
    return _cal().add_workdays(notified_on, value("HEARING_NOTICE_WORKDAYS"))


SEVERE_KINDS = {"confiscation", "suspension", "revocation"}


def hearing_right(kind: str, fine_fen: int, party_kind: str) -> bool:
    """§63: large fines, confiscation, suspension, revocation … give the right to a hearing."""
    if kind in SEVERE_KINDS:
        return True
    if kind != "fine":
        return False
    limit = value("HEARING_FINE_ORG_FEN") if party_kind == "enterprise" else value("HEARING_FINE_PERSON_FEN")
    return fine_fen >= limit


# --- §51 summary procedure ------------------------------------------------------------------


def summary_allowed(kind: str, fine_fen: int, party_kind: str) -> bool:
    """《行政处罚法》第五十一条: a warning, or a fine up to ¥200 (person) / ¥3,000 (organisation)."""
    if kind == "warning":
        return True
    if kind != "fine":
        return False
    limit = value("SUMMARY_FINE_ORG_FEN") if party_kind == "enterprise" else value("SUMMARY_FINE_PERSON_FEN")
    return fine_fen <= limit


# --- §58 legal review -----------------------------------------------------------------------


def review_required(*, party_kind: str, kind: str, is_major: bool, hearing_held: bool, hearing_right: bool,
                    procedure: str = "general") -> bool:
    """§58: major public interest, after a hearing, complex cases, where a law requires it; the
    seed extends it to every penalty of an enterprise decided by the general procedure (a §51
    on-the-spot decision has no review step). 不予处罚 is no penalty."""
    if kind == "not_punished" or procedure == "summary":
        return False
    if party_kind == "enterprise" and value("REVIEW_ALL_ENTERPRISE"):
        return True
    return is_major or hearing_held or hearing_right


# --- §60 decision deadline ------------------------------------------------------------------


def decision_due(registered_on: dt.date, extension_days: int = 0) -> dt.date:
    return registered_on + dt.timedelta(days=value("DECISION_DAYS") + extension_days)


# --- delivery, payment, surcharge -----------------------------------------------------------


def delivery_due(decided_on: dt.date) -> dt.date:
    return _cal().add_workdays(decided_on, value("DELIVERY_WORKDAYS"))


def payment_due(delivered_on: dt.date) -> dt.date:
    return delivered_on + dt.timedelta(days=value("PAYMENT_DAYS"))


def surcharge(fine_fen: int, due: dt.date | None, on: dt.date) -> int:
    """《行政处罚法》第七十二条: 3% of the fine for each day late, never more than the fine."""
    if not due or on <= due or fine_fen <= 0:
        return 0
    days = (on - due).days
    raw = fine_fen * value("SURCHARGE_PERMILLE_PER_DAY") * days // 1000
    return min(raw, fine_fen)


# --- publicity and re-review ----------------------------------------------------------------


def publish_due(decided_on: dt.date) -> dt.date:
    return _cal().add_workdays(decided_on, value("PUBLISH_WORKDAYS"))


def withdraw_due(revoked_on: dt.date) -> dt.date:
    return _cal().add_workdays(revoked_on, value("WITHDRAW_WORKDAYS"))


def rereview_due(decided_on: dt.date) -> dt.date:
    return add_months(decided_on, value("REREVIEW_MONTHS"))


# --- the discretion proposal ----------------------------------------------------------------

PRECEDENCE = ["not_punished", "mitigated", "lighter", "general", "heavier"]


@dataclass(frozen=True)
class ClauseData:
    code: str
    circumstance: str
    condition: str
    low_pct: Decimal
    high_pct: Decimal
    penalty_kind: str = "fine"


@dataclass(frozen=True)
class Proposal:
    baseline: str  # the version label, e.g. "ZZ-RF-2026 v1"
    item_code: str
    circumstance: str
    clauses: list[str]  # the clause codes that produced it
    penalty_kind: str
    low_fen: int
    high_fen: int
    fine_fen: int  # the proposed amount: the middle of the band, in whole yuan
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "baseline": self.baseline, "item_code": self.item_code, "circumstance": self.circumstance,
            "clauses": list(self.clauses), "penalty_kind": self.penalty_kind, "low_fen": self.low_fen,
            "high_fen": self.high_fen, "fine_fen": self.fine_fen, "notes": list(self.notes),
        }

    def within(self, kind: str, fine_fen: int) -> bool:
        """Whether a chosen penalty is the proposal: same kind and, for a fine, inside the band."""
        if kind != self.penalty_kind:
            return False
        return kind != "fine" or self.low_fen <= fine_fen <= self.high_fen


def position_fen(scheme: str, min_fen: int, max_fen: int, pct: Decimal) -> int:
    """The amount at `pct` on the item's scale (see BaselineClause): min–max scales run 0→min,
    100→max and below 0 towards nothing (减轻); maximum-only scales are shares of the maximum."""
    pct = Decimal(pct)
    if scheme == "max_only":
        base, span = Decimal(0), Decimal(max_fen)
    elif pct < 0:
        base, span = Decimal(min_fen), Decimal(min_fen)
    else:
        base, span = Decimal(min_fen), Decimal(max_fen - min_fen)
    amount = base + span * pct / Decimal(100)
    return int(amount.to_integral_value(rounding=ROUND_FLOOR))


def propose(*, baseline_label: str, item_code: str, scheme: str, min_fen: int, max_fen: int,
            clauses: list[ClauseData], facts: set[str]) -> Proposal:
    """From the circumstances found (clause codes in `facts`), the penalty the baseline gives.

    §33 first: a not-punished clause that holds wins. Then 减轻; lighter and heavier together
    offset to the general band; otherwise the one that holds; the general band when none does."""
    held = [c for c in clauses if c.code in facts]
    by = {k: [c for c in held if c.circumstance == k] for k in PRECEDENCE}
    notes: list[str] = []
    if by["not_punished"]:
        chosen = by["not_punished"]
        kind = "not_punished"
    elif by["mitigated"]:
        chosen, kind = by["mitigated"], by["mitigated"][0].penalty_kind
    elif by["lighter"] and by["heavier"]:
        general = [c for c in clauses if c.circumstance == "general"]
        chosen = general[:1]
        kind = chosen[0].penalty_kind if chosen else "fine"
        notes.append("从轻与从重情形同时存在，相互抵消，按一般情形裁量")
        produced = [c.code for c in (*by["lighter"], *by["heavier"], *chosen)]
        return _band(baseline_label, item_code, scheme, min_fen, max_fen, chosen, kind, "general", produced, notes)
    elif by["lighter"]:
        chosen, kind = by["lighter"], by["lighter"][0].penalty_kind
    elif by["heavier"]:
        chosen, kind = by["heavier"], by["heavier"][0].penalty_kind
    else:
        chosen = [c for c in clauses if c.circumstance == "general"][:1]
        kind = chosen[0].penalty_kind if chosen else "fine"
    circumstance = chosen[0].circumstance if chosen else "general"
    return _band(baseline_label, item_code, scheme, min_fen, max_fen, chosen, kind, circumstance,
                 [c.code for c in chosen], notes)


def _band(label, item_code, scheme, min_fen, max_fen, chosen, kind, circumstance, produced, notes) -> Proposal:
    if kind != "fine" or not chosen:
        return Proposal(label, item_code, circumstance, produced, kind, 0, 0, 0, notes)
    low = min(position_fen(scheme, min_fen, max_fen, c.low_pct) for c in chosen)
    high = max(position_fen(scheme, min_fen, max_fen, c.high_pct) for c in chosen)
    middle = (low + high) // 2 // 100 * 100  # whole yuan
    return Proposal(label, item_code, circumstance, produced, kind, low, high, max(middle, low), notes)
