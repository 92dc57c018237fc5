"""The roadmap's forms: the shared vision (with the version it was opened at) and a project's mark."""

from django import forms

from roadmap.models import Mark, Vision
from roadmap.services import VISION_MAX_LENGTH

VISION_FIELDS = ["text"]


class VisionForm(forms.ModelForm):
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    class Meta:
        model = Vision
        fields = VISION_FIELDS
        labels = {"text": "The shared vision"}
        widgets = {"text": forms.Textarea(attrs={"rows": 8, "maxlength": VISION_MAX_LENGTH})}


class MarkForm(forms.Form):
    kind = forms.ChoiceField(label="Quick win or strategic", required=False, choices=[("", "Default"), *Mark.choices])
    back = forms.CharField(required=False, widget=forms.HiddenInput)
