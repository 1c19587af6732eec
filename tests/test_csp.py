"""The built page's Content-Security-Policy uses only directives every engine we support knows.

An unknown directive is ignored, and reported on every load as a console error (WebKit: "Unrecognized
Content-Security-Policy directive 'manifest-src'"). The browsers' own consoles are read by
tests/e2e/test_e2e_a11y.py (Chromium) and tests/xbrowser/test_csp_console.py (Firefox, WebKitGTK).
"""
import html.parser
from pathlib import Path

import pytest

pytestmark = pytest.mark.cpython_only

ROOT = Path(__file__).resolve().parents[1]

# Fetch directives and the rest that Chromium, Firefox and WebKit (Safari) all parse, and that a <meta>
# policy may carry (frame-ancestors, report-uri and sandbox are ignored there). Not here, so not to be
# used: manifest-src (WebKit), prefetch-src (Firefox, WebKit), trusted-types and
# require-trusted-types-for (Chromium only), script-src-attr/-elem and style-src-attr/-elem (older
# WebKit), navigate-to (none).
KNOWN_TO_ALL = frozenset({
    "default-src", "script-src", "style-src", "img-src", "connect-src", "font-src", "object-src",
    "media-src", "frame-src", "child-src", "worker-src", "base-uri", "form-action",
    "upgrade-insecure-requests",
})


class _Meta(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.policies = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy":
            self.policies.append(a.get("content") or "")


def csp_policies(page: str) -> list[str]:
    parser = _Meta()
    parser.feed(page)
    return parser.policies


def unknown_directives(policy: str) -> list[str]:
    names = [part.split()[0].lower() for part in policy.split(";") if part.strip()]
    return [n for n in names if n not in KNOWN_TO_ALL]


@pytest.fixture(scope="module")
def built_index(fresh_build) -> str:
    return (fresh_build[0] / "index.html").read_text(encoding="utf-8")


def test_the_check_finds_a_directive_webkit_does_not_know():
    old = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; "
           "manifest-src 'self'; object-src 'none'")
    assert unknown_directives(old) == ["manifest-src"]
    assert csp_policies(f'<head><meta http-equiv="Content-Security-Policy" content="{old}"></head>') == [old]


def test_built_page_csp_uses_only_directives_every_engine_knows(built_index):
    policies = csp_policies(built_index)
    assert len(policies) == 1, policies
    policy = policies[0]
    assert unknown_directives(policy) == [], policy
    # what the page relies on is still there
    for part in ("default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "worker-src 'self'",
                 "object-src 'none'"):
        assert part in policy
    assert "'unsafe-inline'" not in policy
