"""Admin sign-in: throttled per account and per address (django-axes); TOTP required for Medical reviewers."""

import time


import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import make_editor, make_reviewer

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def two_factor_on(settings):
    """Production's rule: Medical reviewers must sign in with a one-time code."""
    settings.TWO_FACTOR_REQUIRED_GROUPS = ["Medical reviewers"]


def sign_in(client, username, password=PASSWORD, code="", address="203.0.113.7"):
    """Post the admin login form as a browser would; returns the response (followed)."""
    return client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password, "otp_token": code},
        follow=True, REMOTE_ADDR=address,
    )


def current_code(device):
    """The code an authenticator app shows now for this device's key."""
    return str(totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)).zfill(device.digits)


def test_ten_wrong_passwords_lock_the_account_even_for_the_right_one():
    """After 10 wrong passwords the right one is refused too, with a page saying why."""
    editor = make_editor("locked-editor")
    client = Client()
    for _ in range(10):
        response = sign_in(client, editor.username, password="wrong password")
        assert "/admin/login/" in response.request["PATH_INFO"] or response.status_code == 429
    response = sign_in(client, editor.username)
    assert response.status_code == 429
    text = response.content.decode()
    assert "Sign-in is paused after too many wrong passwords" in text
    assert "even with the right password" in text
    assert "_auth_user_id" not in client.session
    # The same account from another address is locked too (per account) ...
    assert sign_in(Client(), editor.username, address="198.51.100.9").status_code == 429


def test_wrong_passwords_from_one_address_lock_that_address_for_other_accounts():
    """Guessing across many accounts from one address is throttled as well (per address)."""
    client = Client()
    for n in range(10):
        sign_in(client, f"guess{n}", password="wrong password", address="192.0.2.50")
    other = make_editor("innocent-editor")
    assert sign_in(Client(), other.username, address="192.0.2.50").status_code == 429
    assert sign_in(Client(), other.username, address="192.0.2.51").status_code == 200


def test_editor_without_authenticator_signs_in_with_password(two_factor_on):
    """Two-factor is optional for Editors: the password alone opens the admin."""
    editor = make_editor("plain-editor")
    response = sign_in(Client(), editor.username)
    assert response.status_code == 200 and "Articles, review and the board" in response.content.decode()


def test_reviewer_needs_a_totp_code(two_factor_on):
    """A Medical reviewer is refused without a code, refused with a wrong one, and let in with the app's code."""
    reviewer = make_reviewer("totp-reviewer")
    device = TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    client = Client()
    response = sign_in(client, reviewer.username)
    assert "Medical reviewers sign in with a code from their authenticator app" in response.content.decode()
    assert "_auth_user_id" not in client.session
    wrong = str((int(current_code(device)) + 1) % 10**6).zfill(6)
    response = sign_in(client, reviewer.username, code=wrong)
    assert "That code is not valid" in response.content.decode()
    time.sleep(1.1)  # django-otp makes each device wait 1 s after a wrong code (doubling each time)
    response = sign_in(client, reviewer.username, code=current_code(device))
    assert response.status_code == 200 and "Articles, review and the board" in response.content.decode()
    assert client.get("/admin/articles/article/").status_code == 200


def test_reviewer_signed_in_without_a_code_cannot_use_the_admin(two_factor_on):
    """A reviewer's session without a verified code (e.g. from before the rule) is sent back to sign in."""
    reviewer = make_reviewer("unverified-reviewer")
    client = Client()
    client.force_login(reviewer)
    response = client.get("/admin/articles/article/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_recovery_code_works_once(two_factor_on):
    """A recovery code signs a reviewer in once; used again it is refused."""
    reviewer = make_reviewer("recovery-reviewer")
    TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    static = StaticDevice.objects.create(user=reviewer, name="recovery codes", confirmed=True)
    static.token_set.create(token="k3y4ccess")
    first = Client()
    assert "Articles, review and the board" in sign_in(first, reviewer.username, code="k3y4ccess").content.decode()
    second = Client()
    assert "That code is not valid" in sign_in(second, reviewer.username, code="k3y4ccess").content.decode()


def test_reviewer_without_any_device_is_told_to_enrol(two_factor_on):
    """A reviewer with no authenticator yet gets a message saying how to get one, not a silent failure."""
    reviewer = make_reviewer("new-reviewer")
    response = sign_in(Client(), reviewer.username, code="123456")
    assert "ask a site administrator to set one up" in response.content.decode()


def test_enrolment_command_prints_a_key_and_codes_that_sign_in(two_factor_on):
    """`manage.py enrol_two_factor` gives a reviewer a key (typed into an app) and recovery codes that work."""
    import io
    import re
    from base64 import b32decode

    from django.core.management import call_command

    reviewer = make_reviewer("enrolled-reviewer")
    out = io.StringIO()
    call_command("enrol_two_factor", reviewer.username, "--no-qr", stdout=out)
    printed = out.getvalue()
    key = b32decode(re.search(r"Key \(base32\): (\S+)", printed).group(1))
    codes = re.findall(r"^  (\S+)$", printed, re.M)
    assert len(codes) == 10
    code = str(totp(key, step=30, t0=0, digits=6)).zfill(6)  # what the reviewer's app shows
    assert "Articles, review and the board" in sign_in(Client(), reviewer.username, code=code).content.decode()
    assert "Articles, review and the board" in sign_in(Client(), reviewer.username, code=codes[0]).content.decode()
