from django.core.cache import cache


def test_the_cache_keeps_one_client_for_its_pool(redis_cache):
    backend = cache._cache

    assert backend.get_client(write=True) is backend.get_client(write=False)


def test_the_kept_client_reads_and_writes(redis_cache):
    cache.set("greeting", {"text": "hello"}, 30)
    cache.set("count", 1, 30)
    cache.incr("count")

    assert cache.get("greeting") == {"text": "hello"}
    assert cache.get("count") == 2
    assert cache.delete("greeting") is True
    assert cache.get("greeting") is None
