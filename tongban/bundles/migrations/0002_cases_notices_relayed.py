from django.db import migrations


def forwards(apps, schema_editor):
    # Cases of a bundle hear of their notices through the bundle (one notice for all its cases).
    Case = apps.get_model("cases", "Case")
    BundleCase = apps.get_model("bundles", "BundleCase")
    Case.objects.filter(pk__in=BundleCase.objects.values("case_id")).update(notices_relayed=True)


class Migration(migrations.Migration):

    dependencies = [
        ("bundles", "0001_initial"),
        ("cases", "0003_counters_and_presses_to_core"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
