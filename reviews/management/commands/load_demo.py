"""Load the demo content: the seed article, its related questions, NIH answers and demo board members."""

import json
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.text import slugify

from articles.importing import get_topic, medquad_reference
from articles.models import AnswerSection, Article, Citation, RelatedQuestion, Status
from references.models import Reference
from reviews import services
from reviews.imports import import_medquad_row
from reviews.models import BoardMember
from reviews.permissions import EDITORS_GROUP, REVIEWERS_GROUP

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SEED_FILE = FIXTURES / "demo" / "seed-article.json"
MEDQUAD_DEMO_FILE = FIXTURES / "medquad-demo.jsonl"
# Demo staff accounts (only with --with-demo-users): username -> (group, demo board member name or None).
DEMO_USERS = {
    "demo-editor": (EDITORS_GROUP, None),
    "demo-reviewer": (REVIEWERS_GROUP, "Demo Reviewer"),
    "demo-specialist": (REVIEWERS_GROUP, "Demo Specialist"),
}
# NIH answers the fictional Demo Reviewer "approves" so the demo shows the Approved state.
DEMO_APPROVALS = 3
DEMO_APPROVAL_COMMENT = "Demo approval by a fictional board member, to show the workflow. Not a medical review."
DEMO_ORIGIN = "Demo content loader"


class Command(BaseCommand):
    help = "Load the demo content (idempotent: running it again changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--with-demo-users",
            action="store_true",
            help="Also create the staff accounts demo-editor, demo-reviewer and demo-specialist, link the last two "
            "to the demo board members, and have the fictional Demo Reviewer approve a few NIH demo answers.",
        )
        parser.add_argument(
            "--password",
            help="Password for new demo accounts (default: a random one, printed once). Existing accounts keep theirs.",
        )

    def handle(self, *args, **options):
        seed = json.loads(SEED_FILE.read_text(encoding="utf-8"))
        with transaction.atomic():
            members = self.load_board(seed["board_members"])
            article = self.load_seed_article(seed)
            related = self.load_related(article, seed["related"])
            imported = self.load_medquad()
        if options["with_demo_users"]:
            self.load_demo_users(options.get("password"))
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content ready: the seed article, {related} related questions, "
                f"{imported} NIH answers from MedQuAD and {members} demo board members."
            )
        )

    def load_board(self, members):
        for position, member in enumerate(members):
            BoardMember.objects.update_or_create(
                name=member["name"], is_demo=True, defaults={**member, "position": position, "is_active": True}
            )
        return len(members)

    def load_seed_article(self, seed):
        article, _ = Article.objects.get_or_create(slug=seed["slug"], defaults={"question": seed["question"]})
        article.question = seed["question"]
        article.summary = seed["summary"]
        article.topic = get_topic(seed["topic"])
        article.is_demo = True
        article.save()
        versions = seed.get("versions", {})  # plain-language versions, written from the seed's own content
        for kind, name in ((AnswerSection.Kind.GUIDELINES, "guidelines"), (AnswerSection.Kind.RESEARCH, "research")):
            texts = {"body": seed["sections"][name]}
            texts.update({f"body_{audience}": sections[name] for audience, sections in versions.items()})
            AnswerSection.objects.update_or_create(article=article, kind=kind, defaults=texts)
        for ref in seed["references"]:
            fields = {name: value for name, value in ref.items() if name != "key"}
            reference = Reference.objects.filter(title=fields["title"]).first() or Reference.objects.create(**fields)
            Citation.objects.update_or_create(article=article, key=ref["key"], defaults={"reference": reference})
        services.article_save_content(article=article, origin=DEMO_ORIGIN, submit=True)
        return article

    def load_related(self, article, related):
        for position, item in enumerate(related):
            slug = slugify(item["question"])[:200]
            other, _ = Article.objects.get_or_create(
                slug=slug,
                defaults={"question": item["question"], "is_demo": True, "topic": get_topic(item["topic"])},
            )
            services.article_save_content(article=other, origin=DEMO_ORIGIN, submit=True)
            RelatedQuestion.objects.update_or_create(article=article, related=other, defaults={"position": position})
        return len(related)

    def load_medquad(self):
        medquad_ref = medquad_reference()
        count = 0
        with MEDQUAD_DEMO_FILE.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    import_medquad_row(json.loads(line), medquad_ref=medquad_ref)
                    count += 1
        return count

    def load_demo_users(self, password):
        """Demo staff accounts, board links and a few clearly labelled demo approvals."""
        password = password or secrets.token_urlsafe(12)
        created = []
        users = {}
        with transaction.atomic():
            for username, (group, member_name) in DEMO_USERS.items():
                user, is_new = get_user_model().objects.get_or_create(username=username, defaults={"is_staff": True})
                if is_new:
                    user.set_password(password)
                    user.save()
                    created.append(username)
                user.groups.add(Group.objects.get(name=group))
                if member_name:
                    BoardMember.objects.filter(name=member_name, is_demo=True).update(user=user)
                users[username] = user
            approved = self.approve_demo_answers(users["demo-reviewer"])
        if created:
            self.stdout.write(f"Created demo staff accounts {', '.join(created)} with the password: {password}")
        self.stdout.write(f"Demo staff ready; {approved} NIH demo answers carry a demo approval by Demo Reviewer, MD.")

    def approve_demo_answers(self, reviewer):
        """Take the first few NIH answers through the real workflow, marked as demo (never the seed article)."""
        candidates = (
            Article.objects.exclude(external_id="")
            .filter(live_revision__isnull=True, status=Status.SUBMITTED)
            .order_by("external_id")
        )
        already = Article.objects.exclude(external_id="").filter(live_revision__isnull=False).count()
        for article in candidates[: max(DEMO_APPROVALS - already, 0)]:
            article.is_demo = True  # a fictional approval: the page is labelled demo (content, so a new revision)
            article.save()
            services.article_save_content(article=article, origin=DEMO_ORIGIN)
            article = services.article_start_review(article=article, user=reviewer, comment=DEMO_APPROVAL_COMMENT)
            services.article_approve(article=article, user=reviewer, comment=DEMO_APPROVAL_COMMENT)
        return Article.objects.exclude(external_id="").filter(live_revision__isnull=False).count()
