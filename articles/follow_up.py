"""Follow-up questions: who is asking (a salted hash, never the address), how often, and for how long they are kept."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import Audience, FollowUpQuestion

RATE_WINDOW = timedelta(hours=1)


def rate_limit():
    """Questions allowed per client per hour (setting FOLLOW_UP_RATE_LIMIT, default 5)."""
    return settings.FOLLOW_UP_RATE_LIMIT


def site_rate_limit():
    """Questions accepted per hour from all clients together (setting FOLLOW_UP_SITE_RATE_LIMIT, default 200).

    The per-client limit alone let 1,001 addresses store 5,005 questions in an hour.
    """
    return getattr(settings, "FOLLOW_UP_SITE_RATE_LIMIT", 200)


def retention_days():
    """Days a triaged (answered or dismissed) question is kept (setting FOLLOW_UP_RETENTION_DAYS, default 365)."""
    return getattr(settings, "FOLLOW_UP_RETENTION_DAYS", 365)


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


def _sent_in_the_last_hour(questions, limit):
    # Counting stops at the limit, so the query's cost does not grow with a flood.
    since = timezone.now() - RATE_WINDOW
    return questions.filter(created__gte=since)[:limit].count() >= limit


def is_rate_limited(client):
    """True if this client has already sent the hour's allowance (counted in the database, so per site)."""
    return _sent_in_the_last_hour(FollowUpQuestion.objects.filter(client_hash=client), rate_limit())


def is_site_rate_limited():
    """True if the whole site has received the hour's allowance of questions, whoever sent them."""
    return _sent_in_the_last_hour(FollowUpQuestion.objects.all(), site_rate_limit())


def purge_old_questions(now=None):
    """Delete answered and dismissed questions older than the retention period; return how many.

    New (untriaged) questions are kept whatever their age: no question is lost before an editor saw it.
    Client hashes are cleared once the rate window is over: they are only needed to count.
    """
    now = now or timezone.now()
    old = FollowUpQuestion.objects.filter(
        state__in=[FollowUpQuestion.State.ANSWERED, FollowUpQuestion.State.DISMISSED],
        created__lt=now - timedelta(days=retention_days()),
    )
    deleted, _ = old.delete()
    FollowUpQuestion.objects.filter(created__lt=now - RATE_WINDOW).exclude(client_hash="").update(client_hash="")
    return deleted


def store_question(*, article, text, audience, client):
    """Keep the question for the editors; it is never shown to other readers."""
    # The default version ("everyone") is stored as a blank audience.
    audience = audience if audience in Audience.values else ""
    return FollowUpQuestion.objects.create(article=article, text=text, audience=audience, client_hash=client)
