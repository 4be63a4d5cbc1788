"""Through a real Varnish (deploy/varnish/default.vcl) in front of the test server: shared pages, audiences, purge on approval."""

import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from articles.purge import wait_for_purges
from tests.factories import approve_current, edit_article, make_approved_article, make_article

VCL = Path(__file__).resolve().parents[2] / "deploy" / "varnish" / "default.vcl"
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"

pytestmark = [pytest.mark.django_db(transaction=True)]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def varnish(live_server, settings):
    """varnishd on a free loopback port, both backends pointed at the live test server, purged by the app."""
    if not Path(VARNISHD).exists():
        pytest.skip("Varnish is not installed: scripts/setup.sh installs the Debian package varnish as root.")
    app_port = str(live_server.url.rsplit(":", 1)[1])
    workdir = tempfile.mkdtemp(prefix="qa-varnish-")
    vcl = Path(workdir) / "default.vcl"
    vcl.write_text(re.sub(r'\.port = "\d+"', f'.port = "{app_port}"', VCL.read_text()))
    port, admin = free_port(), free_port()
    process = subprocess.Popen(
        [VARNISHD, "-F", "-j", "none", "-a", f"127.0.0.1:{port}", "-T", f"127.0.0.1:{admin}", "-f", str(vcl),
         "-n", workdir, "-s", "malloc,32m", "-p", "default_grace=0"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/robots.txt", timeout=1)
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"varnishd exited: {process.stderr.read().decode()[-2000:]}")
            time.sleep(0.1)
    settings.CACHE_PURGE_URLS = [url + "/"]
    settings.CACHE_PURGE_REPEAT_AFTER = 0  # the second ban is tested in tests/articles/test_purge.py
    settings.ALLOWED_HOSTS = ["*"]
    yield url
    process.terminate()
    process.wait(timeout=10)
    shutil.rmtree(workdir, ignore_errors=True)


def get(url, cookie=None):
    """(headers, body) of a GET through Varnish, as a browser sends it."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers, response.read().decode()


def test_readers_share_one_copy_each_audience_its_own_and_approval_purges_it(varnish):
    """The second reader is a cache hit without cookies; a patient gets the patient page; approval shows within a second."""
    article = make_article("Is this answer shared by Varnish?", guidelines="Text for everyone.")
    edit_article(article, patient="Plain words.")
    page = varnish + article.get_absolute_url()

    first, html = get(page)
    assert first["X-Cache"] == "miss" and "pending human review" in html and "Set-Cookie" not in first
    second, _ = get(page, cookie="_ga=tracker; csrftoken=old")  # cookies that do not matter are stripped
    assert second["X-Cache"] == "hit"

    patient_headers, patient_html = get(page, cookie="theme=dark; audience=patient")
    assert patient_headers["X-Cache"] == "miss" and "Plain words." in patient_html
    assert get(page, cookie="audience=patient")[0]["X-Cache"] == "hit"
    assert "Plain words." not in get(page)[1]

    staff, _ = get(page, cookie="sessionid=whatever")
    assert staff["X-Cache"] == "miss"  # a session always reaches the app

    approve_current(article)
    assert wait_for_purges()
    headers, html = get(page)
    assert headers["X-Cache"] == "miss" and "pending human review" not in html


def test_a_ban_needs_a_pattern(varnish):
    """A BAN without its X-Ban-Url header is refused with a clear 400, not taken as 'ban everything'."""
    request = urllib.request.Request(varnish + "/", method="BAN")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 400


def test_an_approved_article_is_cached_for_readers(varnish):
    """An approved article with no change since is served from Varnish for every later reader."""
    article = make_approved_article("Does Varnish keep approved answers?", guidelines="Yes.")
    page = varnish + article.get_absolute_url()
    get(page)
    for _ in range(3):
        assert get(page)[0]["X-Cache"] == "hit"
