"""A worried reader pastes a long story-style question and sees the right article first, with why."""

import pytest
from playwright.sync_api import expect

from tests.factories import make_approved_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DVT = "DVT\nBlood clot in the leg"


def test_a_story_style_question_gets_the_right_article_first_and_a_plain_explanation(live_server, page, screenshot_dir):
    """The causes article about the reader's focus comes first, explained in plain words."""
    article = make_approved_article("Why do ankles swell in the evening?", guidelines="Swollen ankles have many causes.")
    for question, qtype in [
        ("What is deep vein thrombosis?", "information"),
        ("What causes deep vein thrombosis?", "causes"),
        ("How is deep vein thrombosis treated?", "treatment"),
    ]:
        make_approved_article(
            question, focus="Deep Vein Thrombosis", focus_synonyms=DVT, question_type=qtype, guidelines=question
        )
    page.goto(live_server.url + article.get_absolute_url())
    page.get_by_label("Your question").fill(
        "Hello, my mum is 81 and came back from a long coach trip with one swollen, sore calf. The GP said it was "
        "a blood clot in her leg and gave her injections. She already takes lots of tablets. What causes this, "
        "and could we have done something? Thank you"
    )
    page.get_by_role("button", name="Send my question").click()
    sent = page.locator(".follow-up__sent")
    expect(sent).to_contain_text("We read your question as about Deep Vein Thrombosis, asking about causes.")
    first = sent.locator(".follow-up__matches li").first
    expect(first).to_contain_text("What causes deep vein thrombosis?")
    expect(first).to_contain_text("About Deep Vein Thrombosis: causes")
    page.locator("#follow-up").screenshot(path=str(screenshot_dir / "follow-up-matches-explained-1280.png"))
