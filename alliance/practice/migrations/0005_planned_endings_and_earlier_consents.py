"""Two data steps that go with 0004:

- "Ended by mutual agreement" (``mutual``) becomes the planned and agreed ending (``completed``):
  both said the same, and the reasons a therapist picks are now five. Not reversible in detail
  (the two cannot be told apart afterwards): going back leaves them ``completed``.
- Clients recorded before consents were kept get one consent in force of each kind, of version
  ``before-records``, given when the client was recorded and by nobody: the practice was already
  sending them forms and analysing transcripts, and the version says the consent was taken
  outside Alliance. A therapist revokes it, or records the current version, like any other.
"""

from django.db import migrations

EARLIER = "before-records"
KINDS = ("treatment", "measurement", "transcript_analysis")


def forwards(apps, schema_editor):
    CareEpisode = apps.get_model("practice", "CareEpisode")
    Client = apps.get_model("practice", "Client")
    Consent = apps.get_model("practice", "Consent")
    CareEpisode.objects.filter(end_reason="mutual").update(end_reason="completed")
    rows = [
        Consent(
            practice_id=client.practice_id,
            client_id=client.pk,
            kind=kind,
            version=EARLIER,
            given_at=client.created_at,
        )
        for client in Client.objects.filter(consents__isnull=True).iterator()
        for kind in KINDS
    ]
    Consent.objects.bulk_create(rows, batch_size=500)


def backwards(apps, schema_editor):
    Consent = apps.get_model("practice", "Consent")
    Consent.objects.filter(version=EARLIER).delete()


class Migration(migrations.Migration):
    dependencies = [("practice", "0004_client_details_consents")]

    operations = [migrations.RunPython(forwards, backwards)]
