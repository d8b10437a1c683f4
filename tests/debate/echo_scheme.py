"""A WSGI app for tests only: answers with the URL scheme the server decided on."""


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [environ["wsgi.url_scheme"].encode()]
