"""Stored renderings: this process's recent ones in front of the shared cache."""

from django.core.cache import cache

from debate.fragments import _Recent, filled, placeholder, recent, store, stored


def test_a_stored_rendering_comes_back_under_its_key():
    store("fragment:test:one", "<p>One</p>")

    assert stored("fragment:test:one", None, "fragment:test:absent") == {
        "fragment:test:one": "<p>One</p>"
    }


def test_a_rendering_this_process_used_lately_needs_no_shared_cache():
    store("fragment:test:one", "<p>One</p>")
    cache.clear()  # as if Redis had lost it, or could not be reached

    assert stored("fragment:test:one") == {"fragment:test:one": "<p>One</p>"}


def test_a_rendering_another_process_stored_is_fetched_from_the_shared_cache():
    cache.set("fragment:test:two", "<p>Two</p>")

    assert stored("fragment:test:two") == {"fragment:test:two": "<p>Two</p>"}
    assert recent.get("fragment:test:two") == "<p>Two</p>"


def test_the_recent_renderings_keep_only_the_most_recently_used():
    kept = _Recent(size=20)
    kept.put("a", "A" * 10)
    kept.put("b", "B" * 10)
    kept.get("a")  # now the most recently used
    kept.put("c", "C" * 10)

    assert (kept.get("a"), kept.get("b"), kept.get("c")) == ("A" * 10, None, "C" * 10)


def test_the_recent_renderings_hold_no_more_characters_than_their_size():
    kept = _Recent(size=100)
    for n in range(50):
        kept.put(f"page:{n}", "x" * 30)

    assert kept.held == sum(len(html) for html in kept.items.values()) <= 100
    assert kept.get("page:49") == "x" * 30


def test_a_filled_page_has_each_placeholder_replaced_in_utf8():
    top, token = placeholder("top"), placeholder("token")
    html = f"<p>Ça {top}</p><form>{token}</form><input value='{token}'>"

    page = filled("page:test:one", html, {top: "<h1>Entête</h1>", token: "abc"})

    assert page == "<p>Ça <h1>Entête</h1></p><form>abc</form><input value='abc'>".encode()


def test_placeholders_within_the_values_are_left_as_they_are():
    top, token = placeholder("top"), placeholder("token")

    page = filled("page:test:two", f"{top}|{token}", {top: f"<form>{token}</form>", token: "x"})

    assert page == f"<form>{token}</form>|x".encode()


def test_a_page_is_split_once_per_key_and_filled_anew_for_each_request():
    token = placeholder("token")
    html = f"<form>{token}</form>"

    first = filled("page:test:three", html, {token: "first"})
    second = filled("page:test:three", html, {token: "second"})

    assert (first, second) == (b"<form>first</form>", b"<form>second</form>")


def test_split_pages_are_bounded_by_the_size_of_their_pieces():
    kept = _Recent(size=100, size_of=lambda pieces: sum(len(piece) for piece in pieces))
    for n in range(10):
        kept.put(f"page:{n}", (b"x" * 20, "placeholder", b"y" * 10))

    assert kept.held <= 100
    assert kept.get("page:9") == (b"x" * 20, "placeholder", b"y" * 10)
