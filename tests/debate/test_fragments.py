"""Stored renderings: this process's recent ones in front of the shared cache."""

from django.core.cache import cache

from debate.fragments import _Recent, recent, store, stored


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
