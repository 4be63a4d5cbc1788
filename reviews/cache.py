"""Board changes reach readers at once: a member's name and credentials show on the board page and on every page they reviewed."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles.cache import pages_changed
from articles.purge import EVERYTHING, purge

from .models import BoardMember


@receiver([post_save, post_delete], sender=BoardMember, dispatch_uid="reviews.cache.board_member_changed")
def _board_member_changed(sender, instance, **kwargs):
    # Board changes are rare and show on many pages (each reviewer link): drop every page.
    pages_changed()
    purge(EVERYTHING)
