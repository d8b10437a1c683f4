"""Fixtures the browser tests share: the seed article's address, and a member signed in with
and without JavaScript."""

import pytest


@pytest.fixture
def article_url(live_server, seed_article):
    return live_server.url + seed_article.get_absolute_url()


@pytest.fixture
def member_page(page, sign_in_browser, member):
    return sign_in_browser(page, member)


@pytest.fixture
def nojs_page(browser, sign_in_browser, member):
    context = browser.new_context(java_script_enabled=False)
    yield sign_in_browser(context.new_page(), member)
    context.close()
