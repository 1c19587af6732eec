"""The page shells: each page's stylesheets (dist/index.html's, dist/post.html's) inlined as one <style> that
the page's CSP allows by its sha256.

site/index.html links its stylesheets, so site/ works unbuilt. In dist/index.html the run of plain links
(`<link rel="stylesheet" href="css/NAME.css">` on lines of their own, nothing else on them) becomes one
<style> with the same rules in the same order, and the page's CSP allows exactly that block by its
sha256: the first paint then waits for no stylesheet request. Links with more attributes stay links
(css/dark.css: media-dependent, so not render-blocking, and switched by id from embed.js).
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from .base import BuildError

PAGE = "index.html"
PAGES = (PAGE, "post.html")  # the tool and the article: the same treatment
PLAIN_STYLESHEET = re.compile(r'^[ \t]*<link rel="stylesheet" href="(css/[\w.-]+\.css)">\n', re.M)
CSP_STYLE_SRC = "style-src 'self'"


def inline_styles(out: Path, name: str = PAGE) -> tuple[list[str], str]:
    """Inline dist/`name`'s plain stylesheet links; -> (the inlined hrefs, the CSP source of the block)."""
    page = out / name
    html = page.read_text(encoding="utf-8")
    links = list(PLAIN_STYLESHEET.finditer(html))
    if not links:
        raise BuildError(f"site/{name} links no plain stylesheet (<link rel=\"stylesheet\" href=\"css/NAME.css\">)")
    if any(a.end() != b.start() for a, b in zip(links, links[1:])):
        raise BuildError(f"site/{name}: the plain stylesheet links must be consecutive lines (their order is the cascade's)")
    if html.count(CSP_STYLE_SRC + ";") != 1:
        raise BuildError(f"site/{name}: its Content-Security-Policy must hold \"{CSP_STYLE_SRC};\" once")
    hrefs = [m.group(1) for m in links]
    css = "\n".join(f"/* {href} */\n" + (out / href).read_text(encoding="utf-8").strip() for href in hrefs)
    if "</style" in css.lower():
        raise BuildError(f"{', '.join(hrefs)}: a stylesheet holds '</style', which would end the inline block")
    source = "'sha256-" + base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode() + "'"
    indent = links[0].group(0)[: len(links[0].group(0)) - len(links[0].group(0).lstrip())]
    html = html[: links[0].start()] + f"{indent}<style>{css}</style>\n" + html[links[-1].end():]
    html = html.replace(CSP_STYLE_SRC + ";", f"{CSP_STYLE_SRC} {source};")
    page.write_text(html, encoding="utf-8")
    return hrefs, source
