from django.apps import AppConfig


class FhirConfig(AppConfig):
    """The FHIR REST API and its tokens. The label is the one the app was born with ("interop"):
    it names the tables and migrations of existing installs."""

    name = "alliance.fhir"
    label = "interop"
    verbose_name = "FHIR API"
