"""Writing on the article page: rebut, reply, comment, preview, errors, limits, sign-in."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from debate.models import Post, PostKind, PostStatus

from .conftest import HTMX

pytestmark = pytest.mark.django_db

ARGUMENT = "A **careful** argument that is long enough to post."


@pytest.fixture(autouse=True)
def _render_every_request(settings):
    settings.ANONYMOUS_CACHE_SECONDS = 0


def rebut_url(article, side):
    return reverse("debate:rebut", args=[article.slug, side.slug])


def html_of(response):
    return response.content.decode()


def test_visitor_sees_sign_in_to_rebut_each_side_leading_back_to_the_form(client, article):
    html = html_of(client.get(article.get_absolute_url()))

    assert html.count(">Sign in to rebut</a>") == 2
    assert "/accounts/login/?next=/articles/a-debate/sides/side-one/rebut/" in html
    assert ">Sign in to comment</a>" in html


def test_member_sees_a_rebut_control_named_for_each_side(member_client, article):
    html = html_of(member_client.get(article.get_absolute_url()))

    assert ">Rebut Side one</a>" in html
    assert ">Rebut Side two</a>" in html
    assert ">Add a comment</a>" in html


def test_visitor_asking_for_the_form_is_sent_to_sign_in_and_back(client, article, side_one):
    response = client.get(rebut_url(article, side_one))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == (
        "/accounts/login/?next=%2Farticles%2Fa-debate%2Fsides%2Fside-one%2Frebut%2F"
    )


def test_the_form_page_has_a_labelled_textarea_preview_and_post_buttons(
    member_client, article, side_one
):
    html = html_of(member_client.get(rebut_url(article, side_one)))

    assert '<label for="compose-side-side-one-body">Your rebuttal</label>' in html
    assert ">Post rebuttal</button>" in html
    assert 'name="preview" value="1"' in html
    assert "This is so." in html  # the claim being rebutted


def test_posting_a_rebuttal_without_javascript_lands_on_it(
    member_client, member, article, side_one
):
    response = member_client.post(rebut_url(article, side_one), {"body": ARGUMENT})

    post = Post.objects.get()
    assert response.status_code == HTTPStatus.SEE_OTHER
    assert response["Location"] == f"/articles/a-debate/#post-{post.pk}"
    assert (post.kind, post.position, post.author) == (PostKind.REBUTTAL, side_one, member)
    page = html_of(member_client.get(article.get_absolute_url()))
    assert f'id="post-{post.pk}"' in page
    assert "A <strong>careful</strong> argument" in page


def test_posting_with_htmx_answers_the_item_for_its_list_and_a_closed_form(
    member_client, article, side_one
):
    response = member_client.post(rebut_url(article, side_one), {"body": ARGUMENT}, **HTMX)

    html = html_of(response)
    post = Post.objects.get()
    assert response.status_code == HTTPStatus.OK
    assert '<ol hx-swap-oob="afterbegin:#posts-side-side-one">' in html
    assert f'id="post-{post.pk}"' in html
    assert ">Rebut Side one</a>" in html
    assert "Your rebuttal is posted." in html


def test_preview_without_javascript_shows_the_rendering_above_the_kept_text(
    member_client, article, side_one
):
    response = member_client.post(rebut_url(article, side_one), {"body": ARGUMENT, "preview": "1"})

    html = html_of(response)
    assert response.status_code == HTTPStatus.OK
    assert not Post.objects.exists()
    assert html.index("A <strong>careful</strong> argument") < html.index("<textarea")
    assert "A **careful** argument that is long enough to post.</textarea>" in html
    assert "<title>Rebut Side one" in html


def test_preview_with_htmx_is_the_form_alone(member_client, article, side_one):
    html = html_of(
        member_client.post(rebut_url(article, side_one), {"body": ARGUMENT, "preview": "1"}, **HTMX)
    )

    assert "<html" not in html
    assert '<div class="prose" hx-disable><p>A <strong>careful</strong>' in html


def test_too_short_text_comes_back_with_the_error_beside_it_and_the_text_kept(
    member_client, article, side_one
):
    response = member_client.post(rebut_url(article, side_one), {"body": "Too short."})

    html = html_of(response)
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "Write at least 20 characters (you wrote 10)." in html
    assert 'aria-invalid="true"' in html
    assert ">Too short.</textarea>" in html


def test_too_long_text_is_refused(member_client, article, side_one):
    response = member_client.post(rebut_url(article, side_one), {"body": "x" * 10_001})

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "Keep it to 10000 characters" in html_of(response)


def test_over_the_limit_answers_429_with_the_message_in_the_form_and_the_text_kept(
    member_client, article, side_one, settings
):
    settings.POST_LIMIT = settings.POST_LIMIT_NEW_MEMBER = 1
    member_client.post(rebut_url(article, side_one), {"body": ARGUMENT})

    response = member_client.post(
        rebut_url(article, side_one), {"body": "My second thought, kept."}
    )

    html = html_of(response)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert int(response["Retry-After"]) > 0
    assert "You can post again in 10 minutes" in html
    assert "My second thought, kept.</textarea>" in html


def test_a_post_from_an_expired_session_shows_the_text_back(client, article, side_one):
    response = client.post(rebut_url(article, side_one), {"body": "Words I do not want to lose."})

    html = html_of(response)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Words I do not want to lose.</textarea>" in html
    assert "/accounts/login/?next=%2Farticles%2Fa-debate%2Fsides%2Fside-one%2Frebut%2F" in html
    assert not Post.objects.exists()


def test_an_htmx_post_from_an_expired_session_sends_the_browser_to_sign_in(
    client, article, side_one
):
    response = client.post(rebut_url(article, side_one), {"body": ARGUMENT}, **HTMX)

    assert response["HX-Redirect"].startswith("/accounts/login/?next=")


def test_a_csrf_failure_on_a_post_shows_the_text_back(member, article, side_one):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member)

    response = strict.post(rebut_url(article, side_one), {"body": "Typed before the page expired."})

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Typed before the page expired.</textarea>" in html_of(response)


def test_posting_a_comment(member_client, article):
    response = member_client.post(
        reverse("debate:comment", args=[article.slug]), {"body": ARGUMENT}
    )

    post = Post.objects.get()
    assert post.kind == PostKind.COMMENT
    assert response["Location"] == f"/articles/a-debate/#post-{post.pk}"


def test_replying_without_javascript_lands_on_the_reply_in_its_thread(
    member_client, make_post, side_one
):
    root = make_post(position=side_one)

    response = member_client.post(reverse("debate:reply", args=[root.pk]), {"body": ARGUMENT})

    reply = Post.objects.get(kind=PostKind.REPLY)
    assert (reply.parent, reply.root, reply.depth) == (root, root, 1)
    assert response["Location"] == f"/posts/{reply.pk}/#post-{reply.pk}"


def test_replying_with_htmx_appends_the_reply_to_its_parents_replies(
    member_client, make_post, side_one
):
    root = make_post(position=side_one)

    html = html_of(
        member_client.post(reverse("debate:reply", args=[root.pk]), {"body": ARGUMENT}, **HTMX)
    )

    assert f'<ol hx-swap-oob="beforeend:#replies-{root.pk}">' in html


def test_the_reply_form_loads_in_place_with_htmx(member_client, make_post, side_one):
    root = make_post(position=side_one)

    html = html_of(member_client.get(reverse("debate:reply", args=[root.pk]), **HTMX))

    assert "<html" not in html
    assert ">Post reply</button>" in html


def test_no_reply_to_a_removed_post(member_client, make_post, side_one):
    root = make_post(position=side_one, status=PostStatus.REMOVED)

    response = member_client.get(reverse("debate:reply", args=[root.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_cancel_without_javascript_goes_back_to_the_side(member_client, article, side_one):
    response = member_client.post(rebut_url(article, side_one), {"body": "", "cancel": "1"})

    assert response.status_code == HTTPStatus.SEE_OTHER
    assert response["Location"] == "/articles/a-debate/#position-side-one"
    assert not Post.objects.exists()


def test_posting_with_htmx_from_the_forms_own_page_goes_to_the_new_item(
    member_client, article, side_one
):
    url = rebut_url(article, side_one)

    response = member_client.post(
        url, {"body": ARGUMENT}, HTTP_HX_CURRENT_URL=f"http://testserver{url}", **HTMX
    )

    post = Post.objects.get()
    assert response["HX-Redirect"] == f"/articles/a-debate/#post-{post.pk}"
