"""Run in a subprocess by test_outages.py: requests against settings whose database cannot be reached.

Prints one JSON line per request: method, path, status, Retry-After, and whether the body is the 503 page.
"""

import json
import os
import sys

import django

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qa_site.settings")
django.setup()

from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

setup_test_environment()
client = Client(raise_request_exception=False)
requests = [("get", path) for path in sys.argv[1:]] * int(os.environ.get("OUTAGE_REPEAT", "1"))
requests.append(("post", "/articles/some-article/follow-up/"))
for method, path in requests:
    if method == "post":
        response = client.post(path, {"text": "Is this question kept while the database is down?"}, HTTP_ORIGIN="http://testserver")
    else:
        response = client.get(path)
    body = response.content.decode()
    print(json.dumps({"method": method, "path": path, "status": response.status_code,
                      "retry_after": response.get("Retry-After"), "page": "We’ll be back in a moment" in body}), flush=True)
