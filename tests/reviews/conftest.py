import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """These tests create many accounts; a fast hasher keeps them quick (production keeps PBKDF2)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
