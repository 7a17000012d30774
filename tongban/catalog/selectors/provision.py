"""Which materials a guide may honestly mark 可免提交 (no upload needed).

A material's `provides_from` only names where it could come from (a licence type code or a
shared-data key). It can really be left out only when a module supplies it to the application
form: licences registers a source (catalog.material_sources) for the materials an active licence type stands in for
(免证可办). Catalog is below those modules in the layers, so it asks them through this registry
instead of importing them; with no provider registered, nothing is omittable.
"""

from __future__ import annotations

from .. import material_sources
from ..models import ItemVersion


def omittable_materials(version: ItemVersion) -> dict[int, bool]:
    """For each material of the version (by id): whether it can really be omitted, i.e. a
    registered provider supplies it. A `provides_from` that nothing supplies gives False."""
    materials = list(version.materials.all())
    ids = {m.pk for m in materials}
    supplied: set[int] = set()
    supplied |= material_sources.reusable_ids(version) & ids
    return {m.pk: m.pk in supplied for m in materials}


def omittable_ids(version: ItemVersion) -> frozenset[int]:
    """The ids of the version's materials that can really be omitted (for templates)."""
    return frozenset(pk for pk, ok in omittable_materials(version).items() if ok)
