"""/sitemap.xml and /robots.txt."""

from tests.factories import EditionFactory, EventFactory, LabFactory


def test_sitemap_lists_public_pages_only(client, edition):
    public = EventFactory(edition=edition, published=True, slug="public")
    EventFactory(edition=edition, submitted=True, slug="secret")
    LabFactory(slug="ti-lab")
    EditionFactory(year=2021, is_current=False)

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    xml = response.content.decode()
    assert f"<loc>http://127.0.0.1:8000{public.get_absolute_url()}</loc>" in xml
    assert "/evenements/secret/" not in xml
    assert "<loc>http://127.0.0.1:8000/labs/ti-lab/</loc>" in xml
    assert "<loc>http://127.0.0.1:8000/editions/2021/</loc>" in xml
    assert "<loc>http://127.0.0.1:8000/programme/</loc>" in xml
    assert "<loc>http://127.0.0.1:8000/parcours/</loc>" in xml
    assert "<loc>http://127.0.0.1:8000/api/</loc>" in xml
    assert "<loc>http://127.0.0.1:8000/chiffres/</loc>" in xml
    assert f"<loc>http://127.0.0.1:8000{public.organization.get_absolute_url()}</loc>" in xml


def test_robots_txt_points_to_the_sitemap(client, db):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in text
    assert "Disallow: /admin/" in text
