"""Load the demo content: the seed article, its related questions, NIH answers and demo board members."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.text import slugify

from articles.importing import get_topic, import_medquad_row, medquad_reference
from articles.models import AnswerSection, Article, Citation, RelatedQuestion, Status
from articles.revisions import record_revision
from references.models import Reference
from reviews.models import BoardMember

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SEED_FILE = FIXTURES / "demo" / "seed-article.json"
MEDQUAD_DEMO_FILE = FIXTURES / "medquad-demo.jsonl"


class Command(BaseCommand):
    help = "Load the demo content (idempotent: running it again changes nothing)."

    def handle(self, *args, **options):
        seed = json.loads(SEED_FILE.read_text(encoding="utf-8"))
        with transaction.atomic():
            members = self.load_board(seed["board_members"])
            article = self.load_seed_article(seed)
            related = self.load_related(article, seed["related"])
            imported = self.load_medquad()
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
        article, _ = Article.objects.get_or_create(
            slug=seed["slug"], defaults={"question": seed["question"], "status": Status.SUBMITTED}
        )
        article.question = seed["question"]
        article.summary = seed["summary"]
        article.topic = get_topic(seed["topic"])
        article.is_demo = True
        article.save()
        for kind, name in ((AnswerSection.Kind.GUIDELINES, "guidelines"), (AnswerSection.Kind.RESEARCH, "research")):
            AnswerSection.objects.update_or_create(article=article, kind=kind, defaults={"body": seed["sections"][name]})
        for ref in seed["references"]:
            fields = {name: value for name, value in ref.items() if name != "key"}
            reference = Reference.objects.filter(title=fields["title"]).first() or Reference.objects.create(**fields)
            Citation.objects.update_or_create(article=article, key=ref["key"], defaults={"reference": reference})
        record_revision(article)
        return article

    def load_related(self, article, related):
        for position, item in enumerate(related):
            slug = slugify(item["question"])[:200]
            other, _ = Article.objects.get_or_create(
                slug=slug,
                defaults={
                    "question": item["question"],
                    "status": Status.SUBMITTED,
                    "is_demo": True,
                    "topic": get_topic(item["topic"]),
                },
            )
            record_revision(other)
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
