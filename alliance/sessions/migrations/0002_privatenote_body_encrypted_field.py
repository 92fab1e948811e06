import alliance.lib.encrypted_fields
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('therapy_sessions', '0001_initial'),
    ]

    # The note's token column becomes an EncryptedTextField named `body`, on the same column
    # (db_column="body_token") and with the same token format: only Django's idea of the field
    # changes, no row is touched.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RenameField(
                    model_name='privatenote',
                    old_name='body_token',
                    new_name='body',
                ),
                migrations.AlterField(
                    model_name='privatenote',
                    name='body',
                    field=alliance.lib.encrypted_fields.EncryptedTextField(
                        db_column='body_token', editable=False
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
