"""Extensions become requests (《行政许可法》第四十二条): the handler asks, the head approves.

Extensions granted before keep their approver (now `decided_by`) and are marked approved; their
cases keep the promised due date they had, as the old flow moved both limits."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def keep_promised_dates(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Case.objects.filter(extension_days__gt=0).update(promised_extension_days=models.F("extension_days"))


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0003_counters_and_presses_to_core'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='extension',
            options={'ordering': ['case', 'id'], 'verbose_name': '延期申请', 'verbose_name_plural': '延期申请'},
        ),
        migrations.RenameField(model_name='extension', old_name='approved_by', new_name='decided_by'),
        migrations.RenameField(model_name='extension', old_name='approved_on', new_name='decided_on'),
        migrations.AlterField(
            model_name='extension',
            name='decided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='审批人（本行政机关负责人）'),
        ),
        migrations.AlterField(
            model_name='extension',
            name='decided_on',
            field=models.DateField(blank=True, null=True, verbose_name='审批日期'),
        ),
        migrations.AddField(
            model_name='case',
            name='promised_extension_days',
            field=models.PositiveSmallIntegerField(default=0, help_text='仅当事项设置为延期同时顺延承诺时限时', verbose_name='承诺时限顺延工作日'),
        ),
        migrations.AddField(
            model_name='extension',
            name='decision_note',
            field=models.TextField(blank=True, verbose_name='审批意见'),
        ),
        migrations.AddField(
            model_name='extension',
            name='legal_due_after',
            field=models.DateField(blank=True, null=True, verbose_name='延长后法定届满日'),
        ),
        migrations.AddField(
            model_name='extension',
            name='legal_due_before',
            field=models.DateField(blank=True, null=True, verbose_name='申请时法定届满日'),
        ),
        migrations.AddField(
            model_name='extension',
            name='moves_promised',
            field=models.BooleanField(default=False, help_text='批准时按事项设置确定', verbose_name='同时顺延承诺时限'),
        ),
        migrations.AddField(
            model_name='extension',
            name='requested_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='申请时间'),
        ),
        migrations.AddField(
            model_name='extension',
            name='requested_by',
            field=models.ForeignKey(blank=True, help_text='empty only on extensions granted before requests existed', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='申请人（承办人）'),
        ),
        # rows that exist were granted directly: approved
        migrations.AddField(
            model_name='extension',
            name='status',
            field=models.CharField(default='approved', max_length=10),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name='extension',
            name='status',
            field=models.CharField(choices=[('pending', '待负责人审批'), ('approved', '已批准'), ('refused', '未批准'), ('lapsed', '已失效')], default='pending', max_length=10, verbose_name='状态'),
        ),
        migrations.RunPython(keep_promised_dates, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='extension',
            name='case',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='extensions', to='cases.case'),
        ),
        migrations.AlterField(
            model_name='extension',
            name='reason',
            field=models.TextField(verbose_name='延期理由'),
        ),
        migrations.AddConstraint(
            model_name='extension',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('case',), name='cases_one_open_extension_request'),
        ),
        migrations.AddConstraint(
            model_name='extension',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'approved')), fields=('case',), name='cases_one_extension'),
        ),
        migrations.AddConstraint(
            model_name='extension',
            constraint=models.CheckConstraint(condition=models.Q(('decided_by__isnull', True), ('requested_by__isnull', True), models.Q(('decided_by', models.F('requested_by')), _negated=True), _connector='OR'), name='cases_extension_not_self_approved'),
        ),
    ]
