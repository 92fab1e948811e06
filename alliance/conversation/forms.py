"""Forms of the conversation pages: a transcript upload, and the sharing setting."""

from __future__ import annotations

from django import forms

from alliance.conversation.importers import MAX_BYTES, TranscriptError, parse_speaker_lines


class TranscriptUploadForm(forms.Form):
    file = forms.FileField(
        label="Transcript file",
        help_text="Plain text (T: / C:), WebVTT, SRT or JSON, UTF-8, up to 2 MB.",
    )
    speakers = forms.CharField(
        label="Who is who (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text='One line per name, e.g. "Dr Lee = therapist" and "Sam = client".',
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is "
                f"{MAX_BYTES // 1024 // 1024} MB."
            )
        data: bytes = upload.read(MAX_BYTES + 1)
        return data

    def clean_speakers(self) -> dict[str, str]:
        try:
            return parse_speaker_lines(self.cleaned_data["speakers"])
        except TranscriptError as error:
            raise forms.ValidationError(str(error)[:1].upper() + str(error)[1:]) from None

    def filename(self) -> str:
        upload = self.files.get("file")
        return str(getattr(upload, "name", "") or "")


class SharingForm(forms.Form):
    share = forms.BooleanField(required=False)
