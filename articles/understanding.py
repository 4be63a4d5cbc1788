"""Understanding a reader's question: what it is about (its focus) and what kind of question it is.

The focus dictionary is the site's own: every article's focus and its synonyms (MedQuAD gives them;
editors type them in the admin), plus the lay names in ``articles.lay_names``, stored normalised in
``FocusName`` rows by ``refresh_focus_names``. A question is matched against it longest name first,
case- and punctuation-insensitively; words left over are compared by trigram similarity (pg_trgm on
PostgreSQL, the same measure computed in Python on SQLite) so "alzhimers" still finds Alzheimer's.
The question type is recognised with rules over the question's own sentences.
"""

import bisect
import functools
import heapq
import logging
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import DatabaseError, connection, transaction
from django.db.models import Max
from django.dispatch import receiver

from .generation import current_generation
from .lay_names import LAY_NAMES
from .models import Article, FocusName, FocusSpelling, QuestionType
from .populations import without_group
from .signals import publication_changed

logger = logging.getLogger(__name__)

MAX_TEXT = 2000  # longer text is cut: the question is near the start or the end, not in the middle
MAX_NAME_WORDS = 8
FUZZY_THRESHOLD = 0.55
FUZZY_MIN_LENGTH = 5
MAX_FUZZY_CANDIDATES = 24
COMMON_NAME_WORD = 10  # a word in this many names or more is common ("congenital", "type", "primary")
EVERYDAY_WORD = 5000  # a focus named by a word used this often is a broad topic: surgery 33,205, stroke 14,811
RARE_ENGLISH = 400  # an eponym said on its own is rarer than this: duchenne (absent), noonan, wilson 982 is not
COMMON_ENGLISH = 1000  # "hospital", "showed", "stones" are over it; "haemophilia", "gout", "lupus" under
_TOKEN = re.compile(r"[^\W_]+")
_APOSTROPHE = re.compile(r"(?<=\w)['’`](?=\w)")

# Words that carry no focus: grammar, and the story around a question ("my husband asked the doctor").
STOP_WORDS = frozenset(
    """a about above after again against all also am an and any anything are as at be because been before being
    below between both but by can cannot could did do does doing done down during each either else ever every
    few for from further get gets getting got had has have having he her here hers herself him himself his how
    i if in into is it its itself just know like made make many may me might mine more most much must my myself
    no nor not now of off on once one only or other our ours out over own please really right said same say she
    should so some something still such than thank thanks that the their theirs them themselves then there these
    they thing things this those though through thus to too under until up upon us very want was way we well were
    what when where whether which while who whom whose why will with would yes yet you your yours yourself""".split()
)
STORY_WORDS = frozenset(
    """hi hello dear sir madam doctor doctors dr nurse husband wife mother mom mum father dad son daughter
    brother sister aunt uncle grandmother grandma grandfather grandpa grandson granddaughter friend friends
    boyfriend girlfriend partner baby child children kid kids family parents parent cousin neighbour neighbor
    year years month months week weeks day days ago last since old age aged today yesterday tomorrow morning
    evening night tell told asked ask wondering wonder worried worry scared help advice question questions
    answer thank thanks appreciate regards sorry confused hope hoping need needs someone anyone everyone people
    person man woman boy girl lately recently recent went go going came come coming see saw seen try tried
    think thought feel felt feeling keep kept lot lots little bit bad good better worse subject message""".split()
)
# Words that say which kind of question it is (recognised separately), not what it is about.
TYPE_WORDS = frozenset(
    """cause causes caused causing symptom symptoms sign signs treat treated treating treatment treatments cure
    test tests tested diagnose diagnosed diagnosis prevent prevention avoid risk outlook prognosis common rare
    inherited inherit hereditary passed families family genetic gene genes mutation mutations behind research
    trials trial clinical stage stages complications happen happens live living""".split()
)
NOISE = STOP_WORDS | STORY_WORDS
_NOT_TERMS = NOISE | TYPE_WORDS
# Generic heads an eponym drops in lay use: "Alzheimer's disease" is also just "alzheimers".
_EPONYM_HEADS = ("disease", "syndrome", "disorder")


def fold(text):
    """Text with accents removed and apostrophes inside words dropped ("Ménière's" -> "Menieres")."""
    text = unicodedata.normalize("NFKD", str(text or ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _APOSTROPHE.sub("", text)


def tokens(text):
    """The words of a text as written (accents folded), in order."""
    return _TOKEN.findall(fold(text))


# "a clot in her leg" is "a clot in the leg": possessives inside a name are all one.
_POSSESSIVES = frozenset("my his her their your our its".split())


def canonical(word):
    """A lower-case word as names compare it."""
    word = word.lower()
    return "the" if word in _POSSESSIVES else word


def normalise(text):
    """A name as the dictionary stores it: lower case, words only, single spaces, possessives as "the"."""
    return " ".join(canonical(word) for word in tokens(text))


# --- The focus dictionary ---------------------------------------------------------------------------------


def _in_capitals(word):
    """A word written as an abbreviation: capitals, or capitals with a plural s ("NETs"). "MS", "ALL",
    "AIDS" may name a focus even where the lower-case word is a common one; "I" does not."""
    return len(word) > 1 and (word.isupper() or _plural_in_capitals(word))


def _plural_in_capitals(word):
    """An abbreviation with a plural s: "NETs", "UTIs"."""
    return len(word) > 2 and word[-1] == "s" and word[:-1].isupper()


def _is_abbreviation(name):
    """A name written in capitals (DVT, ALS, NETs): it must be matched as written, "als" or "nets" are words."""
    words = tokens(name)
    return len(words) == 1 and sum(ch.isupper() for ch in words[0]) >= 2 and _in_capitals(words[0])


_LEAD_IN = re.compile(r"^\s*what (i|you) need to know about\s+", re.IGNORECASE)
_PARENTHESES = re.compile(r"\(([^()]*)\)")
_INCLUDING = re.compile(r"^\s*(including|such as|also known as|also called)\s+", re.IGNORECASE)
_PARTS = re.compile(r":|\s[-–—]\s")  # "Prostate Enlargement: BPH", "Parasites - Lice - Head Lice"
# A name's generic head, which readers drop: "carpal tunnel syndrome" is also "carpal tunnel".
_HEADS = ("syndrome", "disease", "disorder", "complex")
_NUMBERED = frozenset("factor type stage grade class group phase".split())  # "factor XI" is "factor 11"
_ROMAN = {numeral: str(n) for n, numeral in enumerate("i ii iii iv v vi vii viii ix x xi xii xiii xiv xv".split(), 1)}


def title_names(title):
    """The names a title holds besides itself, as MedQuAD's sources write titles.

    "What I need to know about Gestational Diabetes" names gestational diabetes; "Prostate Enlargement:
    Benign Prostatic Hyperplasia" names both halves; "Plasma Cell Neoplasms (Including Multiple Myeloma)"
    names both; "Neuroendocrine Tumors (NETs)" adds the abbreviation; "Parasites - Enterobiasis (also known as
    Pinworm Infection)" names enterobiasis and pinworm infection; "Urinary Incontinence in Men" is also
    "Urinary Incontinence" (``articles.populations``); "Tay-Sachs Disease" is also "Tay-Sachs".
    """
    written = str(title or "")
    title = _LEAD_IN.sub("", written)
    inside = [_INCLUDING.sub("", part) for part in _PARENTHESES.findall(title)]
    outside = _PARENTHESES.sub(" ", title)
    names = [outside, *_PARTS.split(outside)]
    names += [part for part in inside if _is_abbreviation(part) or _INCLUDING.match(part) is None and len(tokens(part)) > 1]
    for name in list(names):
        general = without_group(name)  # "Urinary Incontinence in Men" is about urinary incontinence
        if len(tokens(general)) >= 2:
            names.append(general)
    for name in list(names):
        words = tokens(name)
        rest = [word.lower() for word in words[:-1]]
        if len(rest) >= 2 and words[-1].lower() in _HEADS and not any(word in STOP_WORDS for word in rest):
            names.append(" ".join(words[:-1]))
        lower = [word.lower() for word in words]
        for i in range(2, len(words) - 1):  # "Charcot-Marie-Tooth disease type 2K" is also "Charcot-Marie-Tooth type 2K"
            if lower[i] in _HEADS and lower[i + 1] == "type":
                names.append(" ".join(words[:i] + words[i + 1 :]))
    for name in list(names):
        words = tokens(name)
        arabic = [_ROMAN.get(w.lower(), w) if i and words[i - 1].lower() in _NUMBERED else w for i, w in enumerate(words)]
        if arabic != words:  # "Factor XI deficiency" is also "factor 11 deficiency"
            names.append(" ".join(arabic))
    return [name for name in dict.fromkeys(n.strip() for n in names) if name and name != written]


def names_for(focus, synonyms=""):
    """The (normalised name, is abbreviation) pairs an article's focus goes by."""
    written = [focus, *str(synonyms or "").splitlines()]
    written += LAY_NAMES_BY_FOCUS.get(normalise(focus), [])
    written += title_names(focus)
    names = {}
    for name in written:
        key = normalise(name)
        if not key:
            continue
        # Matched only as written in capitals if every form is: a lower-case lay name ("copd") frees it.
        names[key] = names.get(key, True) and (_is_abbreviation(name) or key in NOISE)
        words = key.split()
        # "Alzheimer's disease" -> "alzheimers": the possessive marks an eponym readers shorten.
        if len(words) == 2 and words[1] in _EPONYM_HEADS and re.search(r"\w['’]s\b", name, re.I):
            names.setdefault(words[0], False)
    return [(key, abbreviation) for key, abbreviation in names.items() if len(key) <= 300]


LAY_NAMES_BY_FOCUS = {normalise(focus): names for focus, names in LAY_NAMES.items()}
_LAY_KEYS_BY_FOCUS = {focus: {normalise(name) for name in names} for focus, names in LAY_NAMES_BY_FOCUS.items()}


def refresh_focus_names(article_ids):
    """Rewrite the FocusName rows of these articles from their *published* focus and synonyms.

    A private draft, or an edited focus still under review, names nothing readers can be matched to.
    """
    article_ids = list(article_ids)
    for start in range(0, len(article_ids), 900):  # SQLite's limit on query parameters
        chunk = article_ids[start : start + 900]
        published = Article.objects.public().filter(pk__in=chunk).exclude(published_focus="")
        spelt = FocusName.objects.filter(is_abbreviation=False)
        before = set(spelt.filter(article_id__in=chunk).values_list("name", flat=True))
        FocusName.objects.filter(article_id__in=chunk).delete()
        rows = FocusName.objects.bulk_create(
            [
                FocusName(article_id=pk, name=name, is_abbreviation=abbreviation)
                for pk, focus, synonyms in published.values_list("pk", "published_focus", "published_focus_synonyms")
                for name, abbreviation in names_for(focus, synonyms)
            ],
            batch_size=2000,
        )
        now = {row.name for row in rows if not row.is_abbreviation}
        FocusSpelling.objects.bulk_create([FocusSpelling(name=name) for name in now], batch_size=2000, ignore_conflicts=True)
        gone = list(before - now)
        for part in range(0, len(gone), 900):
            names = gone[part : part + 900]
            held = set(spelt.filter(name__in=names).values_list("name", flat=True))  # by other articles
            FocusSpelling.objects.filter(name__in=set(names) - held).delete()


@receiver(publication_changed, dispatch_uid="articles.understanding.publication_changed")
def _published_state_changed(sender, article_ids, **kwargs):
    # After articles.publishing (apps.py imports it first): the published focus is already copied.
    refresh_focus_names(article_ids)
    _dictionary_cache["key"] = None  # this process reads it again; others see the change in its key


# --- Recognising the focus ------------------------------------------------------------------------------------


@dataclass
class FocusMatch:
    """A focus name found in the reader's text."""

    name: str  # normalised dictionary name
    start: int  # word span in the reader's text
    end: int
    similarity: float = 1.0  # 1.0 for an exact match
    article_ids: set = field(default_factory=set)

    @property
    def exact(self):
        return self.similarity >= 1.0

    @property
    def strength(self):
        """Longer and exact matches are more telling than short or approximate ones."""
        return (self.end - self.start) * self.similarity


def _spans(words, max_words=MAX_NAME_WORDS):
    """Every run of up to max_words words that does not end with a noise word, with its span.

    A run may start with a stop word only when it is longer than that word: "down syndrome", "a fib".
    """
    for start in range(len(words)):
        first_is_stop = words[start].lower() in STOP_WORDS and not _in_capitals(words[start])
        for end in range(start + 1 + first_is_stop, min(len(words), start + max_words) + 1):
            last = words[end - 1]
            if end - start == 1 and last.lower() in NOISE and not _in_capitals(last):
                continue
            if last.lower() in STOP_WORDS and not _in_capitals(last):
                continue
            yield start, end


def _exact_rows(candidates):
    """FocusName rows (name, is_abbreviation, article id) whose name is one of the candidates."""
    rows = []
    candidates = list(candidates)
    for chunk in range(0, len(candidates), 900):  # SQLite's limit on query parameters
        rows += FocusName.objects.filter(name__in=candidates[chunk : chunk + 900]).values_list(
            "name", "is_abbreviation", "article_id"
        )
    return rows


def _choose(matches):
    """Non-overlapping matches, strongest (longest, then exact) first."""
    chosen, taken = [], set()
    for match in sorted(matches, key=lambda m: (-m.strength, m.start)):
        span = set(range(match.start, match.end))
        if span & taken:
            continue
        taken |= span
        chosen.append(match)
    return chosen


# Readers' words for a kind of condition: "joint problems" are Joint Disorders, "kidney trouble" Kidney Disease.
_LAST_WORD_VARIANTS = dict.fromkeys(
    ["problem", "problems", "trouble", "troubles", "issue", "issues"], ["disorders", "diseases", "disorder", "disease"]
)


def _other_number(word):
    """A word's plural, or its singular when it ends in a plural "s" ("errors" -> "error", "error" -> "errors")."""
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word if word.endswith("s") or word.isdigit() else f"{word}s"


def recognise_foci(text):
    """The foci named in the text (longest, exact matches first; then close spellings)."""
    words = tokens(str(text or "")[:MAX_TEXT])
    lower = [canonical(w) for w in words]
    spans, variants = {}, {}  # name -> spans: as written; in the other number, for a run as written names nothing
    for start, end in _spans(words):
        spans.setdefault(" ".join(lower[start:end]), []).append((start, end))
        if _plural_in_capitals(words[end - 1]):  # "UTIs": also the singular UTI
            variants.setdefault(" ".join([*lower[start : end - 1], lower[end - 1][:-1]]), []).append((start, end))
        elif end - start > 1 and not _in_capitals(words[end - 1]):  # "a refractive error": Refractive Errors
            for last in _LAST_WORD_VARIANTS.get(lower[end - 1], [_other_number(lower[end - 1])]):
                variants.setdefault(" ".join([*lower[start : end - 1], last]), []).append((start, end))
    rows = _exact_rows(spans.keys() | variants.keys())
    found = {}
    for names in (spans, variants):
        named = set(found)  # a variant is not looked at for a run its written form names
        for name, abbreviation, article_id in rows:
            for start, end in names.get(name, ()):
                if (start, end) in named or abbreviation and not all(_in_capitals(w) for w in words[start:end]):
                    continue  # "all" is not ALL (acute lymphoblastic leukaemia)
                match = found.setdefault((start, end), FocusMatch(name, start, end))
                match.article_ids.add(article_id)
    exact = _choose(found.values())
    covered = {i for match in exact for i in range(match.start, match.end)}
    dictionary = _dictionary()  # read once a question: its key costs a query
    exact = _choose(exact + _eponyms(words, covered, dictionary))
    covered = {i for match in exact for i in range(match.start, match.end)}
    chosen = _choose(exact + _fuzzy_matches(words, covered, dictionary, misspelt_only=bool(exact)))
    # The condition a subtype belongs to, after everything else: "charcot marie tooth, type 1A" is also
    # Charcot-Marie-Tooth disease, whose articles answer what the subtype's do not (how it is inherited).
    within = [
        match
        for match in found.values()
        if match.end - match.start > 1
        and all(match is not c for c in chosen)
        and any(c.start <= match.start and match.end <= c.end for c in exact)
    ]
    return _with_same_focus(chosen + _choose(within) + _wider(exact))


# Endings of adjectives, which begin names too but name no one condition ("heterozygous", "recessive").
_NOT_EPONYM_ENDINGS = ("ous", "ive", "ed", "ing")
MAX_EPONYM_NAMES = 6  # "duchenne" begins a few names; a word that begins many is no one condition's


def _eponyms(words, covered, dictionary):
    """A rare word on its own that begins a few names: readers drop the rest of an eponym's name.

    "what tests are used to diagnose duchenne" is about Duchenne muscular dystrophy, "my son has
    noonan" about Noonan syndrome. The word must be rare in English and in names ("autosomal",
    "familial" begin hundreds), not in capitals (MECP2 is a gene, not its syndromes), not a medical
    adjective ("heterozygous"), and not spelt as another name on its own.
    """
    matches = []
    for i, written in enumerate(words):
        word = written.lower()
        if i in covered or _in_capitals(written) or len(word) < 5 or word.endswith(_NOT_EPONYM_ENDINGS):
            continue
        if word in _NOT_FUZZY or english_counts().get(word, 0) >= RARE_ENGLISH:
            continue
        if not 0 < dictionary.name_words[word] < COMMON_NAME_WORD:
            continue
        names = dictionary.beginning_with(word)
        if 0 < len(names) <= MAX_EPONYM_NAMES:
            ids = {article_id for _, abbreviation, article_id in _exact_rows(names) if not abbreviation}
            if ids:
                matches.append(FocusMatch(word, i, i + 1, article_ids=ids))
    return matches


# A kind of condition a name is the subject of: "anxiety" is also what Anxiety Disorders are about.
_KINDS = ("disorders", "disorder", "disease", "diseases", "infection", "infections", "syndrome")


def _wider(matches):
    """For each exact match, the foci named by it and a kind of condition, after everything else.

    "what treatments are there for anxiety" finds Anxiety (no treatment article) and Anxiety
    Disorders (one); "pinworms" finds Pinworm Infection.
    """
    spans = defaultdict(list)
    for match in matches:
        words = match.name.split()
        for stem in {match.name, " ".join([*words[:-1], _other_number(words[-1])])}:
            for kind in _KINDS:
                if not stem.endswith(kind):
                    spans[f"{stem} {kind}"].append(match)
    wider = {}
    for name, abbreviation, article_id in _exact_rows(spans):
        for match in spans[name]:
            wide = wider.setdefault((match.start, match.end), FocusMatch(name, match.start, match.end))
            wide.article_ids.add(article_id)
    return list(wider.values())


def _with_same_focus(matches):
    """Each match widened to the other articles on the same focus.

    The sources name one condition differently: "restless leg syndrome" is a synonym in one source's
    article only, and another source's "Restless Legs Syndrome" article answers the question too.
    So the articles a name found lend their focus, and every article going by that focus joins them.
    When the name found is itself some articles' focus, the articles that have it only among their
    other names lend nothing: "Aicardi-Goutieres syndrome" is listed among Leukodystrophy's, and
    every leukodystrophy is not it. Our own lay names still lend ("bladder control" is Urinary
    Incontinence as well as Bladder Control for Women).
    """
    found = set().union(*(match.article_ids for match in matches))
    if not found:
        return matches
    foci = dict(Article.objects.public().filter(pk__in=list(found)[:900]).values_list("pk", "published_focus"))
    # An article's focus, and the names its title holds ("Adult ALL" is also "ALL").
    focus_names = {pk: {normalise(name) for name in [focus, *title_names(focus)]} for pk, focus in foci.items()}
    own_names = {pk: names | _LAY_KEYS_BY_FOCUS.get(normalise(foci[pk]), set()) for pk, names in focus_names.items()}
    sharing = defaultdict(set)
    for name, abbreviation, article_id in _exact_rows(set().union(*focus_names.values())):
        sharing[name].add(article_id)
    for match in matches:
        owners = [pk for pk in match.article_ids if match.name in focus_names.get(pk, ())]
        lenders = [pk for pk in match.article_ids if match.name in own_names.get(pk, ())] if owners else match.article_ids
        for pk in list(lenders):
            for name in focus_names.get(pk, ()):
                match.article_ids |= sharing[name]
    return matches


# --- Close spellings ---------------------------------------------------------------------------------------


def trigrams(text):
    """pg_trgm's trigrams of a text: each word lower-cased, padded with two spaces before and one after."""
    grams = set()
    for word in _TOKEN.findall(str(text).lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def similarity(a, b):
    """pg_trgm's similarity(): shared trigrams over all trigrams of the two texts."""
    ta, tb = trigrams(a), trigrams(b)
    if not ta or not tb:
        return 0.0
    shared = len(ta & tb)
    return shared / (len(ta) + len(tb) - shared)


def _fuzzy_candidates(words, covered, dictionary, misspelt_only=False):
    """Runs of one to three words outside the exact matches, long enough to be misspelt names.

    A run is looked up only when it holds a telling word (`_Dictionary.telling`): a misspelling
    ("afakia"), or a word of a few names ("knee", for "knee replaced"). Runs of common words only
    ("congenital primary", "hospital says") were already looked up exactly, their close spellings
    are other things, and their common trigrams make the lookup slow. A generic head ("syndrome") may
    end a run only: "asher syndrome" is looked up (Ascher syndrome), "syndrome" alone is not. With
    `misspelt_only` (the text already names a focus exactly), a run must hold a likely misspelling.
    """
    lower = [w.lower() for w in words]
    telling = dictionary.misspelt if misspelt_only else dictionary.telling
    candidates = {}
    for start, end in _spans(words, max_words=3):
        run = lower[start:end]
        body = run[:-1] if len(run) > 1 and run[-1] in _GENERIC else run  # "asher syndrome" may be Ascher syndrome
        if covered & set(range(start, end)) or any(w in _NOT_FUZZY for w in body) or not any(map(telling, body)):
            continue
        phrase = " ".join(lower[start:end])
        if len(phrase) >= FUZZY_MIN_LENGTH and not phrase.isdigit():
            candidates.setdefault(phrase, []).append((start, end))
        if len(candidates) >= MAX_FUZZY_CANDIDATES:
            break
    return candidates


# Words no misspelt name is made of: grammar, the story, the kind of question, and generic heads. Their
# trigrams are in thousands of names, so looking them up is slow as well as pointless.
_GENERIC = frozenset(
    """disease diseases problem problems condition conditions disorder disorders syndrome infection infections
    positive negative normal""".split()
)
_NOT_FUZZY = NOISE | TYPE_WORDS | _GENERIC
FUZZY_TIMEOUT_MS = 250  # a close-spelling lookup that takes longer is given up: no match, never a slow page


def _fuzzy_matches(words, covered, dictionary, misspelt_only=False):
    candidates = _fuzzy_candidates(words, covered, dictionary, misspelt_only)
    if not candidates:
        return []
    best = {}  # phrase -> (similarity, name)
    finder = _pg_similar if connection.vendor == "postgresql" else dictionary.similar
    for phrase, name, score in finder(list(candidates)):
        # A one-word slip is a misspelling; a name of another length is another thing ("pressure ulcers").
        if score >= FUZZY_THRESHOLD and len(name.split()) == len(phrase.split()):
            if score > best.get(phrase, (0, ""))[0] or (score == best[phrase][0] and name < best[phrase][1]):
                best[phrase] = (score, name)
    if not best:
        return []
    ids = defaultdict(set)
    for name, abbreviation, article_id in _exact_rows({name for _, name in best.values()}):
        if not abbreviation:
            ids[name].add(article_id)
    matches = []
    for phrase, (score, name) in best.items():
        for start, end in candidates[phrase]:
            if ids[name]:
                matches.append(FocusMatch(name, start, end, similarity=round(score, 4), article_ids=set(ids[name])))
    return matches


def _pg_similar(phrases):
    """(phrase, name, similarity) for dictionary names close to each phrase, through the trigram index."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            return _pg_similar_rows(cursor, phrases)
    except DatabaseError as error:  # the statement timeout (QueryCanceled): bounded, not an error page
        logger.warning("Close-spelling lookup given up after %s ms: %s", FUZZY_TIMEOUT_MS, type(error).__name__)
        return []


def _pg_similar_rows(cursor, phrases):
    # SET LOCAL: the settings end with this transaction; inside a caller's, the two that matter are reset below.
    cursor.execute(f"SET LOCAL statement_timeout = {FUZZY_TIMEOUT_MS}")
    # The % operator's threshold drives the trigram index: at our threshold it reads few rows.
    cursor.execute(
        f"""
        SET LOCAL pg_trgm.similarity_threshold = {FUZZY_THRESHOLD};
        SET LOCAL enable_seqscan = off;
        SELECT c.phrase, n.name, n.score
        FROM unnest(%s::text[]) AS c(phrase)
        JOIN LATERAL (
            SELECT name, similarity(name, c.phrase) AS score FROM articles_focusspelling
            WHERE name %% c.phrase
            ORDER BY score DESC, name LIMIT 10
        ) n ON true
        """,
        [phrases],
    )
    rows = cursor.fetchall()
    cursor.execute("SET LOCAL statement_timeout TO DEFAULT; SET LOCAL enable_seqscan TO DEFAULT")
    return rows


class _TrigramIndex:
    """All dictionary names by trigram, for the Python similarity search on SQLite."""

    def __init__(self, names):
        self.names = names
        self.grams = [trigrams(name) for name in names]
        self.postings = defaultdict(list)
        for index, grams in enumerate(self.grams):
            for gram in grams:
                self.postings[gram].append(index)
        self._found = {}  # phrase -> its closest names: readers' words recur ("hospital", "syndrome")

    def similar(self, phrase, limit=5):
        if phrase not in self._found:
            if len(self._found) >= 20000:
                self._found.clear()
            grams = trigrams(phrase)
            shared = Counter()
            for gram in grams:
                shared.update(self.postings.get(gram, ()))
            # As pg_trgm's % operator: only names at the threshold or above, which share at least
            # that share of the phrase's trigrams (shared / all >= t needs shared >= t * the phrase's).
            needed = FUZZY_THRESHOLD * len(grams)
            scored = [
                (score, self.names[i])
                for i, n in shared.items()
                if n >= needed and (score := n / (len(grams) + len(self.grams[i]) - n)) >= FUZZY_THRESHOLD
            ]
            self._found[phrase] = heapq.nsmallest(limit, scored, key=lambda item: (-item[0], item[1]))
        return self._found[phrase]


@functools.cache
def english_counts():
    """How often each of ~160,000 English words is used: pyspellchecker's frequency list."""
    from spellchecker import SpellChecker

    return dict(SpellChecker(language="en", distance=1).word_frequency.dictionary)


@functools.cache
def common_english():
    """Common, correctly spelt English words: those used COMMON_ENGLISH times or more."""
    return frozenset(word for word, count in english_counts().items() if count >= COMMON_ENGLISH)


class _Dictionary:
    """The dictionary's names (not abbreviations) as this process holds them: their words, and a trigram index."""

    def __init__(self, names):
        self.names = names
        self.name_words = Counter(word for name in names for word in name.split())  # word -> names holding it
        self._index = None

    def telling(self, word):
        """Whether a word may be (part of) a misspelt name: rare in names, and a name's word or no common English."""
        held = self.name_words[word]
        return held < COMMON_NAME_WORD and (held > 0 or word not in common_english())

    def beginning_with(self, word):
        """The names whose first word is this one ("duchenne" -> "duchenne muscular dystrophy", …)."""
        start = bisect.bisect_left(self.names, f"{word} ")
        found = []
        for name in self.names[start : start + MAX_EPONYM_NAMES + 1]:
            if not name.startswith(f"{word} "):
                break
            found.append(name)
        return found

    def misspelt(self, word):
        """Whether a word is no name's and no common English: most likely a misspelling."""
        return word not in self.name_words and word not in common_english()

    def similar(self, phrases):
        """(phrase, name, similarity) for the names close to each phrase, in Python (SQLite; pg_trgm's measure)."""
        if self._index is None:  # built on first use: only SQLite looks names up in Python
            self._index = _TrigramIndex(self.names)
        return [(phrase, name, score) for phrase in phrases for score, name in self._index.similar(phrase)]


_dictionary_cache = {"key": None, "dictionary": None}


def _dictionary():
    """The dictionary, read again when it changed: a new page generation (a publication changed), or a newer row.

    Both are cheap to read on every question (counting the rows took PostgreSQL some 5 ms).
    """
    key = (current_generation(), FocusName.objects.aggregate(newest=Max("id"))["newest"])
    if _dictionary_cache["key"] != key:
        names = sorted(FocusSpelling.objects.values_list("name", flat=True))
        _dictionary_cache.update(key=key, dictionary=_Dictionary(names))
    return _dictionary_cache["dictionary"]


# --- Question type ---------------------------------------------------------------------------------------------

# (type, pattern, weight): the type with the highest total wins; "information" only when nothing else does.
_TYPE_RULES = [
    (QuestionType.CAUSES, r"\b(is|was|could|can) (it|that|this|these) (be )?(from|because|caused)\b|\bcaus(e|es|ed|ing)\b|\bwhy (do|does|did|would|am|is|are|have|has|can)\b|\breasons?\b|\btrigger|\bcome from\b|\bhow (do|did|does|can) (you|i|we|he|she|they|people|someone|one|a person) (get|catch|develop)\b|\bbrought on\b|\bresult of\b|\bdue to\b", 2),
    (QuestionType.SYMPTOMS, r"\bsymptoms?\b|\bsigns?\b|\bhow (do|can|would|will) (i|you|we|one) (know|tell)\b|\bwhat does (it|\w+) feel like\b|\bfeel like\b|\blook like\b|\bwarning\b|\bsymtoms?\b|\bsymptons?\b", 2),
    (QuestionType.TREATMENT, r"\btreat(ed|ing|ment|ments|s)?\b|\bcured?\b|\bcures\b|\btherap(y|ies)\b|\bmedicines?\b|\bmedications?\b|\bmeds\b|\bdrugs?\b|\bpills?\b|\bsurgery\b|\boperation\b|\bget rid of\b|\bwhat can (i|we|he|she|you) (take|do)\b|\bremed(y|ies)\b|\brelie(f|ve)\b|\bmanag(e|ed|ing|ement)\b|\bheal\b|\bfix\b|\bside effects?\b|\bdosage\b|\bdose\b|\b(anything|something|what) (else )?(that )?(can|could) (be done|help)\b|\bnothing (works|helps|has helped|seems to help)\b", 2),
    (QuestionType.PREVENTION, r"\bprevent(ed|ing|ion|s)?\b|\bavoid\b|\bstop (it|me|him|her|them)?\s*(from )?(getting|happening|coming)\b|\b(lower|reduce|cut) (my|the|his|her|our|your)? ?(risk|chances?)\b|\bprotect\b|\bvaccin|\bkeep from\b", 2),
    (QuestionType.EXAMS, r"\btests?\b|\btested\b|\btesting\b|\bdiagnos|\bscans?\b|\bcheck(ed)? for\b|\bscreen(ing)?\b|\bfind out if\b|\bx-?rays?\b|\bmri\b|\bbiopsy\b|\bblood work\b|\bdetect", 2),
    (QuestionType.OUTLOOK, r"\boutlook\b|\bprognosis\b|\blife expectancy\b|\bhow long (will|can|does|do|would)\b|\bsurviv|\bdie\b|\bdying\b|\bfatal\b|\bdeadly\b|\bgo away\b|\bget better\b|\brecover|\bpermanent\b|\bnormal life\b|\bchances?\b", 2),
    (QuestionType.COMPLICATIONS, r"\bcomplications?\b|\blead to\b|\bcan it cause\b|\bproblems? (can|could|does) it cause\b|\blong[- ]term effects?\b|\bdamage\b", 2),
    (QuestionType.STAGES, r"\bstages?\b|\bstaging\b|\bhow advanced\b|\bhow far (has )?it spread\b|\bgrade\b", 2),
    (QuestionType.SUSCEPTIBILITY, r"\bat risk\b|\brisk factors?\b|\bwho (gets|can get|is likely|is at risk|are at risk)\b|\bmore likely\b|\bmy risk\b|\bam i likely\b|\bwho is affected\b", 2),
    (QuestionType.FREQUENCY, r"\bhow common\b|\bhow many (people|americans|children|kids|men|women)\b|\bhow often (?!should|do (i|you|we) need|must)|\bprevalen|\bhow rare\b|\bis it rare\b|\bis it common\b|\bincidence\b", 3),
    (QuestionType.INHERITANCE, r"\binherit|\bhereditary\b|\bruns? in (the |my |our )?famil|\bpass(ed)? (it )?(on|down)\b|\bis (it|this|that) genetic\b|\bget it from (my|his|her|their) |\b(children|kids|son|daughter|baby) (get|have|inherit)|\bin the genes\b|\bfrom (my|his|her) (mother|father|mom|dad|parents)\b|\bget (it|this|that) from (me|us|him|her|them)\b|\bpassed (from|to) (a |the )?(parents?|mother|father|mom|dad|child|children)\b", 2),
    (QuestionType.GENETIC_CHANGES, r"\bgenes?\b|\bmutations?\b|\bgenetic changes?\b|\bdna\b|\bchromosomes?\b|\bwhich gene\b|\bgene change", 3),
    (QuestionType.CONSIDERATIONS, r"\bwhat to do for\b|\blive with\b|\bliving with\b|\bcop(e|ing)\b|\bdiet\b|\bwhat (can|should) (i|he|she|we) eat\b|\bfoods?\b|\bexercise\b|\bcare for\b|\bcaring for\b|\bday to day\b|\bdaily life\b", 1),
    (QuestionType.RESEARCH, r"\bresearch\b|\bclinical trials?\b|\bnew treatments?\b|\bstud(y|ies)\b|\blatest\b|\bbeing done\b|\bbreakthrough", 2),
    # Stronger phrasings that settle a tie between the kinds above.
    (QuestionType.SUSCEPTIBILITY, r"\b(higher|greater|increased|high|bigger) (risk|chance)\b|\bam i (still )?(at|more at) risk\b", 2),
    (QuestionType.EXAMS, r"\bget(ting)? (\w+ ){0,2}(checked|screened|tested)\b", 2),
    (QuestionType.PREVENTION, r"\b(do|take|eat) (now |today )?to (prevent|avoid|keep|protect|lower|reduce|stop)\b|\bso (this|it|that) (doesnt|does not|wont|will not|never) happen", 3),
    (QuestionType.INHERITANCE, r"\bpass(es|ed|ing)? (it |this |that |\w+ )?(on |down )?to (my|his|her|our|their|your) (sons?|daughters?|children|kids|baby|babies|grandchildren)\b|\bcarriers?\b|\b(will|would|could|can) (my|our|his|her|their) (children|kids|sons?|daughters?|baby) (get|have|inherit)\b|\bchances? (that )?(my|our|his|her|their|the) (\d+ )?(sons?|daughters?|children|kids|child|baby|babies) (will )?(gets?|has|have|inherits?|develops?)\b", 3),
    (QuestionType.CONSIDERATIONS, r"\bfoods? (to|that|i|we|he|she|you) (should |can |must )?(avoid|eat)\b|\bwhat (foods|to eat)\b|\b(eat|eating|drink|drinking) or (avoid|avoiding)\b|\bshould (i|we|he|she|you) (be )?(eat|eating|drink|drinking)\b", 3),
    (QuestionType.SUPPORT, r"\bsupport\b|\bother (people|families) (with|who)\b|\btalk to others\b", 3),
    (QuestionType.OUTLOOK, r"\boutgrow|\bgrow out of\b|\bwill (it|they|this|the \w+) get (worse|better)\b|\bhow (fast|quickly) will\b|\bhow long until\b", 3),
    (QuestionType.RESEARCH, r"\bnew (\w+ )?(drugs|medicines|medications|treatments)\b|\b(studies|trials?) (going on|for|of)\b|\banything new\b", 3),
    (QuestionType.INFORMATION, r"\bwhat (is|are|s)\b|\bwhat does \w+ mean\b|\bmeaning\b|\btell me about\b|\bexplain\b|\bdefin|\binformation\b|\bmore about\b", 1),
]
_WHAT_IT_IS = re.compile(
    r"\bwhat (exactly )?(is|are) (this|it|that|these|they)( condition| disease| syndrome| disorder)?\b(?! (like|for|from|caused|called))|\bwhat exactly is\b|"
    r"\b(never|not) heard of (it|this|that)\b|\btell me (more )?about (this|it|that)\b|\binformation (about|on) (this|that|the) (condition|disease|syndrome|disorder)\b",
    re.IGNORECASE,
)
_COMPILED_RULES = [(qtype, re.compile(pattern, re.IGNORECASE), weight) for qtype, pattern, weight in _TYPE_RULES]
_SENTENCE = re.compile(r"(?<=[.?!])\s+|\n+")
_QUESTION_START = re.compile(
    r"^\s*(what|whats|how|why|is|are|can|could|does|do|did|should|will|would|which|who|where|when|any|tell|explain|"
    r"i (want|would like|need) to know|i wonder|wondering|please|"
    r"i (would like|d like|want|need|am looking for|was hoping for) (some |more |any )?(information|info)|any (information|info))\b",
    re.IGNORECASE,
)


# A message sent through a web form: "SUBJECT: Marfan syndrome MESSAGE: is there anything that can be done?"
_FORM = re.compile(r"^\s*subject\s*:\s*(?P<subject>.*?)\s*message\s*:\s*(?P<message>.*)$", re.IGNORECASE | re.DOTALL)


def question_sentences(text):
    """The sentences that ask something (a question mark or a question word first); all if none does.

    A web form's subject line is asked too: it names what the message is about, often the only place
    that does ("SUBJECT: Refsum disease MESSAGE: my son has this, will his children get it?").
    """
    text = fold(str(text or "")[:MAX_TEXT])
    form = _FORM.match(text)
    subject, text = (form["subject"].strip(), form["message"]) if form else ("", text)
    sentences = [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]
    asking = [s for s in sentences if s.endswith("?") or _QUESTION_START.match(s)]
    return ([subject] if subject else []) + (asking or sentences)


def recognise_type(text):
    """The kind of question asked (a QuestionType value), or "" when the text does not say."""
    asked = recognise_types(text)
    return asked[0] if asked else ""


def recognise_types(text):
    """Every kind of question the text asks, the main one first ("why does it happen, and how is it treated?")."""
    sentences = question_sentences(text)
    scores, first = Counter(), {}  # the kind's weight, and where it is first asked (a tie goes to the first asked)
    for n, sentence in enumerate(sentences):
        for qtype, pattern, weight in _COMPILED_RULES:
            hits = [hit.start() for hit in pattern.finditer(sentence)]
            if hits:
                scores[qtype] += weight * len(hits)
                first[qtype] = min(first.get(qtype, (n, hits[0])), (n, hits[0]))
    if not scores:
        return []
    specific = sorted((qtype for qtype in scores if qtype != QuestionType.INFORMATION), key=lambda qtype: (-scores[qtype], first[qtype]))
    information = [QuestionType.INFORMATION.value]
    # "what is this condition and why does it happen?": asked what it is first, the overview answers both.
    what_it_is = sum(3 * len(_WHAT_IT_IS.findall(sentence)) for sentence in sentences)
    if specific and what_it_is <= scores[specific[0]]:
        return specific + (information if QuestionType.INFORMATION in scores else [])
    return information + specific


# --- Together --------------------------------------------------------------------------------------------------


@dataclass
class Understanding:
    """What we made of a reader's question."""

    foci: list  # FocusMatch, the one the message is most likely about first
    question_type: str  # a QuestionType value or ""
    terms: list  # the question's own meaningful words, for the full-text fallback
    also_asked: list = field(default_factory=list)  # the other kinds of question the text asks, in order

    @property
    def type_label(self):
        return QuestionType(self.question_type).label if self.question_type else ""


def content_terms(text, limit=8):
    """The question sentences' meaningful words (no stop, story or type words); the whole text's if they have few."""

    def terms_of(part):
        words = [w.lower() for w in tokens(part)]
        return [w for w in dict.fromkeys(words) if w not in _NOT_TERMS and len(w) > 2 and not w.isdigit()]

    terms = terms_of(" ".join(question_sentences(text)))
    if len(terms) < 2:
        terms = list(dict.fromkeys(terms + terms_of(str(text or "")[:MAX_TEXT])))
    return terms[:limit]


# What a doctor's diagnosis is reported with, in the four words before a name: "the neurologist says she has …".
_DIAGNOSED = re.compile(
    r"\b(diagnosed (with|as)|diagnosis (of|was|is)|called (it|this|that)|calls (it|this|that)|(says|said) (it is|its|(she|he|i|we|they) (has|have|had))|"
    r"told (me |us |him |her )?(i|we|he|she|they|it) (have|has|had|is|was)|(thinks?|thought) (it|this) (is|was|may be|might be|could be)|"
    r"mentioned|came back (as|positive for)|it is probably|its probably|turned out to be|says|said|(it )?(might|may|could) be|"
    r"(show|shows|showed|found|confirmed)( (it was|it is|that (she|he|i|it) (has|have|had|is|was)))?)( (a|an|the))?$"
)


def _broad(focus):
    """Whether a focus is named by one everyday word ("surgery", "blood", "stroke", "pregnancy"): a broad topic."""
    return " " not in focus.name and english_counts().get(focus.name, 0) >= EVERYDAY_WORD


def _asked_about_first(foci, text):
    """The foci in the order the message is most likely about them:

    1. a narrower focus before a broad topic ("a doctor mentioned Ascher syndrome … can surgery fix
       the lip?" is about Ascher syndrome);
    2. one in a web form's subject line;
    3. a reported diagnosis ("my sister was just diagnosed with celiac", "the doctor said AMD");
    4. the question sentences' foci in the order asked, then the story's ("my husband takes a water
       pill for blood pressure … what causes gout attacks?" is about gout).
    """
    asked = f" {' '.join(canonical(w) for w in tokens(' '.join(question_sentences(text))))} "
    words = [canonical(w) for w in tokens(text)]  # as recognise_foci saw them: spans index these
    positions = {id(f): asked.find(f" {' '.join(words[f.start : f.end])} ") for f in foci}
    in_question = sorted((f for f in foci if positions[id(f)] >= 0), key=lambda f: positions[id(f)])
    in_story = [f for f in foci if positions[id(f)] < 0]
    diagnosed = {id(f) for f in foci if _DIAGNOSED.search(" ".join(words[max(0, f.start - 4) : f.start]))}
    form = _FORM.match(fold(text))
    subject = len(tokens(form["subject"])) + 1 if form else 0  # "SUBJECT" and the subject's words
    ordered = in_question + in_story
    return sorted(ordered, key=lambda f: (_broad(f), not (f.start < subject), id(f) not in diagnosed))


def _without_names(text, foci):
    """The text without the names found in it: a name's words do not say the kind of question asked
    ("what is maternally inherited Leigh syndrome?" asks what it is, not how it is inherited)."""
    text, words = fold(text), tokens(text)
    for focus in foci:
        named = [word.lower() for word in words[focus.start : focus.end]]
        if len(named) < 2 or all(word in TYPE_WORDS for word in named):
            continue  # "medicines", "surgery", "clinical trials" are foci, and also say what is asked
        name = r"\W+".join(re.escape(word) for word in words[focus.start : focus.end])
        text = re.sub(rf"(?<!\w){name}(?!\w)", " ", text, flags=re.IGNORECASE)
    return text


def understand(text):
    """The focus, question type and meaningful words of a reader's question."""
    text = str(text or "")[:MAX_TEXT]
    foci = _asked_about_first(recognise_foci(text), text)
    asked = recognise_types(_without_names(text, foci))
    return Understanding(foci=foci, question_type=asked[0] if asked else "", terms=content_terms(text), also_asked=asked[1:])
