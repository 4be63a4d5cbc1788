"""Articles: one clinical question, its answer sections, citations and revisions."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from markdownx.models import MarkdownxField

from qa_site.text import no_control_characters
from references.models import Reference

from .pipeline import CITATION_KEY


class Audience(models.TextChoices):
    """Who the reader is; editors may write a version of a section for each."""

    PATIENT = "patient", "Patient"
    CAREGIVER = "caregiver", "Caregiver"
    STUDENT = "student", "Medical student"
    PROFESSIONAL = "professional", "Healthcare professional"


DEFAULT_AUDIENCE = "default"
PLAIN_LANGUAGE_AUDIENCES = (Audience.PATIENT, Audience.CAREGIVER)


class Status(models.TextChoices):
    """Review status of the article's current revision (written only by reviews.services)."""

    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    UNDER_REVIEW = "under_review", "Under Review"
    APPROVED = "approved", "Approved"


class QuestionType(models.TextChoices):
    """The kind of question an article answers (MedQuAD's question types)."""

    INFORMATION = "information", "what it is"
    CAUSES = "causes", "causes"
    SYMPTOMS = "symptoms", "symptoms"
    EXAMS = "exams and tests", "tests and diagnosis"
    TREATMENT = "treatment", "treatment"
    PREVENTION = "prevention", "prevention"
    OUTLOOK = "outlook", "outlook"
    COMPLICATIONS = "complications", "complications"
    STAGES = "stages", "stages"
    SUSCEPTIBILITY = "susceptibility", "who is at risk"
    FREQUENCY = "frequency", "how common it is"
    INHERITANCE = "inheritance", "inheritance"
    GENETIC_CHANGES = "genetic changes", "genetic changes"
    CONSIDERATIONS = "considerations", "living with it"
    RESEARCH = "research", "research and clinical trials"
    SUPPORT = "support groups", "support groups"


class ChangeSize(models.TextChoices):
    """How much an approved update changed, as the editor judges it for readers."""

    MINOR = "minor", "Minor wording"
    EVIDENCE = "evidence", "New evidence"
    RECOMMENDATION = "recommendation", "Changed recommendation"


class Topic(models.Model):
    name = models.CharField(max_length=200, unique=True, validators=[no_control_characters])
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True, help_text="One or two plain sentences shown on the topic page.", validators=[no_control_characters])

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:topic", args=[self.slug])


class ArticleQuerySet(models.QuerySet):
    def public(self):
        """What any reader may see: articles with a published revision (approved, or submitted and pending review)."""
        return self.filter(published_revision__isnull=False)

    def answered(self):
        """Public articles whose published text answers the question (readers are only ever sent to these)."""
        return self.public().filter(published_has_answer=True)

    def approved(self):
        """Articles with approved content live."""
        return self.filter(live_revision__isnull=False)

    def visible_to(self, user):
        """Staff who may view articles also see private drafts; everyone else sees public()."""
        if user.is_authenticated and user.has_perm("articles.view_article"):
            return self.all()
        return self.public()

    def overdue_for_review(self, today):
        return self.approved().filter(next_review_due__lt=today)


# Written only by reviews.services (status and revision pointers) and articles.publishing (the
# published copy), always with QuerySet.update(); Article.save() never writes them.
WORKFLOW_FIELDS = (
    "status", "current_revision", "live_revision", "last_reviewed_at", "last_reviewed_by",
    "last_reviewed_by_display", "next_review_due", "evidence_current_through",
)  # fmt: skip
PUBLISHED_FIELDS = (
    "published_revision", "published_at", "published_question", "published_summary", "published_body",
    "published_topic", "published_is_demo", "published_has_answer",
    "published_focus", "published_focus_synonyms", "published_question_type",
)  # fmt: skip


class Article(models.Model):
    """One clinical question and its answer.

    The editable fields (question, summary, topic, sections, citations…) are the editors'
    working copy. Readers never see them directly: they see the published revision, copied
    into the ``published_*`` fields by ``articles.publishing`` whenever the review workflow
    moves (see the README, "Medical review").
    """

    question = models.CharField(
        max_length=300,
        help_text="The clinical question this article answers, as a reader would ask it. Shown as the page title.",
        validators=[no_control_characters],
    )
    slug = models.SlugField(max_length=200, unique=True, help_text="The address: /articles/this-slug/. Never change it once the article is public.")
    summary = models.TextField(
        blank=True,
        help_text="Two or three plain sentences: the short answer, used in search results and link previews.",
        validators=[no_control_characters],
    )
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False)
    is_demo = models.BooleanField(
        "demo content",
        default=False,
        help_text="Demo content is labelled as such on the page. Untick only for content written for real readers.",
    )
    credit = models.CharField(
        max_length=500,
        blank=True,
        help_text="Licence and source credit shown under the answer, e.g. for text reused under CC BY.",
        validators=[no_control_characters],
    )
    external_id = models.CharField(
        max_length=100,
        blank=True,
        editable=False,
        help_text="Identifier of imported content (e.g. “medquad:CancerGov:0000001_1-1”), so a re-import updates in place.",
    )
    focus = models.CharField(
        max_length=200,
        blank=True,
        help_text="What the question is about, by its usual name: a condition, drug, test or topic (e.g. “Deep vein thrombosis”).",
    )
    focus_synonyms = models.TextField(
        blank=True,
        help_text="Other names readers use for the focus, one per line: abbreviations (DVT), lay names (blood clot in the leg), older names.",
    )
    question_type = models.CharField(
        max_length=30,
        choices=QuestionType.choices,
        blank=True,
        help_text="The kind of question the article answers; follow-up questions asking the same kind about the same focus find it first.",
    )
    related_questions = models.ManyToManyField(
        "self", through="RelatedQuestion", symmetrical=False, related_name="+", blank=True
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    # Workflow state, written by reviews.services only.
    current_revision = models.ForeignKey(
        "ArticleRevision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    live_revision = models.ForeignKey(
        "ArticleRevision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    last_reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    last_reviewed_by_display = models.CharField(max_length=300, blank=True, editable=False)
    next_review_due = models.DateField(null=True, blank=True, editable=False)
    # UpToDate's "Literature review current through": the month the reviewer confirmed at approval.
    evidence_current_through = models.DateField(null=True, blank=True, editable=False)
    # What the next approval will tell readers in the public change log (cleared when it is logged).
    change_size = models.CharField(
        "size of this change",
        max_length=30,
        blank=True,
        choices=ChangeSize.choices,
        help_text="For the public change log, when this update is approved.",
    )
    change_summary = models.CharField(
        "what changed, in one line",
        max_length=200,
        blank=True,
        help_text="For the public change log, e.g. “Adds the 2024 trial of lutetium-177 dotatate.” Plain words.",
    )
    # Optimistic locking: bumped on every save from the admin.
    lock_version = models.PositiveIntegerField(default=0, editable=False)

    # The published copy: what every public page, list, feed and search reads. Derived from the
    # published revision (the live one, or before any approval the one pending review) by
    # articles.publishing when reviews.services sends publication_changed. On PostgreSQL a
    # generated tsvector column with a GIN index is built from question, summary and body.
    published_revision = models.ForeignKey(
        "ArticleRevision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    published_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the text readers see last changed (“Recently updated”)."
    )
    published_question = models.TextField(blank=True, editable=False)
    published_summary = models.TextField(blank=True, editable=False)
    published_body = models.TextField(blank=True, editable=False)
    published_topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="published_articles", editable=False
    )
    published_is_demo = models.BooleanField(default=False, editable=False)
    # Related questions as readers see them (the editors' choices, then similar articles), stored
    # by articles.related when content is published; None until first computed (bulk imports).
    published_related = models.JSONField(null=True, blank=True, default=None, editable=False)
    published_has_answer = models.BooleanField(
        default=False, editable=False, help_text="The published revision has answer sections (not just a question)."
    )
    # What follow-up matching reads and tells the reader ("About Deep Vein Thrombosis: causes").
    published_focus = models.CharField(max_length=200, blank=True, editable=False)
    published_focus_synonyms = models.TextField(blank=True, editable=False)
    published_question_type = models.CharField(max_length=30, choices=QuestionType.choices, blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["question"]
        indexes = [
            models.Index(fields=["status"], name="article_status_idx"),
            models.Index(fields=["next_review_due"], name="article_review_due_idx"),
            # Home's "Recently updated": without it, every home view sorts all 16,000 articles.
            models.Index(
                fields=["-published_at"], name="article_published_at_idx", condition=Q(published_revision__isnull=False)
            ),
            # Home's "Recently reviewed": only approved articles, newest review first.
            models.Index(
                fields=["-last_reviewed_at"], name="article_reviewed_idx", condition=Q(live_revision__isnull=False)
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["external_id"], condition=~Q(external_id=""), name="article_unique_external_id"),
        ]

    def __str__(self):
        return self.question

    def get_absolute_url(self):
        return reverse("articles:detail", args=[self.slug])

    def save(self, *args, **kwargs):
        """Save the working copy; the workflow and published fields are never written from here."""
        if self._state.adding:
            if self.status != Status.DRAFT or any(
                getattr(self, f"{name}_id") for name in ("current_revision", "live_revision", "published_revision")
            ):
                raise ValueError("A new article starts as a Draft with no revision: reviews.services records its content.")
        elif kwargs.get("update_fields") is None:
            protected = {*WORKFLOW_FIELDS, *PUBLISHED_FIELDS}
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.name not in protected
            ]
        else:
            written = {*kwargs["update_fields"]} & {*WORKFLOW_FIELDS, *PUBLISHED_FIELDS}
            if written:
                raise ValueError(f"{', '.join(sorted(written))}: written by reviews.services only.")
        super().save(*args, **kwargs)

    @property
    def displayed_revision(self):
        """What the page shows: the published revision; for staff previewing a private draft, its latest."""
        return self.published_revision or self.current_revision

    @property
    def public_status(self):
        """The status readers are shown: approved content stays approved while an update is reviewed."""
        return Status.APPROVED if self.live_revision_id else self.status

    @property
    def update_under_review(self):
        return bool(
            self.live_revision_id
            and self.current_revision_id != self.live_revision_id
            and self.status in (Status.SUBMITTED, Status.UNDER_REVIEW)
        )


class AnswerSection(models.Model):
    """One part of the answer, in a fixed order: guidelines, then research, then a trusted source."""

    class Kind(models.IntegerChoices):
        GUIDELINES = 1, "From the Guidelines"
        RESEARCH = 2, "From the Research"
        SOURCE = 3, "From a trusted source"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sections")
    kind = models.PositiveSmallIntegerField(choices=Kind.choices)
    source_name = models.CharField(
        max_length=200,
        blank=True,
        help_text="For “From a trusted source” only: the source as it should read after “From”, "
        "e.g. “the National Cancer Institute”.",
        validators=[no_control_characters],
    )
    body = MarkdownxField(
        "text for everyone",
        help_text="Markdown. Cite with [@key] or [@key1; @key2]; keys are those of the references attached below.",
        validators=[no_control_characters],
    )
    body_patient = MarkdownxField("patient version", blank=True, help_text="Plain language, grade 8 or below. Optional.", validators=[no_control_characters])
    body_caregiver = MarkdownxField("caregiver version", blank=True, help_text="Plain language, grade 8 or below. Optional.", validators=[no_control_characters])
    body_student = MarkdownxField("medical student version", blank=True, help_text="Optional.", validators=[no_control_characters])
    body_professional = MarkdownxField("healthcare professional version", blank=True, help_text="Optional.", validators=[no_control_characters])

    class Meta:
        ordering = ["kind"]
        constraints = [models.UniqueConstraint(fields=["article", "kind"], name="section_one_per_kind")]

    def __str__(self):
        return self.heading

    @property
    def heading(self):
        if self.kind == self.Kind.SOURCE and self.source_name:
            return f"From {self.source_name}"
        return self.get_kind_display()

    def clean(self):
        if self.kind == self.Kind.SOURCE and not self.source_name.strip():
            raise ValidationError({"source_name": "Name the source this answer is taken from."})

    def versions(self):
        """The texts of this section: the default and each audience version written."""
        texts = {DEFAULT_AUDIENCE: self.body}
        for audience in Audience.values:
            text = getattr(self, f"body_{audience}")
            if text.strip():
                texts[audience] = text
        return texts


CITATION_KEY_VALIDATOR = RegexValidator(
    re.compile(rf"^{CITATION_KEY}\Z"),
    "A key starts with a letter, digit or underscore and has no spaces, e.g. “nccn2018”.",
)


class Citation(models.Model):
    """A reference attached to an article under a short key that the text cites as [@key]."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="citations")
    reference = models.ForeignKey(Reference, on_delete=models.PROTECT, related_name="citations")
    key = models.CharField(
        max_length=60,
        validators=[CITATION_KEY_VALIDATOR],
        help_text="Short name used in the text as [@key], e.g. “nccn2018”.",
    )
    retraction_noted = models.BooleanField(
        "text says it is retracted",
        default=False,
        help_text="For a retracted paper: tick once the text tells readers it was retracted (and why it is still cited).",
    )

    class Meta:
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(fields=["article", "key"], name="citation_unique_key"),
            models.UniqueConstraint(fields=["article", "reference"], name="citation_unique_reference"),
        ]

    def __str__(self):
        return f"[@{self.key}]"


class RelatedQuestion(models.Model):
    """An editor's choice of a related article, in the editor's order."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_links")
    related = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "related"], name="related_unique"),
            models.CheckConstraint(condition=~Q(article=F("related")), name="related_not_self"),
        ]

    def __str__(self):
        return str(self.related)


class SearchSynonym(models.Model):
    """A reader's word and the words our articles use for it, so search finds both (e.g. carcinoid → neuroendocrine)."""

    term = models.CharField(
        max_length=100, unique=True, help_text="The word or phrase a reader may type, e.g. “carcinoid” or “heart attack”."
    )
    alternatives = models.CharField(
        max_length=300,
        help_text="What our articles may call it instead, separated by commas, e.g. “neuroendocrine”.",
    )

    class Meta:
        ordering = ["term"]

    def __str__(self):
        return f"{self.term} → {self.alternatives}"

    def save(self, *args, **kwargs):
        self.term = " ".join(self.term.lower().split())
        super().save(*args, **kwargs)

    @property
    def alternative_list(self):
        return [" ".join(a.lower().split()) for a in self.alternatives.split(",") if a.strip()]


class RecordModel(models.Model):
    """A row that is written once and kept for ever: saving it again or deleting it is refused."""

    record_kind = "This record"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(f"{self.record_kind} is kept as it was written; it is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(f"{self.record_kind} is kept for ever; it is never deleted.")


class ArticleRevision(RecordModel):
    """An immutable snapshot of an article's content, with the HTML rendered from it."""

    record_kind = "A revision, the record of what was written and reviewed,"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    content_hash = models.CharField(max_length=64)
    question = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    # What the editors wrote: sections (per audience) and citations, for diffs and re-rendering.
    source = models.JSONField()
    # Derived from source by articles.pipeline: per-audience sections HTML and reference list.
    rendered = models.JSONField()
    # Flesch-Kincaid grade of each section version, e.g. {"2": {"default": 11.2, "patient": 7.9}}.
    reading_levels = models.JSONField(default=dict)
    plain_text = models.TextField(blank=True, help_text="Text of the default version, for search.")
    plain_language_grade = models.FloatField(
        null=True,
        blank=True,
        help_text="Highest grade among the patient and caregiver versions (none written: empty); above 8 is flagged.",
    )

    class Meta:
        ordering = ["article", "-number"]
        get_latest_by = "number"
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="revision_unique_number")]

    def __str__(self):
        return f"Revision {self.number} of “{self.question}”"

    @property
    def has_answer(self):
        return bool(self.rendered.get("audiences", {}).get(DEFAULT_AUDIENCE, {}).get("sections"))

    def page_for(self, audience):
        """Sections and references for a reader: their audience's version, else the default."""
        audiences = self.rendered.get("audiences", {})
        return audiences.get(audience) or audiences.get(DEFAULT_AUDIENCE) or {"sections": [], "references": []}


class FocusName(models.Model):
    """One name an article's focus goes by (its focus or a synonym), normalised, for follow-up matching.

    Derived from the published focus and synonyms (never the working copy) by articles.understanding.refresh_focus_names.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="focus_names")
    name = models.CharField(max_length=300, help_text="Lower case, punctuation removed, single spaces.")
    is_abbreviation = models.BooleanField(default=False, help_text="Written in capitals (DVT): matched only as written.")

    class Meta:
        indexes = [models.Index(fields=["name"], name="focusname_name_idx")]

    def __str__(self):
        return self.name


class FocusSpelling(models.Model):
    """Each name of the focus dictionary once (abbreviations excepted), for the close-spelling lookup.

    FocusName holds a name once per article (some 66,000 rows for 15,000 names), so pg_trgm found
    and rechecked each name many times over. Kept by articles.understanding.refresh_focus_names; a
    spelling whose articles have gone finds nothing, as the lookup goes back to FocusName for them.
    """

    name = models.CharField(max_length=300, unique=True)

    def __str__(self):
        return self.name


class FollowUpQuestion(models.Model):
    """A reader's follow-up question, kept for the editors; never published unreviewed."""

    class State(models.TextChoices):
        NEW = "new", "New"
        ANSWERED = "answered", "Answered"
        DISMISSED = "dismissed", "Dismissed"

    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_up_questions")
    text = models.TextField(validators=[no_control_characters])
    audience = models.CharField(max_length=20, choices=Audience.choices, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.NEW)
    created = models.DateTimeField(auto_now_add=True)
    client_hash = models.CharField(max_length=64, blank=True, help_text="Hashed client address, for rate limiting only.")
    answer_article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="The article written from it."
    )

    class Meta:
        ordering = ["-created"]
        indexes = [
            models.Index(fields=["client_hash", "created"], name="followup_client_idx"),
            # The site-wide hourly count and the retention purge read by date.
            models.Index(fields=["created"], name="followup_created_idx"),
        ]

    def __str__(self):
        return self.text[:80]


class ChangeLogEntry(RecordModel):
    """One line of an article's public change log: a revision that went live on approval."""

    record_kind = "A change log entry, part of the public record,"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="change_log")
    revision = models.OneToOneField(ArticleRevision, on_delete=models.PROTECT, related_name="change_log_entry")
    went_live = models.DateTimeField()
    reviewer = models.CharField(max_length=300, help_text="The approving board member, as shown on the page.")
    size = models.CharField(max_length=30, choices=ChangeSize.choices, blank=True)
    summary = models.CharField(max_length=200, blank=True)
    first_publication = models.BooleanField(default=False)
    evidence_current_through = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-went_live", "-id"]
        verbose_name_plural = "change log entries"
        indexes = [models.Index(fields=["article", "-went_live"], name="changelog_article_idx")]

    def __str__(self):
        return f"{self.went_live:%Y-%m-%d}: {self.summary or self.get_size_display()}"

    @property
    def is_major(self):
        return self.size == ChangeSize.RECOMMENDATION

    @property
    def headline(self):
        """The entry in a few words: the editor's line, else the kind of change."""
        if self.summary:
            return self.summary
        if self.first_publication:
            return "First published after review."
        return f"{self.get_size_display()}."
