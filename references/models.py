"""Sources that articles cite: one row per source, shared by every article that cites it."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q

from qa_site.text import no_control_characters

from . import formatting

DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")
PMCID_PATTERN = re.compile(r"^PMC\d+$")
DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:")


def normalize_doi(value):
    """Return a DOI without resolver prefix and in lower case ("10.1000/xyz")."""
    value = (value or "").strip()
    for prefix in DOI_PREFIXES:
        if value.lower().startswith(prefix):
            value = value[len(prefix):]
    return value.strip().lower()


class ReferenceQuerySet(models.QuerySet):
    def find_existing(self, *, doi="", pmid=""):
        """The row already holding this DOI or PMID, if any: one source is one row."""
        doi = normalize_doi(doi)
        pmid = (pmid or "").strip()
        if not doi and not pmid:
            return None
        condition = Q()
        if doi:
            condition |= Q(doi=doi)
        if pmid:
            condition |= Q(pmid=pmid)
        return self.filter(condition).first()


class Reference(models.Model):
    class Kind(models.TextChoices):
        GUIDELINE = "guideline", "Guideline"
        STUDY = "study", "Study"
        REVIEW = "review", "Review"
        OTHER = "other", "Other"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    authors = models.CharField(
        max_length=1000,
        blank=True,
        help_text="As in the source, AMA style: “Smith AB, Jones CD”. Leave blank if the source names none; never guess.",
        validators=[no_control_characters],
    )
    title = models.CharField(max_length=500, help_text="Title of the article, guideline or web page.", validators=[no_control_characters])
    container = models.CharField(
        "journal or publisher",
        max_length=300,
        blank=True,
        help_text="Journal name (abbreviated as in PubMed where possible), or the publisher of a guideline or page.",
        validators=[no_control_characters],
    )
    year = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Year of publication, if the source gives it.")
    volume = models.CharField(max_length=30, blank=True, validators=[no_control_characters])
    issue = models.CharField(max_length=30, blank=True, validators=[no_control_characters])
    pages = models.CharField(max_length=50, blank=True, help_text="Page range, e.g. “123-130”, or an article number.", validators=[no_control_characters])
    doi = models.CharField(
        "DOI",
        max_length=200,
        blank=True,
        help_text="Only a DOI you have checked in the source, e.g. “10.6004/jnccn.2018.0056”. Prefixes are removed.",
    )
    pmid = models.CharField(
        "PMID", max_length=12, blank=True, help_text="PubMed identifier, digits only, only if verified in PubMed."
    )
    url = models.URLField(
        "URL",
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="Link to the source page (http or https), if it is on the web.",
    )
    accessed = models.DateField(null=True, blank=True, help_text="For web pages: the date the page was read.")
    pmcid = models.CharField(
        "PMCID", max_length=20, blank=True, help_text="PubMed Central identifier, e.g. “PMC1234567”, only if verified."
    )
    # Retraction: set by an editor (or a Retraction Watch CSV the editor supplies), never looked up.
    is_retracted = models.BooleanField(
        "retracted",
        default=False,
        help_text="Tick when the paper has been retracted. Readers see it flagged; an article citing it cannot be "
        "approved until its citation says so.",
    )
    retraction_note = models.CharField(
        max_length=300,
        blank=True,
        help_text="Where the retraction is recorded, e.g. the retraction notice’s DOI or the journal’s notice.",
    )
    # Link check: written by `manage.py check_reference_links`, never by hand.
    link_checked_at = models.DateTimeField("link last checked", null=True, blank=True, editable=False)
    link_status = models.PositiveSmallIntegerField(
        "link HTTP status", null=True, blank=True, editable=False, help_text="Final HTTP status of the last check."
    )
    link_error = models.CharField("link problem", max_length=200, blank=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["doi"], condition=~Q(doi=""), name="reference_unique_doi"),
            models.UniqueConstraint(fields=["pmid"], condition=~Q(pmid=""), name="reference_unique_pmid"),
        ]
        indexes = [models.Index(fields=["url"], name="reference_url_idx")]

    def __str__(self):
        year = f" ({self.year})" if self.year else ""
        return f"{self.title}{year}"

    def clean(self):
        self.doi = normalize_doi(self.doi)
        self.pmid = (self.pmid or "").strip()
        self.pmcid = (self.pmcid or "").strip().upper()
        errors = {}
        if self.doi and not DOI_PATTERN.match(self.doi):
            errors["doi"] = "A DOI starts with “10.” followed by a registrant code, a slash and a suffix."
        if self.pmid and not self.pmid.isdigit():
            errors["pmid"] = "A PMID is digits only."
        if self.pmcid and not PMCID_PATTERN.match(self.pmcid):
            errors["pmcid"] = "A PMCID is “PMC” followed by digits, e.g. “PMC1234567”."
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.doi = normalize_doi(self.doi)
        self.pmid = (self.pmid or "").strip()
        self.pmcid = (self.pmcid or "").strip().upper()
        super().save(*args, **kwargs)

    @property
    def doi_url(self):
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def link_is_broken(self):
        """The last check found the URL dead (4xx/5xx, or no answer)."""
        return self.link_checked_at is not None and (self.link_status is None or self.link_status >= 400)

    @property
    def pmc_url(self):
        return f"https://www.ncbi.nlm.nih.gov/pmc/articles/{self.pmcid}/" if self.pmcid else ""

    @property
    def pubmed_url(self):
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""

    def to_ama_html(self):
        """The reference in AMA style as safe HTML, with DOI and PubMed links where known."""
        return formatting.ama_html(self)
