"""Understanding a reader's follow-up question: its focus, its kind, and the articles that answer it."""

import pytest
from django.db import connection

from articles.matching import follow_up_matches
from articles.models import FocusName, FocusSpelling, QuestionType, Status
from articles import understanding
from articles.understanding import (
    content_terms, names_for, question_sentences, recognise_foci, recognise_type, recognise_types, similarity, tokens, understand,
)
from reviews.diffs import revision_lines
from tests.factories import approve_current, edit_article, make_approved_article, make_article

DVT_NAMES = "DVT\nVenous thrombosis of the leg"


def make_focus_article(question, focus, question_type, synonyms="", **kwargs):
    """A public article about a focus, answering one kind of question."""
    return make_approved_article(
        question, focus=focus, focus_synonyms=synonyms, question_type=question_type, guidelines=kwargs.pop("text", question), **kwargs
    )


@pytest.fixture
def library(db):
    """A small site: deep vein thrombosis (three kinds), diabetes and type 2 diabetes, Alzheimer's, ALL."""
    return {
        "dvt_causes": make_focus_article("What causes deep vein thrombosis?", "Deep Vein Thrombosis", "causes", DVT_NAMES),
        "dvt_treatment": make_focus_article("How is deep vein thrombosis treated?", "Deep Vein Thrombosis", "treatment", DVT_NAMES),
        "dvt_info": make_focus_article("What is deep vein thrombosis?", "Deep Vein Thrombosis", "information", DVT_NAMES),
        "diabetes_symptoms": make_focus_article("What are the symptoms of diabetes?", "Diabetes", "symptoms"),
        "type2_symptoms": make_focus_article("What are the symptoms of type 2 diabetes?", "Diabetes Type 2", "symptoms"),
        "alzheimer_causes": make_focus_article("What causes Alzheimer's disease?", "Alzheimer's Disease", "causes"),
        "all_info": make_focus_article(
            "What is adult acute lymphoblastic leukemia?", "Adult Acute Lymphoblastic Leukemia", "information", "ALL"
        ),
        "swelling": make_approved_article(
            "Why do ankles swell in the evening?", guidelines="Swelling of the ankles in the evening has many causes."
        ),
    }


def focus_of(text):
    """The dictionary name of the strongest focus recognised in the text, or None."""
    foci = recognise_foci(text)
    return foci[0].name if foci else None


# --- Focus recognition -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("my doctor thinks I have a DVT, what now?", "dvt"),  # abbreviation, as written
        ("what is adult ALL", "all"),
        ("is sugar diabetes the same as diabetes?", "sugar diabetes"),  # lay name (articles.lay_names)
        ("I have a blood clot in my leg after a flight", "blood clot in the leg"),  # "my" or "the" alike
        ("my granny had alzheimers, what causes it", "alzheimers"),  # eponym without "disease", no apostrophe
        ("What causes Alzheimer’s disease?", "alzheimers disease"),  # curly apostrophe
        ("what are the first signs of type 2 diabetes", "type 2 diabetes"),  # multi-word, via the lay names
        ("symptoms of DEEP-VEIN thrombosis!!", "deep vein thrombosis"),  # case and punctuation
        ("he has had two DVTs since March", "dvt"),  # an abbreviation's plural
    ],
)
def test_focus_is_recognised_in_lay_wording_and_abbreviations(library, text, expected):
    """Abbreviations, lay names and multi-word foci are found, the longest name winning."""
    assert focus_of(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("what causes alzhimers", "alzheimers"),
        ("how is deep vien thrombosis treated", "deep vein thrombosis"),
        ("what are the symptoms of diabettes", "diabetes"),
    ],
)
def test_misspelt_foci_are_found_by_similarity(library, text, expected):
    """A misspelt focus is matched by trigram similarity, on PostgreSQL and on SQLite alike."""
    match = recognise_foci(text)[0]
    assert (match.name, match.exact) == (expected, False)


def test_words_that_are_also_abbreviations_do_not_match_in_lower_case(library):
    """"all" is a word; only "ALL" names the leukaemia."""
    assert focus_of("are all these pills safe to take together") is None
    assert focus_of("I have ALL") == "all"
    assert focus_of("do dvts hurt") is None  # a plural in lower case is a word, as the singular would be


def test_the_longest_name_wins_over_a_shorter_one_inside_it(library):
    """"Type 2 diabetes" is one focus, not "diabetes" plus noise."""
    foci = recognise_foci("my dad has diabetes type 2 and numb feet")
    assert [f.name for f in foci] == ["diabetes type 2"]


def test_editors_synonyms_reach_readers_only_once_approved(library):
    """An edited focus is reviewed like the text: matching follows it after approval, not before."""
    article = library["dvt_causes"]
    assert FocusName.objects.filter(article=article, name="venous thrombosis of the leg").exists()
    edit_article(article, focus_synonyms="Leg clot", question_type="treatment")  # saved, waiting for review
    assert not FocusName.objects.filter(article=article, name="leg clot").exists()
    answer = follow_up_matches("what causes DVT", limit=1)
    assert [(a.pk, a.match_reason) for a in answer.articles] == [(article.pk, "About Deep Vein Thrombosis: causes")]

    approve_current(article)
    assert FocusName.objects.filter(article=article, name="leg clot").exists()
    assert not FocusName.objects.filter(article=article, name="venous thrombosis of the leg").exists()
    assert follow_up_matches("how is a leg clot treated", limit=1).articles[0].match_reason == (
        "About Deep Vein Thrombosis: treatment"
    )


def test_a_misspelt_name_follows_the_approved_synonyms(library):
    """Close spellings are looked up among the approved names: a new synonym is found misspelt once approved,
    not while under review; an old one's spelling goes when no article goes by it any more."""
    article = library["dvt_causes"]
    edit_article(article, focus_synonyms="DVT\nPhlebothrombosis")
    assert focus_of("is phlebothrombossis serious") is None  # waiting for review
    approve_current(article)
    assert focus_of("is phlebothrombossis serious") == "phlebothrombosis"
    assert FocusSpelling.objects.filter(name="venous thrombosis of the leg").exists()  # the other DVT articles
    for other in (library["dvt_treatment"], library["dvt_info"]):
        edit_article(other, focus_synonyms="DVT\nPhlebothrombosis")
        approve_current(other)
    assert not FocusSpelling.objects.filter(name="venous thrombosis of the leg").exists()
    assert FocusSpelling.objects.filter(name="phlebothrombosis").count() == 1
    assert not FocusSpelling.objects.filter(name="dvt").exists()  # abbreviations are matched as written only


def test_a_private_draft_names_no_focus(db):
    """A draft never submitted is not public, so readers' questions cannot be matched to it."""
    make_article("What causes gout?", status=Status.DRAFT, guidelines="Uric acid crystals.", focus="Gout", question_type="causes")
    assert not FocusName.objects.filter(name="gout").exists()
    assert follow_up_matches("what causes gout").articles == []


@pytest.mark.once
def test_names_for_a_focus_include_the_eponym_short_form_and_flag_abbreviations():
    """Alzheimer's disease is also "alzheimers"; capitals mark an abbreviation matched as written."""
    names = dict(names_for("Alzheimer's disease", "AD\nSenile dementia of the Alzheimer type"))
    assert names["alzheimers disease"] is False and names["alzheimers"] is False
    assert names["ad"] is True
    assert names["senile dementia of the alzheimer type"] is False


@pytest.mark.once
@pytest.mark.parametrize(
    "title, also",
    [
        ("What I need to know about Gestational Diabetes", ["gestational diabetes"]),  # a lead-in, not a name
        ("Prostate Enlargement: Benign Prostatic Hyperplasia", ["prostate enlargement", "benign prostatic hyperplasia"]),
        ("Plasma Cell Neoplasms (Including Multiple Myeloma)", ["plasma cell neoplasms", "multiple myeloma"]),
        ("Tay-Sachs Disease", ["tay sachs"]),  # the generic head readers drop
        ("Carpal Tunnel Syndrome", ["carpal tunnel"]),
        ("Parasites - Enterobiasis (also known as Pinworm Infection)", ["enterobiasis", "pinworm infection"]),
        ("Parasites - Lice - Head Lice", ["head lice"]),
    ],
)
def test_a_title_also_names_its_parts(title, also):
    """MedQuAD's sources write titles that hold several names; a reader may use any one of them."""
    names = dict(names_for(title))
    assert all(names.get(name) is False for name in also), names


def test_a_name_from_one_sources_synonyms_finds_every_article_on_that_focus(db):
    """"Restless leg syndrome" is a synonym in one article only; the other article on the focus answers the cause."""
    frequency = make_focus_article(
        "How many people have restless legs syndrome?", "restless legs syndrome", "frequency", "restless leg syndrome"
    )
    causes = make_focus_article("What causes Restless Legs Syndrome?", "Restless Legs Syndrome", "causes")
    answer = follow_up_matches("my legs feel creepy at night, the doctor says restless leg syndrome. what causes it?")
    assert [a.pk for a in answer.articles] == [causes.pk, frequency.pk]
    assert answer.articles[0].match_reason == "About Restless Legs Syndrome: causes"


def test_an_umbrella_article_listing_a_condition_lends_it_nothing(db):
    """Leukodystrophy lists Aicardi-Goutieres syndrome among its other names; CADASIL, another leukodystrophy,
    is not an answer about Aicardi-Goutieres syndrome."""
    ags = make_focus_article("Is Aicardi-Goutieres syndrome inherited?", "Aicardi-Goutieres syndrome", "inheritance")
    umbrella = make_focus_article("What is leukodystrophy?", "Leukodystrophy", "information", "Aicardi-Goutieres syndrome")
    make_focus_article("Is CADASIL inherited?", "CADASIL", "inheritance", "Leukodystrophy")
    answer = follow_up_matches("our son had aicardi goutieres syndrome. is it passed down?", limit=5)
    assert [a.pk for a in answer.articles] == [ags.pk, umbrella.pk]


@pytest.mark.once
def test_titles_give_no_names_that_are_common_words():
    """A head is kept when dropping it leaves one word ("down") or a phrase with a stop word; "(NETs)" is an abbreviation."""
    assert set(dict(names_for("Down Syndrome"))) == {"down syndrome", "downs syndrome", "downs", "trisomy 21"}
    assert "anemia in chronic kidney" not in dict(names_for("Anemia in Chronic Kidney Disease"))
    assert dict(names_for("Neuroendocrine Tumors (NETs)"))["nets"] is True
    assert "childhood" not in dict(names_for("Hodgkin Lymphoma (Childhood)"))


def test_a_lower_case_lay_name_frees_an_abbreviation_and_a_plural_abbreviation_matches_as_written(db):
    """articles.lay_names lists "copd" in lower case, so "copd" finds COPD; "NETs" finds neuroendocrine tumors, "nets" does not."""
    copd = make_focus_article("What is COPD?", "COPD", "information")
    nets = make_focus_article("What are neuroendocrine tumors?", "Neuroendocrine Tumors (NETs)", "information")
    assert follow_up_matches("my mom has copd, what is it exactly?", limit=1).articles == [copd]
    assert recognise_foci("what are NETs")[0].article_ids == {nets.pk}
    assert all(nets.pk not in f.article_ids for f in recognise_foci("do fishing nets cause cuts"))


def test_close_spellings_are_looked_up_only_for_runs_that_may_be_misspelt_names(db):
    """A misspelling, or a word of a few names, is looked up; runs of common words only are not (they cost most)."""
    for n in range(10):  # "congenital" is in ten names: a common word of names
        make_focus_article(f"What is congenital disorder {n}?", f"Congenital disorder {n}", "information")
    make_focus_article("What is knee replacement?", "Knee Replacement", "information")
    text = "the hospital says he has congenital primary afakia. I had a knee replaced"
    looked_up = set(understanding._fuzzy_candidates(tokens(text), set(), understanding._dictionary()))
    assert {"congenital primary afakia", "primary afakia", "afakia", "knee replaced"} <= looked_up
    assert not looked_up & {"hospital", "hospital says", "congenital", "congenital primary", "primary", "replaced"}
    assert focus_of("I had a knee replaced, how long until I can walk?") == "knee replacement"


@pytest.mark.once
@pytest.mark.parametrize(
    "a, b, expected",
    [("word", "two words", 0.36363637), ("alzhimers", "alzheimers", 0.61538464), ("diabetes", "diabetes", 1.0), ("", "x", 0.0)],
)
def test_python_similarity_is_pg_trgm_similarity(a, b, expected):
    """The SQLite fallback scores spellings exactly as pg_trgm's similarity() does (values from PostgreSQL 15)."""
    assert similarity(a, b) == pytest.approx(expected, abs=1e-6)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the statement timeout is PostgreSQL's")
def test_a_slow_close_spelling_lookup_is_given_up_and_the_page_goes_on(library, monkeypatch, caplog):
    """Over its time limit the lookup is cancelled: no close-spelling match, no error, and the
    database connection keeps working for the rest of the request."""
    import articles.understanding as understanding

    def slow(cursor, phrases):
        cursor.execute("SET LOCAL statement_timeout = 50")
        cursor.execute("SELECT pg_sleep(1)")  # as a lookup over a huge dictionary would take
        return []

    monkeypatch.setattr(understanding, "_pg_similar_rows", slow)
    assert recognise_foci("what causes alzhimers") == []
    assert "given up after" in caplog.text
    assert follow_up_matches("what causes DVT", limit=1).articles == [library["dvt_causes"]]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compares with PostgreSQL's own pg_trgm")
@pytest.mark.django_db
def test_python_similarity_agrees_with_pg_trgm_on_the_database():
    """The Python measure and pg_trgm give the same score for misspellings readers make."""
    pairs = [("alzhimers", "alzheimers"), ("deep vien thrombosis", "deep vein thrombosis"), ("athsma", "asthma"), ("gout", "gouty arthritis")]
    with connection.cursor() as cursor:
        for a, b in pairs:
            cursor.execute("SELECT similarity(%s, %s)", [a, b])
            assert similarity(a, b) == pytest.approx(cursor.fetchone()[0], abs=1e-6)


# --- Question type ------------------------------------------------------------------------------------------------


@pytest.mark.once
@pytest.mark.parametrize(
    "text, expected",
    [
        ("What is gout exactly?", QuestionType.INFORMATION),
        ("why do I keep getting kidney stones", QuestionType.CAUSES),
        ("is that from his heart pills?", QuestionType.CAUSES),
        ("how do I know if my chest pain is angina", QuestionType.SYMPTOMS),
        ("what can I take for the pain", QuestionType.TREATMENT),
        ("how can I avoid getting the flu", QuestionType.PREVENTION),
        ("what test tells if I have celiac", QuestionType.EXAMS),
        ("how long can someone live with ALS", QuestionType.OUTLOOK),
        ("what complications can diabetes lead to", QuestionType.COMPLICATIONS),
        ("what are the stages of breast cancer", QuestionType.STAGES),
        ("who is at risk for osteoporosis", QuestionType.SUSCEPTIBILITY),
        ("how common is down syndrome", QuestionType.FREQUENCY),
        ("does it run in families? will my kids get it", QuestionType.INHERITANCE),
        ("which gene mutation causes fragile x", QuestionType.GENETIC_CHANGES),
        ("what to do for kidney stones at home, what diet helps", QuestionType.CONSIDERATIONS),
        ("are there clinical trials for parkinsons", QuestionType.RESEARCH),
        ("where can I find a support group for caregivers", QuestionType.SUPPORT),
        ("my daughter has eczema", ""),
        # Stronger phrasings outweigh the weaker words beside them ("avoid" is prevention, "chances" outlook).
        ("my mom had it. am I at higher risk of getting high blood pressure", QuestionType.SUSCEPTIBILITY),
        ("can I pass hemophilia to my son even though I don't have it?", QuestionType.INHERITANCE),
        ("what are the chances our baby has CF if we are both carriers?", QuestionType.INHERITANCE),
        ("I take synthroid. are there foods I should avoid?", QuestionType.CONSIDERATIONS),
        ("he is on keppra now. will he outgrow the epilepsy?", QuestionType.OUTLOOK),
        ("are there any studies going on for new alzheimer drugs?", QuestionType.RESEARCH),
        ("I have charcot marie tooth like my dad. what are the chances my kids get it?", QuestionType.INHERITANCE),
        ("what can I do now to keep my bones strong so this doesn't happen to me?", QuestionType.PREVENTION),
        ("what can I do to prevent it? does aspirin help", QuestionType.PREVENTION),
        ("how often should I be getting my eyes checked?", QuestionType.EXAMS),
        ("how often does it happen in newborns?", QuestionType.FREQUENCY),
        ("My nephew was just diagnosed. Is there anything that can be done for him", QuestionType.TREATMENT),
        ("nothing works anymore, what now?", QuestionType.TREATMENT),
        ("please send me anything new on it.", QuestionType.RESEARCH),
        ("is there anything I should be eating or avoiding, like salt?", QuestionType.CONSIDERATIONS),
        ("did he get it from me? can it be passed from parent to child?", QuestionType.INHERITANCE),
        # Asked what it is first: the overview answers both ("why does it happen" alone is causes, above).
        ("we had never heard of this. what is this condition and why does it happen?", QuestionType.INFORMATION),
        ("what is it and can it be treated", QuestionType.INFORMATION),
        ("what is the treatment for it?", QuestionType.TREATMENT),
    ],
)
def test_question_type_is_recognised_for_every_type(text, expected):
    """Each MedQuAD question type is recognised in lay wording; a bare statement asks no type."""
    assert recognise_type(text) == expected


def test_the_focus_asked_about_comes_before_one_only_in_the_story(library):
    """A condition mentioned in the story ranks after the one the question sentence names."""
    text = "I have had diabetes for years and my feet hurt. What causes deep vein thrombosis?"
    assert [f.name for f in understand(text).foci] == ["deep vein thrombosis", "diabetes"]
    assert follow_up_matches(text, limit=1).articles[0] == library["dvt_causes"]


def test_a_name_in_the_other_number_is_found_when_the_words_as_written_name_nothing(db):
    """"a refractive error" is one of the Refractive Errors; a name as written wins over its other number."""
    errors = make_focus_article("What are refractive errors?", "Refractive Errors", "information")
    brain = make_focus_article("What is a brain aneurysm?", "Brain Aneurysm", "information", "Cerebral aneurysm")
    make_focus_article("What are cerebral aneurysms?", "Cerebral Aneurysms", "information")
    make_focus_article("What should I know about medicines?", "Medicines", "information")
    assert follow_up_matches("my eye doctor said i have a refractive error. what is it?", limit=1).articles == [errors]
    assert recognise_foci("what is a cerebral aneurysm")[0].article_ids == {brain.pk}
    assert recognise_foci("any medicine for it") == []  # one word is not turned into another number


@pytest.mark.once
def test_names_for_a_focus_include_arabic_numbers_and_the_name_without_its_head():
    """Readers write "factor 11" for factor XI, drop "disease" before a type, and "complex" after a name."""
    assert "factor 11 deficiency" in dict(names_for("Factor XI deficiency"))
    assert "type 2 diabetes" in dict(names_for("Type II diabetes"))
    assert "charcot marie tooth type 2k" in dict(names_for("Charcot-Marie-Tooth disease type 2K"))
    assert "tuberous sclerosis" in dict(names_for("Tuberous sclerosis complex"))
    assert set(dict(names_for("Vitamin D deficiency"))) == {"vitamin d deficiency"}  # "d" is no numeral


def test_readers_problems_are_the_articles_disorders(db):
    """"joint problems" and "kidney trouble" name Joint Disorders and Kidney Disease."""
    joints = make_focus_article("What are joint disorders?", "Joint Disorders", "information")
    kidneys = make_focus_article("What is kidney disease?", "Kidney Disease", "information")
    for text, article in (("I'd like general information on joint problems", joints), ("my dad has kidney trouble, what is it", kidneys)):
        answer = follow_up_matches(text, limit=1)
        assert answer.articles == [article]
        assert answer.articles[0].match_reason == f"About {article.focus}: what it is"  # recognised, not shared words


def test_a_subtype_without_the_answer_falls_back_to_its_condition(db):
    """Charcot-Marie-Tooth type 1A has no article on inheritance; Charcot-Marie-Tooth disease has."""
    make_focus_article("What is Charcot-Marie-Tooth disease type 1A?", "Charcot-Marie-Tooth disease type 1A", "information")
    inherited = make_focus_article("Is Charcot-Marie-Tooth disease inherited?", "Charcot-Marie-Tooth disease", "inheritance")
    text = "I have charcot marie tooth, type 1A, like my dad. what are the chances my kids get it?"
    assert [f.name for f in understand(text).foci] == ["charcot marie tooth type 1a", "charcot marie tooth"]
    assert follow_up_matches(text, limit=1).articles == [inherited]


def test_an_eponym_said_on_its_own_finds_its_condition(db):
    """"duchenne" is Duchenne muscular dystrophy; a word that begins many names, or a gene in capitals, finds nothing."""
    tested = make_focus_article("How to diagnose Duchenne muscular dystrophy?", "Duchenne muscular dystrophy", "exams and tests")
    make_focus_article("What is MECP2 duplication syndrome?", "MECP2 duplication syndrome", "information")
    for n in range(7):
        make_focus_article(f"What is Autosomal recessive disorder {n}?", f"Autosomal recessive disorder {n}", "information")
    answer = follow_up_matches("my son falls a lot and has big calves. what tests are used to diagnose duchenne", limit=1)
    assert answer.articles == [tested]
    assert answer.articles[0].match_reason == "About Duchenne muscular dystrophy: tests and diagnosis"
    assert recognise_foci("is autosomal inheritance rare") == []
    assert recognise_foci("the test found a MECP2 mutation") == []
    make_focus_article("What is heterozygous OSMED?", "Heterozygous OSMED", "information")
    assert recognise_foci("what does heterozygous mean") == []  # an adjective, not an eponym


def test_a_name_also_finds_the_kind_of_condition_it_names(db):
    """"pinworms" is what Pinworm Infection is about: its treatment article answers "how do you treat it"."""
    make_focus_article("What are pinworms?", "Pinworms", "information")
    treated = make_focus_article("How is pinworm infection treated?", "Pinworm Infection", "treatment")
    answer = follow_up_matches("I saw little white worms. pinworms? how do you treat it?", limit=2)
    assert [a.question for a in answer.articles] == ["How is pinworm infection treated?", "What are pinworms?"]
    assert answer.articles[0] == treated


def test_the_words_of_a_name_do_not_say_what_is_asked(db):
    """"inherited" in Maternally inherited Leigh syndrome is its name; "medicines" asked about is the question."""
    make_focus_article("What is maternally inherited Leigh syndrome?", "Maternally inherited Leigh syndrome", "information")
    make_focus_article("What are medicines?", "Medicines", "information")
    assert understand("what is maternally inherited Leigh syndrome?").question_type == QuestionType.INFORMATION
    assert understand("what medicines are used for high blood pressure").question_type == QuestionType.TREATMENT


def test_a_misspelt_eponym_is_found_with_its_head(db):
    """"Asher syndrome" is Ascher syndrome, beside a goiter named right; "syndrome" alone is never looked up."""
    make_focus_article("What is a goiter?", "Goiter", "information")
    ascher = make_focus_article("What is Ascher syndrome?", "Ascher syndrome", "information")
    text = "they found a goiter on my thyroid. a doctor mentioned Asher syndrome. can you tell me about this condition"
    assert {f.name for f in understand(text).foci} == {"goiter", "ascher syndrome"}
    assert ascher in follow_up_matches(text, limit=2).articles
    assert "syndrome" not in understanding._fuzzy_candidates(tokens("what is this syndrome"), set(), understanding._dictionary())


def test_a_misspelt_name_is_found_beside_one_spelt_right(library):
    """The condition asked about is misspelt, another in the story is spelt right: both are found, the longer first."""
    text = "my mother has diabetes and now the doctor says deep vien thrombosis. what causes it?"
    assert [f.name for f in understand(text).foci] == ["deep vein thrombosis", "diabetes"]
    assert follow_up_matches(text, limit=1).articles == [library["dvt_causes"]]


def test_a_reported_diagnosis_comes_before_other_conditions_in_the_story(library):
    """Neither is named in the question sentence; the one a doctor's diagnosis names is what it asks about."""
    text = "I have had diabetes for years and my mother was just diagnosed with a DVT. What causes it?"
    assert [f.name for f in understand(text).foci] == ["dvt", "diabetes"]
    assert follow_up_matches(text, limit=1).articles == [library["dvt_causes"]]


def test_a_subject_line_then_a_reported_diagnosis_then_the_question_sentences(library):
    """The diagnosis reported outranks a condition the question sentence mentions; a subject line outranks both."""
    text = "My mother was just diagnosed with a DVT. Could her diabetes be the cause?"
    assert [f.name for f in understand(text).foci] == ["dvt", "diabetes"]
    assert follow_up_matches(text, limit=1).articles == [library["dvt_causes"]]
    text = "SUBJECT: diabetes MESSAGE: My mother was just diagnosed with a DVT. What are the symptoms?"
    assert [f.name for f in understand(text).foci] == ["diabetes", "dvt"]
    assert follow_up_matches(text, limit=1).articles == [library["diabetes_symptoms"]]


def test_a_diagnosis_said_or_shown_by_tests_counts_as_reported(library):
    """"my doctor says …", "the tests show …": the condition named is what the message asks about."""
    for text in (
        "I have had diabetes for years. My doctor says deep vein thrombosis. What causes this?",
        "I have had diabetes for years and the scan showed a DVT. What causes this?",
        "I have had diabetes for years and her doctor said it might be a DVT. What causes this?",
    ):
        assert [f.name for f in understand(text).foci][0] in ("deep vein thrombosis", "dvt")
        assert follow_up_matches(text, limit=1).articles == [library["dvt_causes"]]


@pytest.mark.once
def test_asking_for_information_is_a_question_sentence():
    """"I would like information about …" asks, without a question mark; the story before it does not."""
    text = "I had treatment for it last year. My dermatologist called it a rash. I would like information about this condition."
    assert question_sentences(text) == ["I would like information about this condition."]


def test_a_broad_topic_comes_after_the_condition_wherever_it_is_named(library):
    """"Surgery" is named in the question, DVT only in the story: the message is about DVT."""
    make_focus_article("What is surgery?", "Surgery", "information")
    text = "The doctor found a DVT in my leg last week. How is it treated, will I need surgery?"
    assert [f.name for f in understand(text).foci] == ["dvt", "surgery"]
    assert follow_up_matches(text, limit=1).articles == [library["dvt_treatment"]]


def test_a_name_that_starts_with_a_stop_word_is_recognised(db):
    """"Down syndrome" starts with "down", a stop word: a run of two or more words may start with one."""
    make_focus_article("What is Down syndrome?", "Down syndrome", "information")
    assert focus_of("our baby was born with down syndrome last month") == "down syndrome"
    assert focus_of("he fell down the stairs") is None


@pytest.mark.once
def test_long_stories_are_reduced_to_their_question_sentences():
    """The story around a question does not drive its type or its search words."""
    text = (
        "My husband is 70. He had an MI last year and has been on several pills since then. "
        "The doctor changed his dose in March. Now his ankles swell every evening. Could that be from his heart pills?"
    )
    assert question_sentences(text) == ["Could that be from his heart pills?"]
    assert recognise_type(text) == QuestionType.CAUSES
    assert content_terms(text) == ["heart", "pills"]


@pytest.mark.once
def test_every_kind_asked_is_kept_in_order():
    """A message asking two things: the main one first, the other after it; information last, when also asked."""
    assert recognise_types("why does it happen, and how is it treated? any information helps") == ["causes", "treatment", "information"]
    assert recognise_types("what is this condition and how is it treated?") == ["information", "treatment"]
    assert recognise_types("my daughter has eczema") == []


def test_the_second_kind_asked_comes_before_kinds_not_asked(library):
    """Asked why DVT happens and how it is treated: causes, then treatment, then what it is."""
    answer = follow_up_matches("My mother has a DVT. Why did it happen and how is it treated?", limit=3)
    assert questions(answer) == [
        "What causes deep vein thrombosis?",
        "How is deep vein thrombosis treated?",
        "What is deep vein thrombosis?",
    ]
    reverse = follow_up_matches("My mother has a DVT. How is it treated, and why did it happen?", limit=2)
    assert questions(reverse) == ["How is deep vein thrombosis treated?", "What causes deep vein thrombosis?"]


@pytest.mark.once
def test_a_web_forms_subject_line_is_part_of_the_question():
    """"SUBJECT: … MESSAGE: …" as a library's web form sends it: the subject names what is asked about, the labels are no words of the question."""
    text = "SUBJECT: Refsum disease MESSAGE: My son has this. His wife has asthma. Will his children get it?"
    assert question_sentences(text) == ["Refsum disease", "Will his children get it?"]
    assert recognise_type(text) == QuestionType.INHERITANCE
    assert content_terms(text) == ["refsum", "disease"]
    assert question_sentences("subject: gout\nmessage: What causes it?") == ["gout", "What causes it?"]


def test_the_condition_in_a_subject_line_comes_before_one_in_the_story(library):
    """The story names Alzheimer's disease, at more length; the subject line names what the message asks about."""
    text = "SUBJECT: DVT MESSAGE: My mother has Alzheimer's disease. She had one in March. Why does it happen?"
    assert [f.name for f in understand(text).foci] == ["dvt", "alzheimers disease"]
    assert follow_up_matches(text, limit=1).articles[0] == library["dvt_causes"]


# --- Ranking -----------------------------------------------------------------------------------------------------


def questions(answer):
    return [a.question for a in answer.articles]


def test_same_focus_and_type_first_then_same_focus_then_full_text(library):
    """Asked why DVT happens: the causes article, then other DVT articles, then articles sharing words."""
    answer = follow_up_matches("My mother got a DVT after her hip operation. Why does it happen?", limit=5)
    assert questions(answer)[0] == "What causes deep vein thrombosis?"
    assert set(questions(answer)[1:3]) == {"How is deep vein thrombosis treated?", "What is deep vein thrombosis?"}
    assert answer.focus == "Deep Vein Thrombosis"
    assert answer.type_label == "causes"
    assert answer.articles[0].match_reason == "About Deep Vein Thrombosis: causes"


def test_a_long_story_question_finds_its_focus_first_and_story_words_do_not_pull_pages_in(library):
    """Story words ("mother", "evening", "ankles") do not outrank the question's focus."""
    text = (
        "Hello, my mother is 78 and her ankles swell every evening, and last week the doctor found a blood clot "
        "in her leg. She is very worried and so am I. How is it treated and will she need pills for ever? Thank you"
    )
    answer = follow_up_matches(text, limit=3)
    assert questions(answer)[0] == "How is deep vein thrombosis treated?"


def test_without_a_recognised_focus_full_text_matches_say_so(library):
    """No focus: articles sharing the question's words, explained as such."""
    answer = follow_up_matches("why do my ankles swell in the evening", limit=3)
    assert questions(answer)[0] == "Why do ankles swell in the evening?"
    assert answer.focus == ""
    assert answer.articles[0].match_reason.startswith("Shares the words")


def test_private_drafts_are_never_matched(library):
    """Only public articles are offered, whatever their focus."""
    draft = make_article("DVT draft notes", status="draft", focus="Deep Vein Thrombosis", question_type="causes")
    answer = follow_up_matches("what causes DVT", limit=10)
    assert draft.question not in questions(answer)
    assert questions(answer)[0] == "What causes deep vein thrombosis?"


def test_the_full_text_fill_reads_questions_not_answers_on_every_database(db):
    """With no focus recognised, matches share the reader's words in their question; an answer that
    only mentions a word is not one (PostgreSQL and the SQLite fallback alike)."""
    asking = make_approved_article("Can zebrafish help study hearing loss?", guidelines="Their hair cells regrow.")
    make_approved_article("What is tinnitus?", guidelines="Ringing in the ears. Zebrafish research is mentioned here.")
    answer = follow_up_matches("tell me about zebrafish please", limit=5)
    assert questions(answer) == [asking.question]
    assert answer.articles[0].match_reason == "Shares the word “zebrafish” with your question"


def test_a_word_is_not_found_inside_a_longer_one_on_every_database(db):
    """"hearing" finds hearing loss, not heart failure, although "hear" is in "heart"."""
    make_approved_article("What is heart failure?", guidelines="The heart pumps too weakly.")
    hearing = make_approved_article("What is hearing loss?", guidelines="Sounds seem quieter.")
    assert questions(follow_up_matches("any research on hearing?", limit=5)) == [hearing.question]


def test_the_explanation_names_the_focus_of_the_first_match(db):
    """Two conditions in a story: the one with an answer of the kind asked is listed first, and
    "We read your question as about …" names that one, not the other."""
    make_focus_article("What is assisted living?", "Assisted Living", "information")
    prevention = make_focus_article("How to prevent urinary tract infections?", "Urinary Tract Infections", "prevention", "UTI")
    answer = follow_up_matches("My mother lives in assisted living and keeps getting UTIs. How can we prevent them?", limit=5)
    assert answer.articles[0] == prevention
    assert (answer.focus, answer.question_type) == ("Urinary Tract Infections", "prevention")


def test_the_same_top_result_on_every_database(library):
    """The SQLite fallback and PostgreSQL agree on the fixture's top answers (this test runs on both)."""
    expected = {
        "what causes alzhimers": "What causes Alzheimer's disease?",
        "signs of type 2 diabetes?": "What are the symptoms of type 2 diabetes?",
        "symptoms of diabetis": "What are the symptoms of diabetes?",
        "how do they treat a DVT": "How is deep vein thrombosis treated?",
    }
    assert {text: questions(follow_up_matches(text, limit=1))[0] for text in expected} == expected


HOSTILE = [
    "",
    " \t\n ",
    "x" * 10_000,
    "what causes DVT " * 700,  # 10 KB of a real question
    "DVT\x00\x01\x07 causes\x1b[31m?",
    "the of and is it what how why",
    "糖尿病の原因は何ですか",
    "Что вызывает тромбоз глубоких вен?",
    "ما هي أسباب الجلطة؟",
    "'; DROP TABLE articles_article; --",
    "DVT' OR 1=1 --",
    "deep & vein | !thrombosis <-> (causes:*)",
    "%_\\%' ESCAPE",
    "<script>alert(1)</script> DVT",
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_gets_a_sensible_answer_and_no_error(library, text):
    """Empty, huge, control characters, stop words only, other scripts, SQL and tsquery syntax: no error."""
    answer = follow_up_matches(text, limit=5)
    assert len(answer.articles) <= 5
    if "DVT" in text:  # the focus is still found amid the noise
        assert answer.focus == "Deep Vein Thrombosis"
    if not text.strip() or text.startswith("the of"):
        assert answer.articles == []


# --- What the reader sees ------------------------------------------------------------------------------------------


def ask(client, article, text):
    return client.post(f"/articles/{article.slug}/follow-up/", {"text": text, "website": ""}, REMOTE_ADDR="10.0.0.9", HTTP_ORIGIN="http://testserver", follow=True)


def test_the_reader_sees_the_right_article_first_with_a_plain_explanation(client, library):
    """A long story-style question: the right answer first, and why, in plain words."""
    text = (
        "My mum (81) came back from a long coach trip with one swollen calf and the GP said DVT. "
        "She takes lots of tablets already. What causes this? Should we have done something?"
    )
    html = ask(client, library["swelling"], text).content.decode()
    sent = html[html.index("Articles that may answer it now") :]
    assert "We read your question as about <strong>Deep Vein Thrombosis</strong>, asking about <strong>causes</strong>." in sent
    first = sent.index("<li>")
    assert sent.index("What causes deep vein thrombosis?", first) < sent.index("How is deep vein thrombosis treated?", first)
    assert "About Deep Vein Thrombosis: causes" in sent


def test_when_nothing_matches_the_reader_is_told_honestly(client, library):
    """No article answers it: say so, and that the question is kept for the editors."""
    html = ask(client, library["dvt_info"], "Зачем нужен витамин К новорождённым?").content.decode()
    assert "We found no article on our site that answers it yet. Your question is kept for our editors" in html


def test_an_editor_gives_an_article_a_focus_and_synonyms_in_the_admin(client, library):
    """The admin form has the focus fields; what the editor types is what readers' questions find."""
    from tests.factories import article_admin_data, make_user

    client.force_login(make_user("focus-editor", superuser=True))
    article = library["swelling"]
    form = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert 'name="focus"' in form and 'name="focus_synonyms"' in form and 'name="question_type"' in form
    data = article_admin_data(article, focus="Ankle swelling", focus_synonyms="swollen ankles\npuffy feet", question_type="causes")
    response = client.post(f"/admin/articles/article/{article.pk}/change/", data)
    assert response.status_code == 302
    # A change readers would see ("About Ankle swelling"), so the reviewer sees it in what changed…
    article.refresh_from_db()
    lines = revision_lines(article.current_revision)
    assert "Focus: Ankle swelling" in lines and "Other names for the focus: swollen ankles; puffy feet" in lines
    assert "Kind of question: causes" in lines
    assert not FocusName.objects.filter(article=article).exists()
    assert not any("Ankle swelling" in a.match_reason for a in follow_up_matches("puffy feet every night").articles)
    # …and readers' questions find it by those names once approved.
    approve_current(article)
    answer = follow_up_matches("Why are my feet so puffy? puffy feet every night", limit=1)
    assert questions(answer) == ["Why do ankles swell in the evening?"]
    assert answer.articles[0].match_reason == "About Ankle swelling: causes"
