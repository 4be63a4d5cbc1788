"""The link checker against a local HTTP server: 200, 301, 404, refused HEAD, timeouts, refused connections."""

import io
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command

from references.models import Reference
from tests.factories import make_reference

pytestmark = pytest.mark.django_db


class Handler(BaseHTTPRequestHandler):
    in_flight = 0
    most_in_flight = 0
    lock = threading.Lock()

    def log_message(self, *args):
        pass

    def _answer(self):
        if self.path.startswith("/busy"):
            # Counted while the request is served and before it is answered, so a client's next
            # request can never overlap this one in the count.
            with Handler.lock:
                Handler.in_flight += 1
                Handler.most_in_flight = max(Handler.most_in_flight, Handler.in_flight)
            time.sleep(0.2)
            with Handler.lock:
                Handler.in_flight -= 1
        if self.path == "/ok" or self.path.startswith("/busy"):
            self.send_response(200)
        elif self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
        elif self.path == "/gone":
            self.send_response(404)
        elif self.path == "/get-only":
            self.send_response(405 if self.command == "HEAD" else 200)
        elif self.path == "/slow":
            time.sleep(2)
            self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_HEAD = do_GET = _answer


@pytest.fixture
def server():
    """A local HTTP server on a free port, started by the test and stopped after it."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    Handler.in_flight = Handler.most_in_flight = 0
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(**options):
    out = io.StringIO()
    call_command("check_reference_links", stdout=out, **options)
    return out.getvalue()


def test_each_outcome_is_recorded_on_the_reference(server):
    """200 works, 301 works but names the new address, 404 and silence are broken, HEAD-refusers get a GET."""
    refs = {name: make_reference(title=name, url=f"{server}/{name}") for name in ("ok", "moved", "gone", "get-only", "slow")}
    refs["refused"] = make_reference(title="refused", url=f"http://127.0.0.1:{closed_port()}/x")
    no_url = make_reference(title="no url")
    output = run(timeout=0.5, concurrency=4)
    got = {name: Reference.objects.get(pk=ref.pk) for name, ref in refs.items()}
    assert (got["ok"].link_status, got["ok"].link_error, got["ok"].link_is_broken) == (200, "", False)
    assert got["moved"].link_status == 200 and got["moved"].link_error == f"moved permanently to {server}/ok"
    assert (got["gone"].link_status, got["gone"].link_error, got["gone"].link_is_broken) == (404, "HTTP 404", True)
    assert got["get-only"].link_status == 200
    assert got["slow"].link_status is None and got["slow"].link_error == "no answer within 0.5 s" and got["slow"].link_is_broken
    assert got["refused"].link_status is None and got["refused"].link_error.startswith("cannot connect")
    assert all(ref.link_checked_at for ref in got.values())
    assert Reference.objects.get(pk=no_url.pk).link_checked_at is None
    assert "Checked 6 links: 2 working, 1 moved permanently, 3 broken." in output


def test_concurrency_is_bounded(server):
    """No more requests are in flight at once than --concurrency allows."""
    for n in range(8):
        make_reference(title=f"busy {n}", url=f"{server}/busy{n}")
    run(concurrency=2, timeout=5)
    assert 1 <= Handler.most_in_flight <= 2
    assert Reference.objects.filter(link_status=200).count() == 8


def test_recently_checked_links_can_be_skipped(server):
    """--older-than-days leaves links checked recently alone."""
    make_reference(title="checked", url=f"{server}/ok")
    run(timeout=2)
    make_reference(title="new", url=f"{server}/gone")
    output = run(timeout=2, older_than_days=7)
    assert "Checked 1 link: 0 working, 0 moved permanently, 1 broken." in output


@pytest.mark.parametrize("options", [{"concurrency": 0}, {"concurrency": 500}, {"timeout": 0}, {"timeout": 1000}])
def test_unreasonable_options_are_refused(options):
    """A concurrency or timeout outside sane bounds is refused with a message."""
    with pytest.raises(CommandError):
        run(**options)


def test_admin_shows_broken_links(client, server):
    """Editors see which references' links are broken in the references list."""
    from tests.factories import make_user

    make_reference(title="Dead link", url=f"{server}/gone")
    run(timeout=2)
    client.force_login(make_user(superuser=True))
    body = client.get("/admin/references/reference/").content.decode()
    assert "broken (404)" in body
