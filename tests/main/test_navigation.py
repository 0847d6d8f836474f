"""The main navigation: each role's daily pages in sight, configuration grouped, nothing that leads nowhere."""

from __future__ import annotations

import re


def _nav(page: str) -> str:
    return page[page.index('<nav aria-label="Main">') : page.index("</nav>")]


def _top_level_labels(nav: str) -> list[str]:
    inline = re.sub(r"<details.*?</details>", "", nav, flags=re.S)
    return [re.sub(r"<.*?>", "", label).strip() for label in re.findall(r"<a [^>]*>(.*?)</a>", inline, flags=re.S)]


def test_an_admin_without_an_agent_gets_no_agent_pages_and_a_grouped_administration_menu(client, login_as):
    login_as("admin")
    nav = _nav(client.get("/calls/").get_data(as_text=True))
    labels = _top_level_labels(nav)
    assert "My coaching" not in nav and "My rubric" not in nav and "My role-plays" not in nav
    assert "<summary>Administration</summary>" in nav
    administration = nav[nav.index("<details") : nav.index("</details>")]
    for page in ("Teams", "Users", "Rubrics"):
        assert f">{page}</a>" in administration and page not in labels
    assert len(labels) <= 10, labels


def test_an_agent_sees_their_own_pages_and_no_administration(client, login_as):
    login_as("agent")
    nav = _nav(client.get("/me/coaching").get_data(as_text=True))
    for page in ("My coaching", "My rubric", "My role-plays", "My calls"):
        assert page in nav
    assert "Administration" not in nav


def test_a_qa_manager_keeps_rubrics_in_the_main_navigation(client, login_as):
    login_as("qa_manager")
    nav = _nav(client.get("/calls/").get_data(as_text=True))
    assert "Rubrics" in _top_level_labels(nav) and "Administration" not in nav
