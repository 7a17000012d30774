"""Sources that stand in for an uploaded material of an application (免证可办: the applicant's own
e-licence), registered by the modules that own them from their AppConfig.ready().

Materials are catalog's; the modules that supply them (licences) sit above catalog and cases, so
both know them only through this one registry: the guide says 可免提交 and the application form
drops the upload for exactly the same materials. A source offers three calls:

- `reusable(version)`: the version's materials it can provide, so the form needs no upload;
- `lookup(actor=, version=, authorised=)`: a result whose `provided` maps material id → source
  text for `case_submit(provided=...)`; nothing is looked up without the applicant's consent;
- `record(case=, lookup=, actor=)`: files on the submitted case what stood in for what.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class MaterialSource:
    name: str
    reusable: Callable
    lookup: Callable
    record: Callable


_sources: dict[str, MaterialSource] = {}


def register(source: MaterialSource) -> None:
    _sources[source.name] = source


def sources() -> list[MaterialSource]:
    return list(_sources.values())


def reusable_ids(version) -> set[int]:
    """Materials some source can stand in for: the browser must not insist on an upload."""
    return {m.pk for source in sources() for m in source.reusable(version)}
