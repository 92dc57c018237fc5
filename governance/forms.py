from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from governance.models import User


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "job_title", "reminders_enabled"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Save preferences"))
