"""Monitor settings: defaults, a full .toml, and every kind of bad .toml."""

from pathlib import Path

import pytest

from extractors.settings import MonitorSettings, SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_missing_toml_gives_defaults(tmp_path):
    assert load_settings(tmp_path / "none.toml") == MonitorSettings()


def test_bundled_toml_lists_feeds_and_a_sitemap():
    settings = load_settings(ROOT / "seeds" / "xi-zelensky-call.toml")
    kinds = {s.kind for s in settings.sources}
    assert kinds == {"feed", "sitemap"}
    assert settings.offline_sample is not None and (settings.offline_sample / "sites").is_dir()


def test_values_are_read_and_typed(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(
        '[window]\ndays_before = 2\ndays_after = 7\n[fetch]\ntotal_timeout = 5\nmax_per_host = 1\n'
        '[judge]\nrelevance_threshold = 0.4\n[pipeline]\nbatch_size = 3\n'
        '[[sources]]\nkind = "feed"\nurl = "https://news.example/rss"\n',
        encoding="utf-8",
    )
    s = load_settings(path)
    assert (s.window.days_before, s.window.days_after) == (2, 7)
    assert s.fetch.total_timeout == 5.0 and isinstance(s.fetch.total_timeout, float)
    assert s.fetch.max_per_host == 1 and s.judge.relevance_threshold == 0.4 and s.pipeline.batch_size == 3
    assert s.sources[0].url == "https://news.example/rss"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("colour = 'red'\n", "unknown key 'colour'"),
        ("[window]\ndays_afterr = 3\n", "unknown key window.days_afterr"),
        ("[window]\ndays_after = 'two weeks'\n", "window.days_after must be int"),
        ("[window]\ndays_after = -1\n", "must not be negative"),
        ("[fetch]\nallow_private_network = true\n", "unknown key fetch.allow_private_network"),
        ('[[sources]]\nkind = "gopher"\nurl = "http://a.example/"\n', "kind must be one of"),
        ('[[sources]]\nkind = "feed"\nurl = "file:///etc/passwd"\n', "url must be an http(s) URL"),
        ('[[sources]]\nkind = "feed"\nurl = "http://a.example/"\nevery = 5\n', "unknown key 'every'"),
        ("[window\n", "not valid TOML"),
        ('[offline_sample]\ndirectory = "no-such-dir"\n', "is not a directory"),
        ("[search]\nmaxrecords = 'lots'\n", "search.maxrecords must be int"),
        ("[search]\nengine = 'bing'\n", "unknown key search.engine"),
        ("[search]\ngdelt_base = 'ftp://gdelt.example'\n", "search.gdelt_base must be an http(s) URL"),
        ('[[sources]]\nkind = "google_news"\nlanguage = 7\n', "language must be a two- or three-letter code"),
        ('[[sources]]\nkind = "google_news"\nregion = "United States"\n', "region must be a two- or three"),
        ('[[sources]]\nkind = "google_news"\nurl = "http://a.example/"\n', "unknown key 'url' for kind"),
        ('[[sources]]\nkind = "gdelt"\nlanguage = "en"\n', "unknown key 'language' for kind 'gdelt'"),
        ('[[sources]]\nkind = "feed"\nregion = "US"\nurl = "http://a.example/"\n', "unknown key 'region'"),
    ],
)
def test_bad_toml_names_file_and_key(tmp_path, toml, message):
    path = tmp_path / "bad.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    assert str(path) in str(caught.value) and message in str(caught.value)


def test_search_section_and_search_sources(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(
        '[search]\ngoogle_news_base = "http://127.0.0.1:8080"\ngdelt_base = "http://127.0.0.1:8081"\n'
        'query = \'"xi jinping" zelensky\'\nmaxrecords = 50\n'
        '[[sources]]\nkind = "google_news"\nlanguage = "fr"\nregion = "FR"\n'
        '[[sources]]\nkind = "google_news"\n'
        '[[sources]]\nkind = "gdelt"\n',
        encoding="utf-8",
    )
    s = load_settings(path)
    assert s.search.google_news_base == "http://127.0.0.1:8080" and s.search.gdelt_base == "http://127.0.0.1:8081"
    assert s.search.query == '"xi jinping" zelensky' and s.search.maxrecords == 50
    assert [(x.kind, x.language, x.region) for x in s.sources] == [
        ("google_news", "fr", "FR"), ("google_news", "en", "US"), ("gdelt", "en", "US")
    ]


def test_search_defaults_point_at_the_real_services():
    s = MonitorSettings().search
    assert (s.google_news_base, s.gdelt_base, s.query, s.maxrecords) == (
        "https://news.google.com", "https://api.gdeltproject.org", "", 250
    )
