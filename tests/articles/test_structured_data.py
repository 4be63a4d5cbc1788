"""JSON-LD as a search engine reads it, checked against schema.org's own types and properties."""

import json

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from articles import structured_data
from articles.models import Article
from reviews.models import BoardMember
from tests.factories import make_approved_article, make_article, make_article_with_versions, make_topic

pytestmark = pytest.mark.django_db

# Properties schema.org allows on each type we emit, inherited ones included (checked on
# schema.org for each type: MedicalWebPage < WebPage < CreativeWork < Thing, and so on).
THING = {"@type", "@id", "@context", "name", "url", "description", "identifier", "sameAs", "disambiguatingDescription"}
CREATIVE_WORK = THING | {
    "headline", "author", "datePublished", "dateModified", "publisher", "isPartOf", "inLanguage", "citation",
    "about", "creativeWorkStatus", "mainEntity",
}
WEB_PAGE = CREATIVE_WORK | {"lastReviewed", "reviewedBy", "specialty"}
SCHEMA = {
    "MedicalWebPage": WEB_PAGE | {"medicalAudience"},
    "AboutPage": WEB_PAGE,
    "WebSite": CREATIVE_WORK,
    "ScholarlyArticle": CREATIVE_WORK,
    "CreativeWork": CREATIVE_WORK,
    "Periodical": CREATIVE_WORK,
    "Person": THING | {"honorificSuffix", "knowsAbout", "memberOf", "jobTitle"},
    "Organization": THING,
    "MedicalCondition": THING,
    "PropertyValue": THING | {"propertyID", "value"},
    "Patient": THING | {"audienceType"},
    "MedicalAudience": THING | {"audienceType"},
}
ENUMERATION_MEMBERS = {
    "medicalAudience": {"https://schema.org/Clinician"},
    "specialty": {f"https://schema.org/{m}" for m in set(structured_data.SPECIALTIES.values())},
}
HOSTILE = "Is </script><script>alert(1)</script> <!-- safe? \u2028\u2029 & \"quotes\""


def check_schema(node, path="root"):
    """Fail on any type or property schema.org does not define for that type."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            check_schema(item, f"{path}[{index}]")
        return
    if not isinstance(node, dict):
        return
    kind = node.get("@type")
    assert kind in SCHEMA, f"{path}: unknown type {kind!r}"
    for name, value in node.items():
        assert name in SCHEMA[kind], f"{path}: {kind} has no property {name!r}"
        if isinstance(value, str) and name in ENUMERATION_MEMBERS:
            assert value in ENUMERATION_MEMBERS[name], f"{path}.{name}: {value!r}"
        check_schema(value, f"{path}.{name}")


def json_ld_of(response):
    """Every JSON-LD block on the page, parsed as a search engine parses it."""
    soup = BeautifulSoup(response.content, "html.parser")
    return [json.loads(script.string) for script in soup.find_all("script", type="application/ld+json")]


def approved_with_board_member(**kwargs):
    """An approved article whose reviewer account is linked to a board member."""
    reviewer = get_user_model().objects.create_user(username="onc-reviewer", password="x")
    BoardMember.objects.create(user=reviewer, name="Ada Lovelace", credentials="MD, PhD", specialty="Medical oncology")
    article = make_approved_article(**kwargs)
    Article.objects.filter(pk=article.pk).update(last_reviewed_by=reviewer, last_reviewed_by_display="Ada Lovelace, MD, PhD")
    return article


def test_approved_article_is_a_medical_web_page_with_reviewer_dates_and_citations(client):
    """The seed-like page: question, topic, reviewer with credentials, dates, citations with DOI and PMID."""
    article = approved_with_board_member(
        question="What causes neuroendocrine tumors?",
        summary="Most have no known cause.",
        topic=make_topic("Neuroendocrine tumors"),
        guidelines="Guidance [@g].",
        research="A study [@s].",
        references={
            "g": {"title": "NCCN Guidelines: Neuroendocrine tumors", "kind": "guideline", "container": "NCCN", "year": 2024},
            "s": {"title": "Incidence of NETs", "authors": "Dasari A, Shen C", "container": "JAMA Oncol", "year": 2017, "doi": "10.1001/jamaoncol.2017.0589", "pmid": "28448665"},
        },
    )
    (data,) = json_ld_of(client.get(article.get_absolute_url()))
    check_schema(data)
    assert data["@type"] == "MedicalWebPage"
    assert data["name"] == data["headline"] == "What causes neuroendocrine tumors?"
    assert data["url"] == "http://testserver" + article.get_absolute_url()
    assert data["about"] == {"@type": "MedicalCondition", "name": "Neuroendocrine tumors", "url": "http://testserver/topics/neuroendocrine-tumors/"}
    assert data["lastReviewed"] == timezone.now().date().isoformat()
    assert data["reviewedBy"]["name"] == "Ada Lovelace" and data["reviewedBy"]["honorificSuffix"] == "MD, PhD"
    assert data["specialty"] == "https://schema.org/Oncologic"
    assert data["dateModified"].startswith(article.live_revision.created.date().isoformat())
    guideline, study = data["citation"]
    assert guideline["name"] == "NCCN Guidelines: Neuroendocrine tumors" and "identifier" not in guideline
    assert study["identifier"] == [
        {"@type": "PropertyValue", "propertyID": "DOI", "value": "10.1001/jamaoncol.2017.0589"},
        {"@type": "PropertyValue", "propertyID": "PMID", "value": "28448665"},
    ]
    assert study["sameAs"] == ["https://doi.org/10.1001/jamaoncol.2017.0589", "https://pubmed.ncbi.nlm.nih.gov/28448665/"]
    assert data["publisher"]["name"] == data["isPartOf"]["name"] == "ClinicalAnswers"


def test_unapproved_article_names_no_reviewer(client):
    """Before approval there is no lastReviewed, reviewedBy or specialty: nothing is claimed."""
    article = make_article(guidelines="Text.")
    (data,) = json_ld_of(client.get(article.get_absolute_url()))
    check_schema(data)
    assert not {"lastReviewed", "reviewedBy", "specialty"} & set(data)


def test_json_ld_reads_the_published_revision_not_the_working_copy(client):
    """An editor's unsaved-for-readers change of the question does not reach search engines."""
    article = make_approved_article("What is the published question?", guidelines="Text.")
    Article.objects.filter(pk=article.pk).update(question="An editor's draft question", summary="Draft summary")
    (data,) = json_ld_of(client.get(article.get_absolute_url()))
    assert data["name"] == "What is the published question?"
    assert "Draft" not in json.dumps(data)


def test_audience_shown_is_the_medical_audience(client):
    """A clinician reading the professional version gets Clinician; without that version, the general public."""
    article = make_article_with_versions(
        "How is hypothyroidism treated?", guidelines="Levothyroxine.", versions={"professional": "Titrate to TSH."}
    )
    client.cookies["audience"] = "professional"
    (data,) = json_ld_of(client.get(article.get_absolute_url()))
    assert data["medicalAudience"] == "https://schema.org/Clinician"
    client.cookies["audience"] = "patient"
    (data,) = json_ld_of(client.get(article.get_absolute_url()))
    assert data["medicalAudience"] == {"@type": "MedicalAudience", "audienceType": "General public"}


def test_hostile_values_cannot_end_the_script(client, xss_payloads):
    """A question, summary and reference full of markup stay inside the JSON-LD and read back exactly."""
    article = make_approved_article(
        HOSTILE,
        summary=xss_payloads[0] + " " + xss_payloads[-1],
        guidelines="See [@x].",
        references={"x": {"title": HOSTILE, "authors": "</script>, <!--"}},
    )
    response = client.get(article.get_absolute_url())
    body = response.content.decode()
    script = body[body.index('<script type="application/ld+json">') :]
    script = script[: script.index("</script>")]
    assert "<!--" not in script and "</" not in script[1:] and "\u2028" not in script
    (data,) = json_ld_of(response)
    check_schema(data)
    assert data["name"] == HOSTILE
    assert data["description"] == xss_payloads[0] + " " + xss_payloads[-1]
    assert data["citation"][0]["name"] == HOSTILE
    soup = BeautifulSoup(body, "html.parser")
    assert [s.get("type") for s in soup.find_all("script")] == ["application/ld+json"]


def test_board_page_lists_members_as_persons(client):
    """The board page describes each active member as a Person with credentials; demo members say so."""
    BoardMember.objects.create(name="Grace Hopper", credentials="MD", specialty="Endocrinology", position=1)
    BoardMember.objects.create(name="Demo Reviewer", credentials="MD", is_demo=True, position=2)
    BoardMember.objects.create(name="Former Member", credentials="MD", is_active=False)
    (data,) = json_ld_of(client.get(reverse("reviews:board")))
    check_schema(data)
    assert [(p["@type"], p["name"], p["honorificSuffix"]) for p in data["mainEntity"]] == [
        ("Person", "Grace Hopper", "MD"),
        ("Person", "Demo Reviewer", "MD"),
    ]
    assert "Fictional" in data["mainEntity"][1]["description"]


def test_canonical_and_open_graph_tags(client):
    """An approved article names its one address and its link preview; search results name none."""
    article = make_approved_article("Can thyroid tablets be taken with coffee?", summary="Wait an hour.", guidelines="Text.")
    soup = BeautifulSoup(client.get(article.get_absolute_url() + "?utm_source=x").content, "html.parser")
    url = "http://testserver" + article.get_absolute_url()
    assert soup.find("link", rel="canonical")["href"] == url
    meta = {m.get("property") or m.get("name"): m["content"] for m in soup.find_all("meta") if m.get("content")}
    assert meta["og:url"] == url and meta["og:type"] == "article"
    assert meta["og:title"] == "Can thyroid tablets be taken with coffee?"
    assert meta["og:description"] == "Wait an hour."
    assert meta["twitter:card"] == "summary"
    assert "robots" not in meta
    assert soup.find("html")["lang"] == "en"
    search = BeautifulSoup(client.get("/search/?q=thyroid").content, "html.parser")
    assert search.find("link", rel="canonical") is None
    assert search.find("meta", attrs={"name": "robots"})["content"] == "noindex"


def test_site_url_setting_gives_the_public_origin(client, settings):
    """Behind a proxy, SITE_URL makes canonical and JSON-LD addresses the public ones."""
    settings.SITE_URL = "https://answers.example.org"
    article = make_approved_article(guidelines="Text.")
    response = client.get(article.get_absolute_url())
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("link", rel="canonical")["href"] == "https://answers.example.org" + article.get_absolute_url()
    (data,) = json_ld_of(response)
    assert data["isPartOf"]["url"] == "https://answers.example.org/"


@pytest.mark.once
def test_specialty_is_left_out_when_unknown():
    """Free text maps to a MedicalSpecialty only when its words say which."""
    assert structured_data.specialty_of("Endocrinology and diabetes") == "https://schema.org/Endocrine"
    assert structured_data.specialty_of("Wellness coaching") is None


SEED = "/articles/what-is-the-likely-cause-of-neuroendocrine-tumors-nets/"


def test_seed_article_json_ld_cites_its_seven_sources_and_claims_no_review(client):
    """The seed page is pending review: a MedicalWebPage with its citations and date, no reviewer."""
    from django.core.management import call_command

    call_command("load_demo", stdout=open("/dev/null", "w"))
    (data,) = json_ld_of(client.get(SEED))
    check_schema(data)
    assert data["name"] == "What is the likely cause of neuroendocrine tumors (NETs)?"
    assert len(data["citation"]) == 7 and "dateModified" in data
    assert not {"lastReviewed", "reviewedBy"} & set(data)


def test_demo_approval_names_the_fictional_reviewer_as_such(client):
    """An NIH answer the demo reviewer approved: reviewedBy is that Person, described as fictional."""
    from django.core.management import call_command

    call_command("load_demo", "--with-demo-users", password="demo-password-1", stdout=open("/dev/null", "w"))
    approved = Article.objects.filter(live_revision__isnull=False).order_by("pk").first()
    (data,) = json_ld_of(client.get(approved.get_absolute_url()))
    check_schema(data)
    assert data["reviewedBy"]["@type"] == "Person"
    assert "Fictional" in data["reviewedBy"]["description"]
    assert data["lastReviewed"] == approved.last_reviewed_at.date().isoformat()
    assert data["creativeWorkStatus"].startswith("Demo content")


@pytest.mark.once
def test_every_xss_payload_stays_inside_the_script(xss_payloads):
    """All 6,613 payloads, as a question: the element has one end tag and the JSON reads back exactly."""
    for payload in xss_payloads:
        html = str(structured_data.json_ld_script({"@type": "MedicalWebPage", "name": payload}))
        body = html[len('<script type="application/ld+json">') : -len("</script>")]
        assert "<" not in body and ">" not in body, payload
        assert json.loads(body)["name"] == payload
