import django.db.models.deletion
from django.db import migrations, models


def copy_client_from_episode(apps, schema_editor):
    FormRequest = apps.get_model("measures", "FormRequest")
    for form_request in FormRequest.objects.select_related("episode").iterator():
        form_request.client_id = form_request.episode.client_id
        form_request.save(update_fields=["client"])


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0002_formrequest_respondent"),
        ("practice", "0002_client_form_links_by_email"),
    ]

    operations = [
        migrations.AddField(
            model_name="formrequest",
            name="client",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="practice.client",
            ),
        ),
        migrations.RunPython(copy_client_from_episode, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="formrequest",
            name="client",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="practice.client",
            ),
        ),
    ]
