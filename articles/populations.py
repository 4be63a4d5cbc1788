"""Who an article is written for, and who a reader's question is about: children, men, women, older adults.

Several sources write one article per group ("Urinary Tract Infections in Children", "Childhood Acute
Lymphoblastic Leukemia", "Alcohol Use and Older Adults"). A reader says who the question is about in
the story around it ("our 4 year old", "my husband is 68"). Follow-up matching puts an article for the
reader's group before a general one, and one written for another group after it.
"""

import re

CHILDREN, MEN, WOMEN, OLDER_ADULTS = "children", "men", "women", "older adults"

# How article titles name the group they are written for.
_ARTICLE = {
    CHILDREN: r"\b(children|childhood|kids|infants?|teens|pediatric)\b",
    MEN: r"\bmen\b",
    WOMEN: r"\b(women|pregnancy)\b",
    OLDER_ADULTS: r"\b(older adults|seniors?)\b",
}
# How readers say who the question is about.
_READER = {
    CHILDREN: r"\b(child|children|kids?|bab(y|ies)|toddlers?|infants?|newborns?|teens?|teenagers?|(1[0-7]|[1-9])[ -]?(years?|yrs?|months?)[ -]old)\b",
    MEN: r"\b(husband|father|dad|brother|grandfather|grandpa|boyfriend|man|men|he)\b",
    WOMEN: r"\b(wife|mother|mom|mum|sister|grandmother|grandma|girlfriend|woman|women|she|pregnant|pregnancy)\b",
    OLDER_ADULTS: r"\b(elderly|seniors?|retired|grandmother|grandfather|grandma|grandpa|(6[5-9]|[7-9]\d)[ -]?(years?[ -]old|yo)|(is|am|i'?m|aged?) (6[5-9]|[7-9]\d))\b",
}
_ARTICLE_PATTERNS = {group: re.compile(pattern, re.IGNORECASE) for group, pattern in _ARTICLE.items()}
_READER_PATTERNS = {group: re.compile(pattern, re.IGNORECASE) for group, pattern in _READER.items()}

# The qualifier a title adds for its group, so "Urinary Incontinence in Men" is also "Urinary Incontinence".
_QUALIFIER = re.compile(
    r"^(childhood|adult)\s+|,\s*(childhood|adult)$|\s+(in|for|and)\s+(children( and teens)?|kids|infants|men|women|adults|"
    r"older adults|seniors|pregnancy)$",
    re.IGNORECASE,
)


def written_for(title):
    """The group an article's focus or question names, or "" when it is for everyone."""
    for group, pattern in _ARTICLE_PATTERNS.items():
        if pattern.search(title or ""):
            return group
    return ""


def asked_about(text):
    """The groups a reader's text says the question is about (several when the story names several people)."""
    return {group for group, pattern in _READER_PATTERNS.items() if pattern.search(text or "")}


def without_group(title):
    """The title without the group it is written for ("" when it names none)."""
    stripped = _QUALIFIER.sub("", str(title or "")).strip()
    return stripped if stripped != str(title or "").strip() else ""


def preference(title, asked):
    """Sort key: an article for the reader's group first, then one for everyone, then one for another group."""
    group = written_for(title)
    if not group:
        return 1
    return 0 if group in asked else 2
