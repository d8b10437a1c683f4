"""Files at the site's root (debate/views/site.py): the favicon."""

import struct
import xml.etree.ElementTree as ET
from http import HTTPStatus
from pathlib import Path

import pytest
from django.templatetags.static import static
from django.urls import reverse

STATIC = Path(__file__).resolve().parents[2] / "static"
SIDE_COLOURS = {"#1f5fbf", "#a14a00"}  # --side-1 and --side-2 of site.css, as the brand mark


def test_favicon_ico_redirects_to_the_static_icon_for_a_day(client):
    response = client.get("/favicon.ico")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == static("favicon.ico")
    assert "max-age=86400" in response["Cache-Control"]


def test_favicon_ico_answers_head_and_refuses_post(client):
    assert client.head("/favicon.ico").status_code == HTTPStatus.FOUND
    assert client.post("/favicon.ico").status_code == HTTPStatus.METHOD_NOT_ALLOWED


@pytest.mark.django_db
def test_pages_link_the_svg_icon_and_the_ico_fallback(client):
    html = client.get(reverse("debate:article_list")).content.decode()

    assert f'<link rel="icon" href="{static("favicon.svg")}" type="image/svg+xml">' in html
    assert f'<link rel="icon" href="{static("favicon.ico")}" sizes="16x16 32x32 48x48">' in html


def test_the_svg_icon_is_the_brand_mark_in_the_sides_colours():
    root = ET.parse(STATIC / "favicon.svg").getroot()  # noqa: S314 - our own file

    assert root.get("viewBox") == "0 0 64 64"
    colours = {
        value for element in root.iter() for value in (element.get("fill"), element.get("stroke"))
    }
    assert colours >= SIDE_COLOURS
    css = (STATIC / "css" / "site.css").read_text()
    assert all(f"--side-{n}: {colour};" in css for n, colour in ((1, "#1f5fbf"), (2, "#a14a00")))


def test_the_ico_holds_16_32_and_48_pixel_pngs():
    data = (STATIC / "favicon.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)

    assert (reserved, kind) == (0, 1)
    sizes = []
    for n in range(count):
        width, height, _, _, _, _, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * n
        )
        assert data[offset : offset + 8] == b"\x89PNG\r\n\x1a\n"
        assert offset + length <= len(data)
        png_width, png_height = struct.unpack_from(">II", data, offset + 16)
        assert (png_width, png_height) == (width, height)
        sizes.append(width)
    assert sizes == [16, 32, 48]
