"""Unicode PostgreSQL can store is stored and returned exactly, however unusual."""

from __future__ import annotations

import pytest

from tests.support.hostile_input import client_for

pytestmark = pytest.mark.django_db

UNICODE = {
    "RTL override": "abc\u202edcba\u202c",
    "Arabic and Hebrew": "مرحبا שלום",
    "emoji ZWJ sequence": "👩‍👩‍👧‍👦 🏳️‍🌈",
    "combining marks": "e\u0301\u0308\u0323 Z̷̢͎̈́a̸l̵g̶o",
    "BOM and zero-width": "\ufeffa\u200bb\u200dc",
    "astral plane": "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𐍈",
    "noncharacter": "\uffff\ufdd0",
    "line and paragraph separators": "a\u2028b\u2029c",
}


@pytest.mark.parametrize("text", UNICODE.values(), ids=UNICODE.keys())
def test_unusual_but_valid_unicode_round_trips_exactly(hostile_world, text):
    response = client_for(hostile_world, "staff").post(f"/api/sessions/{hostile_world.ids['session']}/conversations/",
                                                       {"role": "agent", "message": text, "metadata": {text: text}},
                                                       format="json")
    assert response.status_code == 201, response.content
    from sessions_app.models import TechConversation

    row = TechConversation.objects.get(pk=response.json()["id"])
    assert row.message == text and row.metadata == {text: text}
    assert response.json()["message"] == text
