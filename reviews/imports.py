"""Imports through the one write path: the MedQuAD importer wired to reviews.services."""

from functools import partial

from articles.importing import MedQuADImporter
from articles.models import Article

from . import services

MEDQUAD_ORIGIN = "MedQuAD import"


def medquad_importer(*, is_demo=False, pool=None, origin=MEDQUAD_ORIGIN):
    """A MedQuAD importer whose revisions enter the review workflow as `origin` (new ones Submitted)."""
    save = partial(services.save_imported_revisions, origin=origin, submit=True)
    return MedQuADImporter(save_revisions=save, is_demo=is_demo, pool=pool)


def import_medquad_row(row, *, medquad_ref=None, is_demo=False, origin=MEDQUAD_ORIGIN):
    """Create or update the article for one MedQuAD row; returns (article, created)."""
    importer = medquad_importer(is_demo=is_demo, origin=origin)
    importer._medquad_ref = medquad_ref
    entry = importer.entry_for(row)
    created_before = Article.objects.filter(external_id=entry.external_id).exists()
    (article,) = importer.import_chunk([(1, entry)]) or (None,)
    if importer.result.errors:
        raise ValueError(importer.result.errors[0][1])
    return article, not created_before
