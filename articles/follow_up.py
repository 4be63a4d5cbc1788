"""Follow-up questions: who is asking (a salted hash, never the address) and how often."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import Audience, FollowUpQuestion

RATE_WINDOW = timedelta(hours=1)


def rate_limit():
    """Questions allowed per client per hour (setting FOLLOW_UP_RATE_LIMIT, default 5)."""
    return settings.FOLLOW_UP_RATE_LIMIT


def client_address(request):
    """The reader's address: behind a proxy, from the header it sets (CLIENT_IP_HEADER), else REMOTE_ADDR.

    Without that header every reader behind the proxy would share one allowance.
    """
    header = getattr(settings, "CLIENT_IP_HEADER", "")
    forwarded = request.META.get(header, "") if header else ""
    # X-Forwarded-For style lists: the proxy appends, so the last entry is the one it saw.
    return forwarded.split(",")[-1].strip() or request.META.get("REMOTE_ADDR", "")


def client_hash(request):
    """A salted hash of the client's address: enough to count, useless to identify."""
    return salted_hmac("articles.follow_up.client", client_address(request)).hexdigest()


def is_rate_limited(client):
    """True if this client has already sent the hour's allowance (counted in the database, so per site)."""
    since = timezone.now() - RATE_WINDOW
    return FollowUpQuestion.objects.filter(client_hash=client, created__gte=since).count() >= rate_limit()


def store_question(*, article, text, audience, client):
    """Keep the question for the editors; it is never shown to other readers."""
    # The default version ("everyone") is stored as a blank audience.
    audience = audience if audience in Audience.values else ""
    return FollowUpQuestion.objects.create(article=article, text=text, audience=audience, client_hash=client)
