"""Helpers for the migrations that moved per-module counters and presses into core. Numbers
already issued are carried over exactly, so no number is ever issued twice."""


def copy_counters(apps, app_label: str, model: str, rename=lambda key: key) -> None:
    Old = apps.get_model(app_label, model)
    Sequence = apps.get_model("core", "Sequence")
    for row in Old.objects.all():
        key = rename(row.key)
        current = Sequence.objects.filter(key=key).first()
        if current is None:
            Sequence.objects.create(key=key, value=row.value)
        elif current.value < row.value:  # never go back below a number already issued
            current.value = row.value
            current.save(update_fields=["value"])


def copy_presses(apps, app_label: str, model_name: str, fk: str) -> None:
    Old = apps.get_model(app_label, "Press")
    Press = apps.get_model("core", "Press")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ct, _ = ContentType.objects.get_or_create(app_label=app_label, model=model_name)
    rows = []
    for old in Old.objects.all().iterator():
        rows.append(Press(
            content_type_id=ct.pk, object_id=getattr(old, f"{fk}_id"), supervisor_id=old.supervisor_id,
            note=old.note, warning=getattr(old, "warning", "") or "", resolved_at=old.resolved_at,
        ))
    created = Press.objects.bulk_create(rows)
    # auto_now_add wrote "now": keep each press's own time.
    for new, old in zip(created, Old.objects.all().iterator(), strict=True):
        Press.objects.filter(pk=new.pk).update(created_at=old.created_at)
