"""Checks that hostile text reached a page only as inert text or sanitised markup."""

import re

from bs4 import BeautifulSoup

DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "frame", "frameset", "applet", "base", "svg", "math", "style", "link"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "background", "poster", "srcdoc"}
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def active_content(html, allowed_scripts=()):
    """Every piece of markup in `html` that a browser could run, as readable strings.

    Parses as a browser does (html5lib). An empty list means the page is inert.
    """
    soup = BeautifulSoup(html, "html5lib")
    problems = []
    for element in soup.find_all(True):
        if element.name in DANGEROUS_TAGS and not (element.name == "script" and element.get("src") in allowed_scripts):
            # Our own stylesheet, feed and icon links in <head>; their URLs are checked below.
            if element.name == "link" and element.parent.name == "head" and element.get("rel") in (["stylesheet"], ["alternate"], ["icon"]):
                continue
            problems.append(f"<{element.name}> element")
        if element.name == "meta" and element.get("http-equiv"):
            problems.append("<meta http-equiv>")
        for name, value in element.attrs.items():
            if name.lower().startswith("on"):
                problems.append(f"{name} attribute on <{element.name}>")
            if name.lower() in URL_ATTRIBUTES:
                value = value if isinstance(value, str) else " ".join(value)
                scheme = _CONTROL.sub("", value).lower()
                if scheme.startswith(("javascript:", "vbscript:", "data:")):
                    problems.append(f"{name}={value[:40]!r} on <{element.name}>")
            if name.lower() == "style":
                problems.append(f"style attribute on <{element.name}>")
    return problems
