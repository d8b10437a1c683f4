"""The site's URLs (and error handlers), plus the baselines under /bench/."""

from django.urls import path

from debate import urls as site

from . import views

urlpatterns = [
    path("bench/fixed/", views.fixed, name="bench_fixed"),
    path("bench/rows/", views.rows, name="bench_rows"),
    path("bench/vote/<int:article_id>/", views.vote, name="bench_vote"),
    *site.urlpatterns,
]

handler400 = site.handler400
handler403 = site.handler403
handler404 = site.handler404
handler429 = site.handler429
handler500 = site.handler500
