"""Checking references' URLs: bounded concurrency, a timeout per request, nothing read beyond the status."""

import socket
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

USER_AGENT = "ClinicalAnswers-linkcheck/1.0 (reference link check)"
PERMANENT = {301, 308}


@dataclass
class LinkResult:
    """The outcome for one URL: final HTTP status (None: no answer), and a problem or new address."""

    url: str
    status: int | None
    problem: str = ""

    @property
    def broken(self):
        return self.status is None or self.status >= 400


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects, remembering the first permanent one so the editor can update the address."""

    def __init__(self):
        self.moved_to = ""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if code in PERMANENT and not self.moved_to:
            self.moved_to = newurl
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _request(url, method, timeout):
    redirects = _Redirects()
    opener = urllib.request.build_opener(redirects)
    request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, redirects.moved_to
    except urllib.error.HTTPError as error:
        return error.code, redirects.moved_to


def check_url(url: str, *, timeout: float) -> LinkResult:
    """HEAD the URL (GET where HEAD is refused), following redirects; never raises."""
    try:
        status, moved_to = _request(url, "HEAD", timeout)
        if status in (403, 405, 501):  # some servers refuse HEAD but serve GET
            status, moved_to = _request(url, "GET", timeout)
    except (socket.timeout, TimeoutError):
        return LinkResult(url, None, f"no answer within {timeout:g} s")
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, (socket.timeout, TimeoutError)):
            return LinkResult(url, None, f"no answer within {timeout:g} s")
        return LinkResult(url, None, f"cannot connect: {reason}"[:200])
    except (OSError, ValueError) as error:  # resets, bad addresses, malformed responses
        return LinkResult(url, None, f"cannot connect: {error}"[:200])
    if status >= 400:
        return LinkResult(url, status, f"HTTP {status}")
    return LinkResult(url, status, f"moved permanently to {moved_to}"[:200] if moved_to else "")


def check_urls(urls, *, concurrency: int, timeout: float):
    """Each URL's result, at most `concurrency` requests at a time, in the order given."""
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        yield from pool.map(lambda url: check_url(url, timeout=timeout), urls)
