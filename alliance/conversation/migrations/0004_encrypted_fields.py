import alliance.lib.encrypted_fields
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('conversation', '0003_transcript_content_digest'),
    ]

    # The token columns become EncryptedTextFields on the same columns (db_column=the old name)
    # with the same token format: only Django's idea of the fields changes, no row is touched.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RenameField(
                    model_name='transcript',
                    old_name='turns_token',
                    new_name='turns_json',
                ),
                migrations.AlterField(
                    model_name='transcript',
                    name='turns_json',
                    field=alliance.lib.encrypted_fields.EncryptedTextField(
                        db_column='turns_token', editable=False
                    ),
                ),
                migrations.RenameField(
                    model_name='conversationreport',
                    old_name='figures_token',
                    new_name='figures_json',
                ),
                migrations.AlterField(
                    model_name='conversationreport',
                    name='figures_json',
                    field=alliance.lib.encrypted_fields.EncryptedTextField(
                        db_column='figures_token', editable=False
                    ),
                ),
                migrations.RenameField(
                    model_name='conversationreport',
                    old_name='coded_turns_token',
                    new_name='coded_turns_json',
                ),
                migrations.AlterField(
                    model_name='conversationreport',
                    name='coded_turns_json',
                    field=alliance.lib.encrypted_fields.EncryptedTextField(
                        db_column='coded_turns_token', editable=False
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
