"""Plain text that every page, feed and database can carry: no control characters.

Tab, line feed and carriage return are ordinary text. Every other C0 and C1 control
character, DEL, lone surrogates and the non-characters U+FFFE/U+FFFF are invisible, cannot
be written in XML 1.0 (one of them made the Atom feed answer 500) and are never part of a
medical question. Shared by every app, so it lives beside the settings, not in one of them.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def strip_control_characters(value):
    """The text without its control characters (tab, line feed and carriage return kept)."""
    return CONTROL_CHARACTERS.sub("", value) if isinstance(value, str) else value


def control_character_message(value):
    """The message naming the first control character in the text, or None if it has none."""
    match = CONTROL_CHARACTERS.search(value) if isinstance(value, str) else None
    if match is None:
        return None
    count = len(CONTROL_CHARACTERS.findall(value))
    others = f" (and {count - 1} more)" if count > 1 else ""
    return (
        f"Remove the invisible control character U+{ord(match.group()):04X} at character {match.start() + 1}{others}. "
        "Text may contain letters, tabs and line breaks, but not control characters "
        "(they usually come from copying out of another program)."
    )


@deconstructible
class NoControlCharacters:
    """Model and form field validator: refuses text with control characters, with a clear message."""

    code = "control_character"

    def __call__(self, value):
        message = control_character_message(value)
        if message:
            raise ValidationError(message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, NoControlCharacters)


no_control_characters = NoControlCharacters()


def validate_plain_text(value):
    """Raise ValidationError if the text holds control characters (for services taking text arguments)."""
    no_control_characters(value)
