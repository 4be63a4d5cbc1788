"""Two-factor sign-in to the admin (django-otp): required for Medical reviewers, optional for Editors.

A reviewer's login signs medical approvals, so it needs a code from an authenticator app
(TOTP) or one of their single-use recovery codes. Anyone else who has set up a device must
use it too; without one, a password is enough. Enrolment is described in the README.
"""

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django_otp import devices_for_user, user_has_device
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

REQUIRED_MESSAGE = (
    "Medical reviewers sign in with a code from their authenticator app (or a recovery code). "
    "If you have no authenticator yet, ask a site administrator to set one up for you."
)


def two_factor_required(user):
    """True if this account must sign in with a one-time code (setting TWO_FACTOR_REQUIRED_GROUPS)."""
    groups = getattr(settings, "TWO_FACTOR_REQUIRED_GROUPS", [])
    return bool(groups) and user.is_authenticated and user.groups.filter(name__in=groups).exists()


def needs_code(user):
    """A code is asked of accounts that must use one and of anyone who set up a device."""
    return two_factor_required(user) or user_has_device(user, confirmed=True)


class AdminLoginForm(AdminAuthenticationForm, OTPAuthenticationFormMixin):
    """The admin's login form: password, then a one-time code where the account needs one."""

    otp_token = forms.CharField(
        required=False,
        label="Authenticator code",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text="Six digits from your authenticator app, or one of your recovery codes. "
        "Required for Medical reviewers; leave empty if you have no authenticator.",
    )
    otp_error_messages = {
        **OTPAuthenticationFormMixin.otp_error_messages,
        "token_required": REQUIRED_MESSAGE,
        "invalid_token": "That code is not valid (codes change every 30 seconds; each recovery code works once). Please try again.",
    }

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is not None and needs_code(user):
            if not any(True for _ in devices_for_user(user, confirmed=True)):
                raise forms.ValidationError(REQUIRED_MESSAGE, code="token_required")
            self.clean_otp(user)
        return cleaned

    def _chosen_device(self, user):
        """Six digits are the authenticator's code; anything else is a recovery code."""
        token = (self.cleaned_data.get("otp_token") or "").strip()
        kind = TOTPDevice if token.isascii() and token.isdigit() and len(token) == 6 else StaticDevice
        return kind.objects.devices_for_user(user, confirmed=True).first()

    def _verify_token(self, user, token, device=None):
        if device is None:
            raise forms.ValidationError(self.otp_error_messages["invalid_token"], code="invalid_token")
        return super()._verify_token(user, token.strip(), device)

    # This form has no device menu to update.
    def _update_form(self, user):
        pass
