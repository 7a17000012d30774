"""Per-item extension settings (《行政许可法》第四十二条): the days an extension may add, and
whether it moves the promised limit too (default: the legal limit only)."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='itemversion',
            name='extension_limit_days',
            field=models.PositiveSmallIntegerField(default=10, help_text='经本行政机关负责人批准可延长的工作日数；《行政许可法》第四十二条为十日，法律、法规另有规定的从其规定', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(60)], verbose_name='可延长期限（工作日）'),
        ),
        migrations.AddField(
            model_name='itemversion',
            name='extension_moves_promised',
            field=models.BooleanField(default=False, help_text='不勾选时，延期只延长法定时限，承诺时限仍为本机关的承诺', verbose_name='延期同时顺延承诺时限'),
        ),
    ]
