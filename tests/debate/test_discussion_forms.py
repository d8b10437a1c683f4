"""The discussion's forms refuse what they must with an error beside the field and what was
typed kept: the report form, invisible-only text, NUL characters; and their ids stay unique
when several are on one page."""

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from debate import discussion
from debate.forms import PostForm, ReportForm

from .conftest import HTMX

pytestmark = pytest.mark.django_db

ARGUMENT = "A careful argument that is long enough to post."


@pytest.fixture(autouse=True)
def _render_every_request(settings):
    settings.ANONYMOUS_CACHE_SECONDS = 0


@pytest.fixture
def reporting(client, make_post, make_member, side_one):
    post = make_post(position=side_one)
    client.force_login(make_member())
    return post, reverse("debate:report", args=[post.pk])


# The report form ---------------------------------------------------------------------------


def test_a_report_without_a_reason_keeps_the_note(client, reporting):
    _post, url = reporting

    response = client.post(url, {"note": "Look at the second link."})

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    html = response.content.decode()
    assert "Choose a reason." in html
    assert ">Look at the second link.</textarea>" in html


def test_a_report_with_an_unknown_reason_says_so_beside_the_reasons(client, reporting):
    _post, url = reporting

    response = client.post(url, {"reason": "boring", "note": "Kept note."})

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    html = response.content.decode()
    assert "Select a valid choice" in html
    assert ">Kept note.</textarea>" in html


def test_a_too_long_note_is_an_error_beside_it_with_the_note_kept(client, reporting):
    _post, url = reporting
    note = "n" * 501

    response = client.post(url, {"reason": "spam", "note": note})

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    html = response.content.decode()
    assert "at most 500 characters" in html
    assert 'aria-invalid="true"' in html
    assert f">{note}</textarea>" in html
    assert 'value="spam" checked' in html or re.search(r'value="spam"[^>]*checked', html)


def test_a_report_error_with_htmx_is_the_form_in_the_items_slot(client, reporting):
    post, url = reporting

    response = client.post(url, {"note": "n" * 501}, **HTMX)

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response["HX-Retarget"] == f"#post-{post.pk}-slot"
    assert "Choose a reason." in response.content.decode()


# NUL and invisible text --------------------------------------------------------------------


@pytest.fixture
def forms_urls(make_post, article, side_one, member):
    mine = make_post(member, position=side_one, created_at=timezone.now())
    other = make_post(position=side_one)
    return {
        "rebut": reverse("debate:rebut", args=[article.slug, side_one.slug]),
        "comment": reverse("debate:comment", args=[article.slug]),
        "reply": reverse("debate:reply", args=[other.pk]),
        "edit": reverse("debate:edit", args=[mine.pk]),
    }


@pytest.mark.parametrize("form", ["rebut", "comment", "reply", "edit"])
def test_a_nul_in_a_post_is_the_forms_error_with_the_text_kept(member_client, forms_urls, form):
    response = member_client.post(forms_urls[form], {"body": ARGUMENT + "\x00"})

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    html = response.content.decode()
    assert "Null characters are not allowed." in html
    assert 'aria-invalid="true"' in html


def test_a_nul_in_a_report_note_is_the_forms_error(client, reporting):
    _post, url = reporting

    response = client.post(url, {"reason": "spam", "note": "Bad\x00 note"})

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "Null characters are not allowed." in response.content.decode()


INVISIBLE = [
    "\u200b" * 30,  # zero-width space
    "\u200c\u200d\u2060\ufeff" * 8,  # joiners, word joiner, byte order mark
    "\u00ad" * 25,  # soft hyphens
    "\u3164" * 25,  # Hangul filler
    "a\u200b" * 5 + "\u200b" * 20,  # five visible characters among invisible ones
]


@pytest.mark.parametrize("body", INVISIBLE)
def test_invisible_text_counts_as_nothing(body):
    form = PostForm({"body": body})

    assert not form.is_valid()
    assert "body" in form.errors


def test_the_visible_length_is_what_the_error_reports():
    form = PostForm({"body": "a\u200b" * 5 + "\u200b" * 40})

    form.is_valid()

    assert form.errors["body"] == ["Write at least 20 characters (you wrote 5)."]


def test_text_with_visible_characters_and_a_joiner_passes():
    body = "A family emoji 👨\u200d👩\u200d👧 and enough words around it."

    assert PostForm({"body": body}).is_valid()


def test_an_invisible_only_rebuttal_comes_back_with_the_error(member_client, forms_urls):
    response = member_client.post(forms_urls["rebut"], {"body": "\u200b" * 30})

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "Write something first." in response.content.decode()


# Several forms on one page -----------------------------------------------------------------


def test_two_report_forms_have_different_ids(make_post, side_one):
    first, second = make_post(position=side_one), make_post(position=side_one)

    html = str(ReportForm(post=first)) + str(ReportForm(post=second))  # as Django draws them

    ids = re.findall(r'id="([^"]+)"', html)
    assert ids
    assert len(ids) == len(set(ids))


def test_the_report_forms_radio_ids_are_the_posts_own(client, reporting):
    post, url = reporting

    html = client.get(url).content.decode()

    assert f'id="report-{post.pk}-reason_0"' in html
    assert 'id="id_reason_0"' not in html


# Small things ------------------------------------------------------------------------------


def test_times_show_their_time_zone(client, make_post, side_one, article, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    post = make_post(position=side_one)

    html = client.get(reverse("debate:post_detail", args=[post.pk])).content.decode()

    created = post.created_at.astimezone(timezone.get_current_timezone())
    assert f"{created:%H:%M} {created:%Z}</time>" in html


def test_the_limit_message_counts_a_window_longer_than_a_day(veteran, side_one, settings):
    settings.POST_LIMIT = 1
    settings.POST_LIMIT_WINDOW_SECONDS = 2 * 86_400 + 60
    author = veteran()
    now = timezone.now()
    discussion.post_create(
        author=author,
        target=discussion.Target(side_one.article, "rebuttal", position=side_one),
        body_md=ARGUMENT,
        now=now - timedelta(hours=1),
    )

    with pytest.raises(discussion.PostingLimited) as refused:
        discussion.posting_limits_check(author, "Something else entirely, long enough.", now)

    assert "in the last 2881 minutes" in refused.value.message
