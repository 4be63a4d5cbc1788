"""The Nu Html Checker (vnu-jar, run with Debian's Java) over the saved HTML of every public page type, and the CSS."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.site_pages import FOLLOW_UP_TEXT, PUBLIC_PAGES, build_site, public_page

ROOT = Path(__file__).resolve().parent.parent
VNU_VERSION = "26.9.27"  # the version scripts/setup.sh installs
VNU = ROOT / ".tools" / f"vnu-{VNU_VERSION}" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SAVED = ROOT / "artifacts" / "html"
STYLESHEETS = [ROOT / "static" / "css" / "site.css", ROOT / "static" / "css" / "print.css"]


def run_vnu(paths):
    """One JVM run over all files; returns vnu's messages grouped by file name."""
    java = shutil.which("java")
    if java is None:
        pytest.skip("Java is not installed: scripts/setup.sh installs openjdk-17-jre-headless as root.")
    if not VNU.exists():
        pytest.skip(f"vnu-jar {VNU_VERSION} is not installed: run scripts/setup.sh (it needs npm).")
    result = subprocess.run(
        [java, "-Xss1m", "-jar", str(VNU), "--format", "json", "--exit-zero-always", "--also-check-css", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr)["messages"]
    by_file = {path.name: [] for path in paths}
    for message in messages:
        by_file.setdefault(Path(message.get("url", "unknown")).name, []).append(message)
    return by_file


@pytest.mark.once  # valid HTML does not depend on the database engine
@pytest.mark.django_db
def test_every_public_page_and_stylesheet_is_valid(client):
    """vnu reports no error on any page type and no error in the CSS; each count is printed."""
    article = build_site()
    SAVED.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in PUBLIC_PAGES:
        path, audience = public_page(name, article)
        client.cookies.pop("audience", None)
        if audience:
            client.cookies["audience"] = audience
        response = client.get(path)
        assert response.status_code == (404 if name == "not-found" else 200), name
        paths.append(SAVED / f"{name}.html")
        paths[-1].write_bytes(response.content)
    client.cookies.pop("audience", None)
    sent = client.post(article.get_absolute_url() + "follow-up/", {"text": FOLLOW_UP_TEXT}, HTTP_ORIGIN="http://testserver", follow=True)
    assert "Your question was sent to our editors" in sent.content.decode()
    paths.append(SAVED / "follow-up-result.html")
    paths[-1].write_bytes(sent.content)

    # A broken page in the same run proves the checker is really reading the files.
    broken = SAVED / "deliberately-broken.html"
    broken.write_text('<!doctype html><html lang="en"><head><title>x</title></head><body><p><div>x</p></body></html>')

    by_file = run_vnu(paths + STYLESHEETS + [broken])
    assert any(m["type"] == "error" for m in by_file.pop(broken.name))
    errors = {}
    for name, messages in by_file.items():
        found = [m for m in messages if m["type"] == "error" or m.get("subType") == "fatal"]
        warnings = [m for m in messages if m.get("subType") == "warning"]
        print(f"vnu {name}: {len(found)} errors, {len(warnings)} warnings")
        if found:
            errors[name] = [f'{m.get("lastLine")}: {m["message"]} | {m.get("extract", "")!r}' for m in found]
    assert errors == {}
