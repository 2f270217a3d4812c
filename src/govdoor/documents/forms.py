from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Upload a file"),
        error_messages={
            "required": _("Select a file to upload."),
            "empty": _("The file is empty."),
            "invalid": _("Select a file to upload."),
        },
        allow_empty_file=True,  # the service refuses it with its own message
    )
