"""The Medical Advisory Board and the record of every review move."""

from django.conf import settings
from django.db import models

from articles.models import Article, ArticleRevision, RecordModel, Status
from qa_site.text import no_control_characters


class BoardMemberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class BoardMember(models.Model):
    """A member of the Medical Advisory Board, as readers see them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="board_member",
        help_text="The staff account this member reviews with. Only board administrators link accounts.",
    )
    name = models.CharField(max_length=200, help_text="As it should appear, e.g. “Jane Doe”.", validators=[no_control_characters])
    credentials = models.CharField(max_length=100, help_text="Degrees and certifications, e.g. “MD, FACP”.", validators=[no_control_characters])
    specialty = models.CharField(max_length=200, blank=True, help_text="e.g. “Medical oncology”.", validators=[no_control_characters])
    bio = models.TextField(blank=True, help_text="Two or three sentences: training, practice, interests. Plain text.", validators=[no_control_characters])
    disclosures = models.TextField(
        blank=True,
        help_text="Conflicts of interest readers should know (payments, grants, advisory roles), or “None declared”. "
        "Shown on the board page and beside each review this member signs.",
        validators=[no_control_characters],
    )
    is_active = models.BooleanField(default=True, help_text="Untick to remove from the board page; past reviews keep their name.")
    is_demo = models.BooleanField(default=False, help_text="A fictional member for the demo site; labelled as such.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the board page.")

    objects = BoardMemberQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        permissions = [("govern_board", "Can link board members to accounts and see the board's change log")]

    def __str__(self):
        return self.display_name

    def snapshot(self):
        """What readers and the workflow rely on, as plain data (for the change log)."""
        return {
            "name": self.name, "credentials": self.credentials, "specialty": self.specialty, "bio": self.bio,
            "disclosures": self.disclosures, "is_active": self.is_active, "is_demo": self.is_demo,
            "position": self.position, "user": self.user.get_username() if self.user_id else None,
        }  # fmt: skip

    @property
    def display_name(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name


class ReviewEvent(RecordModel):
    """One move in an article's review, kept for ever: who, when, from, to, why, which revision."""

    record_kind = "A review event, part of the audit trail,"

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        SUBMIT = "submit", "Submitted for review"
        START_REVIEW = "start_review", "Started review"
        REQUEST_CHANGES = "request_changes", "Requested changes"
        RESUBMIT = "resubmit", "Changes made, resubmitted"
        TAKE_OVER = "take_over", "Took over the review"
        APPROVE = "approve", "Approved"
        EDIT = "edit", "Edited"

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="review_events")
    revision = models.ForeignKey(ArticleRevision, on_delete=models.PROTECT, related_name="review_events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="review_events"
    )
    origin = models.CharField(
        max_length=100, blank=True, help_text="What made the move when no person did, e.g. “MedQuAD import”."
    )
    action = models.CharField(max_length=30, choices=Action.choices)
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    comment = models.TextField(blank=True, validators=[no_control_characters])
    signed_as = models.CharField(
        max_length=300, blank=True, help_text="On an approval: the board member's name and credentials as they were then."
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "id"]
        # The workflow's rights; see reviews/permissions.py. (Article lives in articles, so they live here.)
        permissions = [
            ("submit_article", "Can submit articles for review"),
            ("review_article", "Can start reviews and request changes"),
            ("approve_article", "Can approve articles (never their own revision)"),
        ]
        indexes = [models.Index(fields=["article", "created"], name="reviewevent_article_idx")]

    def __str__(self):
        return f"{self.get_action_display()} by {self.actor_name} on {self.created:%Y-%m-%d %H:%M}"

    @property
    def actor_name(self):
        """Who made the move: the person, else the process named in `origin`."""
        if self.actor_id:
            return self.actor.get_full_name() or self.actor.get_username()
        return self.origin or "the system"



class BoardMemberChange(RecordModel):
    """One change to a board member's profile: who made it, when, and the profile before and after."""

    record_kind = "A change of a board member's profile, part of the board's record,"

    member = models.ForeignKey(BoardMember, null=True, on_delete=models.SET_NULL, related_name="changes")
    member_name = models.CharField(max_length=300, help_text="The member as named after the change (kept if the profile is deleted).")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    before = models.JSONField(null=True, blank=True, help_text="Empty when the profile was created.")
    after = models.JSONField(null=True, blank=True, help_text="Empty when the profile was deleted.")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self):
        return f"{self.member_name}: changed by {self.actor} on {self.created:%Y-%m-%d %H:%M}"

    @property
    def changed_fields(self):
        """The names of the fields whose value differs between before and after."""
        before, after = self.before or {}, self.after or {}
        return sorted(name for name in {*before, *after} if before.get(name) != after.get(name))
