"""Readers' forms: "Which best describes you?" and "Have a follow-up question?"."""

from django import forms

from qa_site.text import no_control_characters

from .models import Audience

FOLLOW_UP_MIN, FOLLOW_UP_MAX = 10, 1000


class AudienceForm(forms.Form):
    """The reader's choice; an empty choice means the version for everyone."""

    audience = forms.ChoiceField(choices=[("", "Everyone")] + Audience.choices, required=False)
    next = forms.CharField(required=False, max_length=2000)


class FollowUpForm(forms.Form):
    """A reader's follow-up question, with a honeypot field that people never see."""

    text = forms.CharField(
        label="Your question",
        min_length=FOLLOW_UP_MIN,
        max_length=FOLLOW_UP_MAX,
        validators=[no_control_characters],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"Between {FOLLOW_UP_MIN} and {FOLLOW_UP_MAX:,} characters. Please do not include names or other personal details.",
        error_messages={
            "required": "Please type your question before sending it.",
            "min_length": "Please write a little more: a question needs at least %(limit_value)d characters (it has %(show_value)d).",
            "max_length": "Please shorten your question to %(limit_value)d characters or fewer (it has %(show_value)d). Your text is kept below.",
        },
    )
    # Honeypot: hidden from people by CSS and from assistive technology; bots fill every field.
    website = forms.CharField(required=False, label="Leave this field empty")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No maxlength in the browser: a pasted long question would be cut silently; the server says so instead.
        self.fields["text"].widget.attrs.pop("maxlength", None)
        self.fields["text"].widget.attrs.pop("minlength", None)
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(
                "We could not send this because the field “Leave this field empty” was filled in. "
                "Please clear it and send again; your question is kept below."
            )
        return ""
