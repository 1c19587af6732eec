"""The page shell as built: the first paint waits for no request but the HTML itself.

dist/index.html (tools/sitebuild/shell.py) carries the page's stylesheets in one <style> that its
Content-Security-Policy allows by sha256, and nothing else inline; what stays a <link rel=stylesheet>
applies only under a media query (css/dark.css), so it does not block the first paint where it does not
apply; the one script is a module (deferred). bench/bench_lighthouse.py measures what this buys.
"""
import base64
import hashlib
import html.parser
import posixpath
import re
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.cpython_only

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from sitebuild.base import BuildError  # noqa: E402
from sitebuild.shell import inline_styles  # noqa: E402

CSS_DIR = ROOT / "site" / "css"


class _Head(html.parser.HTMLParser):
    """The elements that can hold up a first paint, and every inline style or script."""

    def __init__(self):
        super().__init__()
        self.stylesheets: list[dict] = []
        self.scripts: list[dict] = []
        self.modulepreloads: list[str] = []
        self.styles: list[str] = []
        self.csp: list[str] = []
        self.style_attributes: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "style" in a:
            self.style_attributes.append(tag)
        if tag == "link" and "stylesheet" in (a.get("rel") or "").split():
            self.stylesheets.append(a)
        elif tag == "link" and a.get("rel") == "modulepreload":
            self.modulepreloads.append(a.get("href"))
        elif tag == "script":
            self.scripts.append(a)
        elif tag == "style":
            self._in_style = True
            self.styles.append("")
        elif tag == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy":
            self.csp.append(a.get("content") or "")

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles[-1] += data


def parse(page: str) -> _Head:
    parser = _Head()
    parser.feed(page)
    return parser


def style_src(policy: str) -> list[str]:
    for part in policy.split(";"):
        words = part.split()
        if words and words[0] == "style-src":
            return words[1:]
    return []


@pytest.fixture(scope="module")
def built(fresh_build) -> Path:
    return fresh_build[0]


@pytest.fixture(scope="module")
def head(built) -> _Head:
    return parse((built / "index.html").read_text(encoding="utf-8"))


def test_no_stylesheet_request_blocks_the_first_paint(head):
    # what stays a link applies only under a media query: css/dark.css, for a dark system theme
    assert [(s["href"], s.get("media")) for s in head.stylesheets] == \
        [("css/dark.css", "(prefers-color-scheme: dark)")]
    assert [s.get("id") for s in head.stylesheets] == ["dark-palette"]  # embed.js switches it by id


def test_the_one_script_is_a_module_and_nothing_runs_inline(head):
    assert head.scripts == [{"type": "module", "src": "js/entry.js"}]


STATIC_IMPORT = re.compile(r"""^(?:import|export)\b[^'"]*?(?:\bfrom\s*)?['"](\.\.?/[\w.-]+\.js)['"]""", re.M)


def static_imports(module: str) -> set[str]:
    """Every module that js/`module` imports statically, directly or not (not import(): main.js)."""
    seen, todo = set(), [module]
    while todo:
        current = todo.pop()
        text = (ROOT / "site" / "js" / current).read_text(encoding="utf-8")
        for name in STATIC_IMPORT.findall(text):
            name = posixpath.normpath(posixpath.join(posixpath.dirname(current), name))
            if name not in seen:
                seen.add(name)
                todo.append(name)
    return seen


def test_static_imports_are_found():
    assert {"url-state.js", "images.js", "python-values.js"} <= static_imports("entry.js")
    assert "main.js" not in static_imports("entry.js")  # loaded on demand
    assert "controls.js" in static_imports("main.js")


def test_entry_imports_are_preloaded_with_it(head):
    # one request level instead of three before the embed's poster; no more than entry.js needs
    wanted = sorted(f"js/{name}" for name in static_imports("entry.js"))
    assert sorted(head.modulepreloads) == wanted, (
        "site/index.html's <link rel=modulepreload> list must be entry.js's static imports: "
        + " ".join(f'<link rel="modulepreload" href="{href}">' for href in wanted))


def test_the_inline_style_is_allowed_by_its_hash_and_nothing_else_inline(head):
    assert len(head.styles) == 1 and len(head.csp) == 1
    # the hash of the element's text, as browsers compute it
    digest = base64.b64encode(hashlib.sha256(head.styles[0].encode("utf-8")).digest()).decode()
    assert style_src(head.csp[0]) == ["'self'", f"'sha256-{digest}'"]
    assert "'unsafe-inline'" not in head.csp[0] and "'unsafe-hashes'" not in head.csp[0]
    assert head.style_attributes == []  # the policy blocks those: none is written
    assert "@import" not in head.styles[0]  # a request the first paint would wait for


def test_the_inline_style_is_the_linked_stylesheets_in_their_order(head):
    site = parse((ROOT / "site" / "index.html").read_text(encoding="utf-8"))
    plain = [s["href"] for s in site.stylesheets if set(s) == {"rel", "href"}]
    assert plain[0] == "css/style.css" and len(plain) >= 5, plain
    text = head.styles[0]
    positions = [text.index(f"/* {href} */\n" + (ROOT / "site" / href).read_text(encoding="utf-8").strip())
                 for href in plain]
    assert positions == sorted(positions)
    # every stylesheet of site/css reaches the built page: inlined, or still linked
    linked = {s["href"] for s in head.stylesheets}
    assert {f"css/{p.name}" for p in CSS_DIR.glob("*.css") if not p.name.startswith("post")} == set(plain) | linked
    # the dark palette comes after the light one it overrides
    site_order = [s["href"] for s in site.stylesheets]
    assert site_order.index("css/dark.css") > site_order.index("css/style.css")


def _page(tmp_path: Path, links: str, css: str = "a { color: red; }") -> Path:
    (tmp_path / "css").mkdir(parents=True)
    for name in ("a", "b"):
        (tmp_path / "css" / f"{name}.css").write_text(css)
    (tmp_path / "index.html").write_text(
        '<head><meta http-equiv="Content-Security-Policy" content="default-src \'self\'; style-src \'self\'; '
        f'object-src \'none\'">\n{links}</head>')
    return tmp_path


def test_inline_styles_keeps_the_cascade_or_refuses(tmp_path):
    page = _page(tmp_path / "ok", '  <link rel="stylesheet" href="css/a.css">\n'
                                  '  <link rel="stylesheet" href="css/b.css">\n'
                                  '  <link rel="stylesheet" href="css/a.css" media="print">\n')
    hrefs, source = inline_styles(page)
    assert hrefs == ["css/a.css", "css/b.css"]
    text = (page / "index.html").read_text()
    assert f"style-src 'self' {source};" in text and text.count("<style>") == 1
    assert '<link rel="stylesheet" href="css/a.css" media="print">' in text
    assert re.search(r'<link rel="stylesheet" href="css/[ab].css">', text) is None

    # a link between the plain ones would change the cascade if the block took their place
    apart = _page(tmp_path / "apart", '<link rel="stylesheet" href="css/a.css">\n'
                                      '<link rel="stylesheet" href="css/a.css" media="print">\n'
                                      '<link rel="stylesheet" href="css/b.css">\n')
    with pytest.raises(BuildError, match="consecutive"):
        inline_styles(apart)
    closing = _page(tmp_path / "closing", '<link rel="stylesheet" href="css/a.css">\n', "/* </style> */")
    with pytest.raises(BuildError, match="</style"):
        inline_styles(closing)


# ------------------------------------------------------------------------------------------ the article
@pytest.fixture(scope="module")
def post_head(built) -> _Head:
    return parse((built / "post.html").read_text(encoding="utf-8"))


def test_the_article_has_the_same_shell(post_head, head):
    # a small classic script that marks a one-figure view before the first paint (no layout shift), one
    # module script, its styles inlined and allowed by their hash, the same policy otherwise
    assert post_head.scripts == [{"src": "js/post/early.js"}, {"type": "module", "src": "js/post/entry.js"}]
    assert [(s["href"], s.get("media")) for s in post_head.stylesheets] == [("css/dark.css", "(prefers-color-scheme: dark)")]
    assert len(post_head.styles) == 1 and len(post_head.csp) == 1 and post_head.style_attributes == []
    digest = base64.b64encode(hashlib.sha256(post_head.styles[0].encode("utf-8")).digest()).decode()
    assert style_src(post_head.csp[0]) == ["'self'", f"'sha256-{digest}'"]
    others = lambda policy: [part.strip() for part in policy.split(";") if not part.strip().startswith("style-src")]  # noqa: E731
    assert others(post_head.csp[0]) == others(head.csp[0])
    # the article's stylesheets: the tool's base, then its own
    assert re.findall(r"/\* (css/[\w.-]+\.css) \*/\n", post_head.styles[0]) == \
        ["css/style.css", "css/post.css", "css/post-two-by-two.css"]


def test_the_article_preloads_what_its_entry_imports(post_head):
    wanted = sorted(f"js/{name}" for name in static_imports("post/entry.js"))
    assert sorted(post_head.modulepreloads) == wanted
