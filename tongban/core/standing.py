"""A subject's credit standing, as other modules need it (联合奖惩).

Inspections weight their draws by risk class, cases offer 容缺受理 / 告知承诺 only to subjects
without a serious record, policies may use standing in their rules. They all ask here; the credit
module registers the provider that answers. Modules below credit never import it (ADR 0011).

Without a provider every subject is "unknown": no list, no serious record, risk class unset, so
nothing is refused for want of credit data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

# Risk classes used for risk-weighted inspection ratios (one province's 2021 scheme: high 30%,
# medium-high 10%, medium 2%, low 1%; the ratios themselves are data per plan).
RISK_HIGH = "high"
RISK_MEDIUM_HIGH = "medium_high"
RISK_MEDIUM = "medium"
RISK_LOW = "low"
RISK_UNKNOWN = ""
RISK_CLASSES = [
    (RISK_HIGH, _("高风险")),
    (RISK_MEDIUM_HIGH, _("较高风险")),
    (RISK_MEDIUM, _("一般风险")),
    (RISK_LOW, _("低风险")),
]


@dataclass(frozen=True)
class ListMembership:
    kind: str  # "red" | "black" | "watch"
    name: str  # the list's name, e.g. 人防工程建设领域严重失信主体名单
    basis: str  # the legal basis recorded for the list


@dataclass(frozen=True)
class Standing:
    subject: str  # 统一社会信用代码 (or an opaque person key)
    known: bool = False  # False: no credit provider, or no data on the subject
    risk_class: str = RISK_UNKNOWN
    grade: str = ""  # practitioner credit grade (A/B/C/D …), "" when not rated
    lists: tuple[ListMembership, ...] = ()
    serious_record: bool = False  # a published serious-tier record (严重失信)
    reasons: tuple[str, ...] = field(default=())  # why, in Chinese, for the subject to see

    @property
    def blacklisted(self) -> bool:
        return any(m.kind == "black" for m in self.lists)

    @property
    def may_use_commitment(self) -> bool:
        """告知承诺 / 容缺受理 are not offered to a subject with a serious record or on a black list."""
        return not (self.serious_record or self.blacklisted)


BulkProvider = Callable[[list[str]], dict[str, Standing]]

_provider: BulkProvider | None = None


def register(provider: BulkProvider) -> None:
    """The credit module registers one set-based provider: usccs -> {uscc: Standing}."""
    global _provider
    _provider = provider


def unregister() -> None:
    global _provider
    _provider = None


def standing_bulk(subjects: Iterable[str]) -> dict[str, Standing]:
    keys = [s for s in dict.fromkeys(subjects) if s]
    found = _provider(keys) if (_provider and keys) else {}
    return {k: found.get(k) or Standing(subject=k) for k in keys}


def standing_of(subject: str) -> Standing:
    if not subject:
        return Standing(subject="")
    return standing_bulk([subject])[subject]
