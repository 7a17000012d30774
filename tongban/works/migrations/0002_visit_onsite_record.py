"""Visits reuse the inspections module's on-site record: each existing visit's findings and
photos move into an `inspections.OnSiteRecord` (same attachments, nothing re-uploaded) before the
works copies are dropped."""

import django.db.models.deletion
from django.db import migrations, models


def visits_to_records(apps, schema_editor):
    Visit = apps.get_model("works", "Visit")
    VisitPhoto = apps.get_model("works", "VisitPhoto")
    OnSiteRecord = apps.get_model("inspections", "OnSiteRecord")
    OnSiteFile = apps.get_model("inspections", "OnSiteFile")
    for visit in Visit.objects.filter(record__isnull=True).select_related(
        "project__builder", "project__organisation", "inspector"
    ).order_by("pk"):
        project = visit.project
        record = OnSiteRecord.objects.create(
            organisation_id=project.organisation_id, source="works.visit",
            reference=f"{project.registration_number or project.name} · {visit.stage}"[:200],
            # Migrated numbers carry the visit id (M…) so they never meet the sequence's numbers.
            number=f"{project.organisation.code}-XC-{visit.visited_on.year}-M{visit.pk:05d}",
            subject_name=project.builder.name, subject_uscc=project.builder.uscc or "",
            subject_address=project.address[:200], findings=visit.findings, inspected_on=visit.visited_on,
            recorded_at=visit.created_at, recorded_by_id=visit.inspector_id,
        )
        OnSiteFile.objects.bulk_create(
            [OnSiteFile(record=record, attachment_id=ph.attachment_id)
             for ph in VisitPhoto.objects.filter(visit=visit).order_by("pk")]
        )
        Visit.objects.filter(pk=visit.pk).update(record=record)


def records_to_visits(apps, schema_editor):
    Visit = apps.get_model("works", "Visit")
    VisitPhoto = apps.get_model("works", "VisitPhoto")
    OnSiteFile = apps.get_model("inspections", "OnSiteFile")
    for visit in Visit.objects.select_related("record"):
        Visit.objects.filter(pk=visit.pk).update(findings=visit.record.findings)
        VisitPhoto.objects.bulk_create(
            [VisitPhoto(visit=visit, attachment_id=f.attachment_id) for f in OnSiteFile.objects.filter(record=visit.record)]
        )


class Migration(migrations.Migration):

    dependencies = [
        ("inspections", "0002_onsite_record"),
        ("works", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="visit",
            name="record",
            field=models.OneToOneField(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="works_visit",
                to="inspections.onsiterecord", verbose_name="现场检查记录",
            ),
        ),
        migrations.AlterField(
            model_name="visit", name="findings", field=models.TextField(blank=True, verbose_name="检查情况"),
        ),
        migrations.RunPython(visits_to_records, records_to_visits),
        migrations.DeleteModel(name="VisitPhoto"),
        migrations.RemoveField(model_name="visit", name="findings"),
        migrations.AlterField(
            model_name="visit",
            name="record",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT, related_name="works_visit",
                to="inspections.onsiterecord", verbose_name="现场检查记录",
            ),
        ),
    ]
