from django import forms

from api.models import Scope

EXPIRY_CHOICES = [("30", "In 30 days"), ("90", "In 90 days"), ("365", "In a year"), ("", "Never")]


class TokenForm(forms.Form):
    name = forms.CharField(max_length=80, help_text="What the token is for, e.g. “Jira sync”.")
    scope = forms.ChoiceField(
        choices=Scope.choices,
        initial=Scope.READ,
        widget=forms.RadioSelect,
        help_text="Read only: the token can read what you can see. Read and write: it can also change what you can.",
    )
    expires_in = forms.ChoiceField(label="Expires", choices=EXPIRY_CHOICES, initial="90", required=False)
