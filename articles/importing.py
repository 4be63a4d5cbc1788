"""Creating and updating articles from outside sources (MedQuAD, the demo seed).

The MedQuAD import works a chunk of rows at a time: it reads what already exists
for the whole chunk in a few queries, writes the working copy with bulk_create/bulk_update,
and renders revisions with the same functions as ``articles.revisions.build_revision``
(same content, same hash, no new revision when nothing changed), optionally in a
pool of worker processes because rendering is pure CPU work.

What the revisions do to the workflow is not decided here: the importer hands them to the
``save_revisions`` callable it is given (``reviews.services.save_imported_revisions``), the
one write path for status and revision pointers.

An article whose latest revision was written by a person (an editor changed it after the
import) is never overwritten: it is skipped and counted as "kept editor changes".
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.text import slugify

from qa_site.text import strip_control_characters
from references.models import Reference

from .medquad import MEDQUAD_KEY, MEDQUAD_REFERENCE, SOURCE_KEY, MedQuADEntry
from .models import AnswerSection, Article, ArticleRevision, Citation, Topic
from .revisions import CitationError, content_hash, content_of, new_revision, render

REQUIRED_FIELDS = ("source", "qid", "question", "answer", "url")


def get_topic(name):
    """The topic of that name, created on first use."""
    name = name.strip()[:200]
    slug = slugify(name)[:200] or "general"
    topic, _ = Topic.objects.get_or_create(slug=slug, defaults={"name": name})
    return topic


def medquad_reference():
    """The one row crediting the MedQuAD collection, shared by every imported article."""
    existing = Reference.objects.filter(title=MEDQUAD_REFERENCE["title"], container=MEDQUAD_REFERENCE["container"]).first()
    return existing or Reference.objects.create(**MEDQUAD_REFERENCE)


class MalformedRow(ValueError):
    """A line of the import file that cannot become an article."""


def parse_line(line):
    """One line of MedQuAD JSONL as a row dict; raises MalformedRow saying what is wrong."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as error:
        raise MalformedRow(f"not valid JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(row, dict):
        raise MalformedRow("not a JSON object")
    # Text fields refuse control characters (they break the feed's XML): leave them out of imported text.
    row = {name: strip_control_characters(value) if isinstance(value, str) else value for name, value in row.items()}
    missing = [name for name in REQUIRED_FIELDS if not isinstance(row.get(name), str) or not row[name].strip()]
    if missing:
        raise MalformedRow("missing or empty field(s): " + ", ".join(missing))
    if not row["url"].startswith(("http://", "https://")):
        raise MalformedRow("url is not an http(s) address")
    return row


def _render_job(job):
    """Render one article's content (runs in a worker process); returns (index, result or error)."""
    index, content, references_by_key = job
    try:
        return index, render(content, references_by_key)
    except CitationError as error:
        return index, str(error)


@dataclass
class ImportResult:
    """What an import did, for the summary line."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_editor_changes: int = 0  # articles an editor changed since the import: left as they are
    errors: list = field(default_factory=list)  # (line number, message)


@dataclass
class PreparedChunk:
    """A chunk whose rows are written and whose revisions are still to render and store."""

    items: list
    articles: list
    jobs: list
    old_ids: list

    @property
    def ids(self):
        return {entry.external_id for _, entry in self.items}


class MedQuADImporter:
    """Creates or updates one article per MedQuAD pair, a chunk at a time."""

    def __init__(self, *, save_revisions, is_demo=False, pool=None):
        self.save_revisions = save_revisions  # (article, unsaved revision) pairs -> the workflow
        self.is_demo = is_demo
        self.pool = pool
        self.result = ImportResult()
        self._topics = None  # slug -> Topic, loaded on first use
        self._slugs = None  # every article slug taken
        self._sources = {}  # url -> Reference
        self._medquad_ref = None
        self._seen = {}  # external id -> question, to tell MedQuAD's reused qids apart

    def entry_for(self, row):
        """The entry for a row; a qid MedQuAD reuses for a different question gets its own id."""
        entry = MedQuADEntry.from_row(row)
        first_question = self._seen.setdefault(entry.external_id, entry.question)
        if first_question != entry.question:
            digest = hashlib.sha1(entry.question.encode()).hexdigest()[:8]
            entry.external_id = f"{entry.external_id}#{digest}"
            self._seen.setdefault(entry.external_id, entry.question)
        return entry

    # Lookups reused across chunks -------------------------------------------------

    def _topic_ids(self, entries):
        if self._topics is None:
            self._topics = {topic.slug: topic for topic in Topic.objects.all()}
        wanted = {}
        for entry in entries:
            if entry.focus:
                wanted.setdefault(slugify(entry.focus)[:200] or "general", entry.focus)
        missing = {slug: name for slug, name in wanted.items() if slug not in self._topics}
        if missing:
            Topic.objects.bulk_create([Topic(slug=s, name=n) for s, n in missing.items()], ignore_conflicts=True)
            found = Topic.objects.filter(Q(slug__in=missing) | Q(name__in=missing.values()))
            by_name = {}
            for topic in found:
                self._topics.setdefault(topic.slug, topic)
                by_name[topic.name] = topic
            for slug, name in missing.items():
                if slug not in self._topics and name in by_name:
                    self._topics[slug] = by_name[name]
        return {
            entry.external_id: self._topics[slugify(entry.focus)[:200] or "general"].pk if entry.focus else None
            for entry in entries
        }

    def _source_refs(self, entries):
        wanted = {entry.url: entry for entry in entries if entry.url not in self._sources}
        if wanted:
            for reference in Reference.objects.filter(url__in=list(wanted)).order_by("-id"):
                self._sources[reference.url] = reference  # the oldest row wins
            new = [
                Reference(kind=Reference.Kind.OTHER, title=entry.focus or entry.question, container=entry.publisher, url=url)
                for url, entry in wanted.items()
                if url not in self._sources
            ]
            for reference in Reference.objects.bulk_create(new):
                self._sources[reference.url] = reference
        return self._sources

    def _unique_slug(self, entry):
        if self._slugs is None:
            self._slugs = set(Article.objects.values_list("slug", flat=True))
        slug = entry.slug[:200]
        if slug in self._slugs:
            suffix = slugify(entry.external_id.removeprefix("medquad:").replace("#", "-"))
            slug = f"{entry.slug[: 199 - len(suffix)]}-{suffix}"
        base, n = slug, 2
        while slug in self._slugs:
            slug = f"{base[:195]}-{n}"
            n += 1
        self._slugs.add(slug)
        return slug

    # The chunk --------------------------------------------------------------------

    def import_chunk(self, items):
        """Create or update the articles for a list of (line number, entry); returns them in order."""
        prepared = self.prepare_chunk(items)
        return self.finish_chunk(prepared, map(_render_job, prepared.jobs))

    def import_chunks(self, chunks):
        """Import chunk after chunk; with a pool, chunk N renders while chunk N+1 is written."""
        if self.pool is None:
            for items in chunks:
                yield len(items), self.import_chunk(items)
            return
        pending = None  # (prepared chunk, its renders under way, rows read)
        for items in chunks:
            ids = {entry.external_id for _, entry in items}
            if pending and ids & pending[0].ids:
                yield pending[2], self.finish_chunk(pending[0], pending[1].get())  # same article twice: in order
                pending = None
            prepared = self.prepare_chunk(items)
            renders = self.pool.map_async(_render_job, prepared.jobs, chunksize=8)
            if pending:
                yield pending[2], self.finish_chunk(pending[0], pending[1].get())
            pending = (prepared, renders, len(items))
        if pending:
            yield pending[2], self.finish_chunk(pending[0], pending[1].get())

    @transaction.atomic
    def prepare_chunk(self, items):
        """Write the chunk's articles, sections and citations; return what is left to render."""
        latest = {}
        for line_no, entry in items:
            latest[entry.external_id] = (line_no, entry)  # a repeated pair: the later line wins
        items = list(latest.values())
        if self._medquad_ref is None:
            self._medquad_ref = medquad_reference()
        entries = [entry for _, entry in items]
        topic_ids = self._topic_ids(entries)
        sources = self._source_refs(entries)
        existing = {
            article.external_id: article
            for article in Article.objects.filter(external_id__in=list(latest)).annotate(
                current_hash=F("current_revision__content_hash"), current_author=F("current_revision__created_by")
            )
        }
        edited = {external_id for external_id, article in existing.items() if article.current_author is not None}
        if edited:
            self.result.kept_editor_changes += len(edited)
            items = [(line_no, entry) for line_no, entry in items if entry.external_id not in edited]
            existing = {external_id: a for external_id, a in existing.items() if external_id not in edited}

        now = timezone.now()
        articles, new_articles, changed_articles = [], [], []
        for _, entry in items:
            article = existing.get(entry.external_id)
            values = {
                "question": entry.question,
                "summary": entry.summary(),
                "topic_id": topic_ids[entry.external_id],
                "credit": entry.credit,
                "focus": entry.focus,
                "focus_synonyms": entry.focus_synonyms,
                "question_type": entry.question_type,
            }
            if article is None:
                article = Article(
                    external_id=entry.external_id, slug=self._unique_slug(entry), is_demo=self.is_demo, **values
                )  # a Draft with no revision until reviews.services records its creation
                article.current_hash = None
                new_articles.append(article)
            elif any(getattr(article, name) != value for name, value in values.items()) or (self.is_demo and not article.is_demo):
                for name, value in values.items():
                    setattr(article, name, value)
                article.is_demo = article.is_demo or self.is_demo
                article.modified = now
                changed_articles.append(article)
            articles.append(article)
        Article.objects.bulk_create(new_articles)
        # The working copy only (auto_now does not fire in bulk_update, so "modified" is set above).
        Article.objects.bulk_update(
            changed_articles,
            ["question", "summary", "topic", "credit", "is_demo", "modified", "focus", "focus_synonyms", "question_type"],
        )

        old_ids = [article.pk for article in existing.values()]
        sections, citations = self._write_sections_and_citations(items, articles, old_ids, sources)
        return self._render_jobs(items, articles, sections, citations, old_ids)

    def _write_sections_and_citations(self, items, articles, old_ids, sources):
        sections = {article.pk: [] for article in articles}
        citations = {article.pk: [] for article in articles}
        for section in AnswerSection.objects.filter(article_id__in=old_ids):
            sections[section.article_id].append(section)
        for citation in Citation.objects.filter(article_id__in=old_ids).select_related("reference"):
            citations[citation.article_id].append(citation)

        new_sections, changed_sections, new_citations, changed_citations = [], [], [], []
        for (_, entry), article in zip(items, articles):
            source = next((s for s in sections[article.pk] if s.kind == AnswerSection.Kind.SOURCE), None)
            if source is None:
                source = AnswerSection(article=article, kind=AnswerSection.Kind.SOURCE, source_name=entry.heading_source, body=entry.body)
                sections[article.pk].append(source)
                new_sections.append(source)
            elif (source.source_name, source.body) != (entry.heading_source, entry.body):
                source.source_name, source.body = entry.heading_source, entry.body
                changed_sections.append(source)
            by_key = {citation.key: citation for citation in citations[article.pk]}
            for key, reference in ((SOURCE_KEY, sources[entry.url]), (MEDQUAD_KEY, self._medquad_ref)):
                citation = by_key.get(key)
                if citation is None:
                    citation = Citation(article=article, key=key, reference=reference)
                    citations[article.pk].append(citation)
                    new_citations.append(citation)
                elif citation.reference_id != reference.pk:
                    citation.reference = reference
                    changed_citations.append(citation)
        AnswerSection.objects.bulk_create(new_sections)
        AnswerSection.objects.bulk_update(changed_sections, ["source_name", "body"])
        Citation.objects.bulk_create(new_citations)
        Citation.objects.bulk_update(changed_citations, ["reference"])
        return sections, citations

    def _render_jobs(self, items, articles, sections, citations, old_ids):
        jobs = []
        for index, article in enumerate(articles):
            content = content_of(article, sections=sections[article.pk], citations=citations[article.pk])
            digest = content_hash(content)
            if digest == article.current_hash:
                self.result.unchanged += 1
                continue
            article.new_hash = digest
            references_by_key = {c.key: c.reference for c in citations[article.pk]}
            jobs.append((index, content, references_by_key))
        return PreparedChunk(items, articles, jobs, old_ids)

    @transaction.atomic
    def finish_chunk(self, prepared, outcomes):
        """Hand the rendered revisions of a prepared chunk to the workflow; returns its articles."""
        items, articles, jobs, old_ids = prepared.items, prepared.articles, prepared.jobs, prepared.old_ids
        last_numbers = dict(
            ArticleRevision.objects.filter(article_id__in=old_ids).values("article_id").annotate(n=Max("number")).values_list("article_id", "n")
        )
        pairs = []
        contents = {index: content for index, content, _ in jobs}
        for index, outcome in outcomes:
            article = articles[index]
            if isinstance(outcome, str):
                self.result.errors.append((items[index][0], outcome))
                continue
            revision = new_revision(
                article,
                number=last_numbers.get(article.pk, 0) + 1,
                content=contents[index],
                digest=article.new_hash,
                derived=outcome,
            )
            pairs.append((article, revision))
            if article.current_hash is None:
                self.result.created += 1
            else:
                self.result.updated += 1
        self.save_revisions(pairs)
        for article, revision in pairs:
            article.current_hash = revision.content_hash  # the same article again in a later chunk
        return articles
