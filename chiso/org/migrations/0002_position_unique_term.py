import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='agency',
            name='parent',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='org.agency', verbose_name='parent agency'),
        ),
        migrations.AlterField(
            model_name='lineage',
            name='kind',
            field=models.CharField(choices=[('merged_into', 'merged into'), ('split_into', 'split into'), ('renamed', 'renamed to')], max_length=20, verbose_name='kind of change'),
        ),
        migrations.AlterField(
            model_name='position',
            name='role',
            field=models.CharField(choices=[('head', 'Head'), ('deputy', 'Deputy head')], max_length=10, verbose_name='leadership role'),
        ),
        migrations.AlterField(
            model_name='position',
            name='title',
            field=models.CharField(blank=True, max_length=150, verbose_name='job title'),
        ),
        migrations.AddConstraint(
            model_name='position',
            constraint=models.UniqueConstraint(fields=('person', 'agency', 'role', 'start'), name='position_unique_term'),
        ),
    ]
