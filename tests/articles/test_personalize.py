"""“Which best describes you?”: a plain form POST, a cookie for a year, the reader's version and disclaimer."""

import pytest
from django.test import Client

from articles.audience import COOKIE_MAX_AGE
from tests.factories import make_article_with_versions

pytestmark = pytest.mark.django_db

PATIENT_TEXT = "Your doctor will check your blood sugar."
PROFESSIONAL_TEXT = "Measure HbA1c and fasting plasma glucose."
DEFAULT_TEXT = "Diagnosis uses blood tests for glucose."


@pytest.fixture
def article():
    return make_article_with_versions(
        "How is diabetes diagnosed?",
        guidelines=DEFAULT_TEXT,
        versions={"patient": PATIENT_TEXT, "professional": PROFESSIONAL_TEXT},
    )


def choose(client, audience, next_url="/"):
    return client.post("/personalize/", {"audience": audience, "next": next_url})


def test_choosing_patient_sets_a_year_long_cookie_and_returns_to_the_page(client, article):
    """Without JavaScript the choice is a POST that sets the cookie and redirects back."""
    response = choose(client, "patient", article.get_absolute_url() + "#personalize")
    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url() + "#personalize"
    cookie = response.cookies["audience"]
    assert cookie.value == "patient"
    assert int(cookie["max-age"]) == COOKIE_MAX_AGE == 365 * 24 * 3600
    assert cookie["samesite"] == "Lax"


def test_the_page_shows_the_patient_version_and_plain_disclaimer(client, article):
    """After choosing Patient, the text and the disclaimer are those written for patients."""
    choose(client, "patient")
    html = client.get(article.get_absolute_url()).content.decode()
    assert PATIENT_TEXT in html and DEFAULT_TEXT not in html
    assert "It is not a diagnosis and does not replace advice from a doctor" in html
    assert "intended for healthcare professionals" not in html
    assert 'aria-pressed="true">Patient</button>' in html


def test_professional_sees_professional_version_and_clinical_disclaimer(client, article):
    choose(client, "professional")
    html = client.get(article.get_absolute_url()).content.decode()
    assert PROFESSIONAL_TEXT in html and PATIENT_TEXT not in html
    assert "intended for healthcare professionals" in html


def test_an_audience_without_a_version_falls_back_to_the_default_text(client, article):
    """A caregiver gets the text for everyone, told so, with the plain disclaimer."""
    choose(client, "caregiver")
    html = client.get(article.get_absolute_url()).content.decode()
    assert DEFAULT_TEXT in html and PATIENT_TEXT not in html
    assert "no version written for caregivers yet" in html
    assert "the person you care for" in html


def test_everyone_resets_the_choice(client, article):
    """Choosing “Everyone” deletes the cookie and the default text returns."""
    choose(client, "patient")
    response = choose(client, "")
    assert response.cookies["audience"].value == ""
    assert response.cookies["audience"]["max-age"] == 0
    html = client.get(article.get_absolute_url()).content.decode()
    assert DEFAULT_TEXT in html and PATIENT_TEXT not in html
    # "Everyone" is a neutral reader: neither the clinician's wording nor the patient's.
    assert "general medical information drawn from clinical guidelines and research" in html
    assert "intended for healthcare professionals" not in html


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", ""])
def test_the_return_address_must_be_on_this_site(client, next_url):
    """An open redirect would let anyone bounce readers to a fake site."""
    response = choose(client, "patient", next_url)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_an_unknown_audience_is_refused_with_a_message(client):
    response = choose(client, "astronaut")
    assert response.status_code == 400
    assert "That choice is not one we know" in response.content.decode()
    assert "audience" not in response.cookies


def test_a_tampered_cookie_is_ignored(client, article):
    client.cookies["audience"] = "<script>alert(1)</script>"
    html = client.get(article.get_absolute_url()).content.decode()
    assert DEFAULT_TEXT in html
    assert "<script>alert(1)" not in html


def test_the_choice_is_shown_on_every_page(client, article):
    """The header says who the reader is reading as, on the home, search and policy pages too."""
    choose(client, "student")
    for url in ("/", "/search/?q=diabetes", "/editorial-policy/", "/medical-advisory-board/", "/disclaimer/"):
        html = client.get(url).content.decode()
        assert "Reading as: <strong>Medical student</strong>" in html, url
    assert "Reading as: <strong>Everyone</strong>" in Client().get("/").content.decode()


def test_the_personalize_page_works_without_javascript(client):
    """The header link leads to a page with the same buttons."""
    response = client.get("/personalize/?next=/search/")
    html = response.content.decode()
    assert response.status_code == 200
    for label in ("Patient", "Caregiver", "Medical student", "Healthcare professional", "Everyone"):
        assert f">{label}</button>" in html
    assert 'name="next" value="/search/"' in html


def test_the_form_is_csrf_protected(article):
    """A POST without the CSRF token is refused."""

    response = Client(enforce_csrf_checks=True).post("/personalize/", {"audience": "patient", "next": "/"})
    assert response.status_code == 403
