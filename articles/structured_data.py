"""
schema.org JSON-LD for search engines, built as Python data and serialised with json.dumps.

It reads only what readers are shown: the displayed revision (its question, summary and the
reference snapshot it was rendered from) and the review fields set by approval; never the
editors' working copy. Nothing here is a string template, so no field can break out.
"""

import json

from django.utils.safestring import mark_safe

from .models import Audience, Status

# MedicalWebPage.specialty takes a MedicalSpecialty member: mapped from the reviewer's
# specialty where the words say which; anything else is left out rather than guessed.
SPECIALTIES = {
    "oncolog": "Oncologic",
    "cancer": "Oncologic",
    "endocrin": "Endocrine",
    "cardio": "Cardiovascular",
    "dermatol": "Dermatology",
    "gastro": "Gastroenterologic",
    "neurolog": "Neurologic",
    "pediatric": "Pediatric",
    "paediatric": "Pediatric",
    "psychiatr": "Psychiatric",
    "pulmon": "Pulmonary",
    "respirat": "Pulmonary",
    "rheumatol": "Rheumatologic",
    "infectious": "Infectious",
    "obstetric": "Obstetric",
    "gynecolog": "Gynecologic",
    "geriatric": "Geriatric",
    "emergency": "Emergency",
    "family medicine": "PrimaryCare",
    "general practice": "PrimaryCare",
    "primary care": "PrimaryCare",
    "nephrol": "Renal",
    "urolog": "Urologic",
    "hematol": "Hematologic",
    "haematol": "Hematologic",
    "pharmac": "Pharmacy",
}

# The audience version shown, as schema.org names it: Patient is a type, Clinician an enumeration member.
AUDIENCES = {
    Audience.PATIENT: {"@type": "Patient"},
    Audience.CAREGIVER: {"@type": "MedicalAudience", "audienceType": "Caregiver"},
    Audience.STUDENT: {"@type": "MedicalAudience", "audienceType": "Medical student"},
    Audience.PROFESSIONAL: "https://schema.org/Clinician",
}
GENERAL_AUDIENCE = {"@type": "MedicalAudience", "audienceType": "General public"}


def specialty_of(text):
    """The schema.org MedicalSpecialty IRI a free-text specialty names, or None."""
    lowered = (text or "").lower()
    for stem, member in SPECIALTIES.items():
        if stem in lowered:
            return f"https://schema.org/{member}"
    return None


def person(member, board_url):
    """A board member as a schema.org Person with credentials."""
    data = {"@type": "Person", "name": member.name, "url": f"{board_url}#member-{member.pk}"}
    if member.credentials:
        data["honorificSuffix"] = member.credentials
    if member.specialty:
        data["knowsAbout"] = member.specialty
    if member.is_demo:
        data["description"] = "Fictional board member of a demonstration site; not a medical reviewer."
    return data


def _reviewer(article, board_url):
    user = article.last_reviewed_by
    member = getattr(user, "board_member", None) if user is not None else None
    # The signature frozen at approval wins: a profile renamed since then did not sign this page.
    if member is not None and member.display_name == article.last_reviewed_by_display:
        return person(member, board_url)
    if article.last_reviewed_by_display:
        return {"@type": "Person", "name": article.last_reviewed_by_display}
    return None


def citation(reference):
    """One reference snapshot (fields as stored in the revision) as a ScholarlyArticle."""
    data = {"@type": "CreativeWork" if reference.get("kind") == "other" else "ScholarlyArticle", "name": reference["title"]}
    authors = [name.strip() for name in reference.get("authors", "").split(",") if name.strip()]
    if authors:
        data["author"] = [{"@type": "Person", "name": name} for name in authors]
    if reference.get("year"):
        data["datePublished"] = reference["year"]
    if reference.get("container"):
        data["publisher" if reference.get("kind") == "guideline" else "isPartOf"] = (
            {"@type": "Organization", "name": reference["container"]}
            if reference.get("kind") == "guideline"
            else {"@type": "Periodical", "name": reference["container"]}
        )
    identifiers, same_as = [], []
    if reference.get("doi"):
        identifiers.append({"@type": "PropertyValue", "propertyID": "DOI", "value": reference["doi"]})
        same_as.append(f"https://doi.org/{reference['doi']}")
    if reference.get("pmid"):
        identifiers.append({"@type": "PropertyValue", "propertyID": "PMID", "value": reference["pmid"]})
        same_as.append(f"https://pubmed.ncbi.nlm.nih.gov/{reference['pmid']}/")
    if identifiers:
        data["identifier"] = identifiers
        data["sameAs"] = same_as
    url = reference.get("url", "")
    if url.lower().startswith(("http://", "https://")):
        data["url"] = url
    elif same_as:
        data["url"] = same_as[0]
    return data


def article_data(*, article, revision, references, audience, shown_audience_version, page_url, site_url, site_name, board_url, topic_url=""):
    """The MedicalWebPage an article page describes, as plain data."""
    site = {"@type": "WebSite", "name": site_name, "url": site_url}
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "@id": page_url,
        "url": page_url,
        "name": revision.question,
        "headline": revision.question,
        "inLanguage": "en",
        "dateModified": revision.created.isoformat(),
        "isPartOf": site,
        "publisher": {"@type": "Organization", "name": site_name, "url": site_url},
        "medicalAudience": AUDIENCES.get(audience, GENERAL_AUDIENCE) if shown_audience_version else GENERAL_AUDIENCE,
    }
    if revision.summary:
        data["description"] = revision.summary
    if article.published_topic is not None:
        data["about"] = {"@type": "MedicalCondition", "name": article.published_topic.name, "url": topic_url}
    if revision.source.get("is_demo"):  # the demo label as published, like the page
        data["creativeWorkStatus"] = "Demo content: sample article for a demonstration site, not medical advice."
    if article.public_status == Status.APPROVED and article.last_reviewed_at:
        data["lastReviewed"] = article.last_reviewed_at.date().isoformat()
        reviewer = _reviewer(article, board_url)
        if reviewer is not None:
            data["reviewedBy"] = reviewer
            specialty = specialty_of(reviewer.get("knowsAbout", ""))
            if specialty:
                data["specialty"] = specialty
    snapshot = {c["key"]: c["reference"] for c in (revision.source or {}).get("citations", [])}
    cited = [citation(snapshot[r["key"]]) for r in references if r.get("key") in snapshot]
    if cited:
        data["citation"] = cited
    return data


def board_data(members, *, board_url, site_url, site_name):
    """The board page: its members as Persons, members of the site's organisation."""
    organisation = {"@type": "Organization", "name": site_name, "url": site_url}
    return {
        "@context": "https://schema.org",
        "@type": "AboutPage",
        "@id": board_url,
        "url": board_url,
        "name": "Medical Advisory Board",
        "inLanguage": "en",
        "isPartOf": {"@type": "WebSite", "name": site_name, "url": site_url},
        "mainEntity": [dict(person(member, board_url), memberOf=organisation) for member in members],
    }


def json_ld_script(data):
    """A <script type="application/ld+json"> element whose content cannot end the script early.

    "<", ">" and "&" become \\u escapes (so "</script>" and "<!--" cannot appear), and so do
    U+2028/U+2029, which older JavaScript parsers treat as line ends.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')
