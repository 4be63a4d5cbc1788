"""Control characters are refused in every text field editors and reviewers fill, with a clear message."""

import pytest
from django.core.exceptions import ValidationError

from articles.models import AnswerSection, Article, FollowUpQuestion, Topic
from qa_site.text import control_character_message, strip_control_characters, validate_plain_text
from references.models import Reference
from reviews.models import BoardMember, ReviewEvent

pytestmark = pytest.mark.once

TEXT_FIELDS = [
    (Article, ["question", "summary", "credit"]),
    (AnswerSection, ["source_name", "body", "body_patient", "body_caregiver", "body_student", "body_professional"]),
    (Topic, ["name", "description"]),
    (Reference, ["authors", "title", "container", "volume", "issue", "pages"]),
    (BoardMember, ["name", "credentials", "specialty", "bio"]),
    (ReviewEvent, ["comment"]),
    (FollowUpQuestion, ["text"]),
]
CASES = [(model, name) for model, names in TEXT_FIELDS for name in names]


@pytest.mark.parametrize("model, name", CASES, ids=[f"{m.__name__}.{n}" for m, n in CASES])
def test_every_text_field_refuses_a_control_character_and_names_it(model, name):
    """U+0001 in any of these fields is refused with a message naming it and where it is."""
    field = model._meta.get_field(name)
    with pytest.raises(ValidationError) as error:
        field.run_validators("Start\x01 of heading")
    assert error.value.messages == [
        "Remove the invisible control character U+0001 at character 6. Text may contain letters, tabs and line "
        "breaks, but not control characters (they usually come from copying out of another program)."
    ]
    field.run_validators("Tab\tand\r\nline breaks.")  # accepted: no error


@pytest.mark.parametrize("character", ["\x00", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f", "\ufffe", "\ud800"])
def test_each_kind_of_control_character_is_refused_and_stripped(character):
    text = f"A question{character}?"
    assert f"U+{ord(character):04X}" in control_character_message(text)
    assert strip_control_characters(text) == "A question?"
    with pytest.raises(ValidationError):
        validate_plain_text(text)


def test_ordinary_text_in_any_script_passes():
    """Accents, non-Latin scripts, symbols and emoji are text, not control characters."""
    text = "Café au lait spots — ¿qué son? 神经内分泌肿瘤 · µg/L ≥ 5 ✓ 🩺\twith a tab\nand a line"
    assert control_character_message(text) is None
    assert strip_control_characters(text) == text
    validate_plain_text(text)


def test_the_message_counts_further_control_characters():
    assert "U+0007 at character 2 (and 2 more)" in control_character_message("a\x07b\x01c\x02")
