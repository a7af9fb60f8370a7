from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('rmperf', '0004_stored_file_subset'),
    ]

    operations = [
        migrations.AddField(
            model_name='payadjustment',
            name='withdrawn',
            field=models.BooleanField(default=False),
        ),
    ]
