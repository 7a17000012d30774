"""Material providers: modules that can supply an application's material from data the
agency already holds (an e-licence, 免证可办) register here. Materials are catalog's; the modules
that provide (licences) sit above catalog and cases, so both ask this one registry without
knowing who provides: the guide says 可免提交 and the application form drops the upload for
exactly the same materials.

A provider is a function `provider(*, actor, version, authorised) -> Iterable[Supply]`: one
`Supply` per material of the version it could stand in for. Without the applicant's
authorisation it must look nothing up and only say which materials it could supply.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

MaterialProvider = Callable[..., Iterable["Supply"]]

_PROVIDERS: list[MaterialProvider] = []


@dataclass
class Supply:
    """What one provider can do for one material of one application."""

    material_id: int
    provided: bool  # verified: stands in for the upload
    source: str = ""  # how: what the case records as the material's source
    message: str = ""  # what the applicant is told (why not, when not provided)
    # Called after the case is filed, in its transaction, when the supply was used: the
    # provider keeps its own record (which licence, what its verification said).
    record: Callable[..., None] | None = None


@dataclass
class Supplies:
    """Every provider's answer for one version and one applicant."""

    rows: list[Supply] = field(default_factory=list)

    @property
    def provided(self) -> dict[int, str]:
        """material id -> source, for the materials supplied (the first provider wins)."""
        out: dict[int, str] = {}
        for row in self.rows:
            if row.provided:
                out.setdefault(row.material_id, row.source)
        return out

    @property
    def possible(self) -> set[int]:
        """Materials some provider could supply once the applicant authorises it."""
        return {row.material_id for row in self.rows}

    def record(self, *, case, actor, used: Iterable[int]) -> None:
        """Let the providers of the materials actually used keep their record."""
        used = set(used)
        done: set[int] = set()
        for row in self.rows:
            if row.provided and row.material_id in used and row.material_id not in done:
                done.add(row.material_id)
                if row.record is not None:
                    row.record(case=case, actor=actor)


def register_material_provider(func: MaterialProvider) -> MaterialProvider:
    """Register a provider (idempotent: ready() may run more than once)."""
    if func not in _PROVIDERS:
        _PROVIDERS.append(func)
    return func


def material_supplies(*, actor, version, authorised: bool) -> Supplies:
    """Ask every provider which materials of `version` it can supply for `actor`, and how."""
    result = Supplies()
    for provider in _PROVIDERS:
        result.rows.extend(provider(actor=actor, version=version, authorised=authorised))
    return result


def reusable_ids(version) -> set[int]:
    """Materials some provider could supply (nothing is looked up): the guide may say 可免提交
    and the browser must not insist on an upload."""
    return material_supplies(actor=None, version=version, authorised=False).possible
