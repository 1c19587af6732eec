"""The build of Regression Painter's dist/, behind `python3 build.py` (the command at the repository root).

dist/ = site/ (copied as is, but for index.html's stylesheets: shell.py) + py/painting.zip (the `painting`
package) + py/<name>-<version>-py3-none-any.whl (the same package for pip, from py/pyproject.toml) +
pyodide/ (a self-hosted Pyodide with numpy and Pillow) + tf/ (TensorFlow.js, loaded by the worker on first
use only, not precached by the service worker) + images/poster*.png (the embed's poster) +
figures/ (post.html's stills).

One idea per module, in the order a build runs them:

    pins.py            every pinned version and sha256 the build fetches, and where each file comes from
    vendored.py        the vendored files into their caches (cache, CDN, registries), verified, then into dist/
    package.py         painting.zip and the wheel, byte for byte the same from the same sources
    embed_poster.py    images/poster.png, painted by tools/poster.py on CPython
    article_stills.py  post.html's figures: stills painted by painting.article, numbers stamped into the page
    shell.py           index.html's stylesheets inlined as one <style> allowed by the CSP by its sha256
    service_worker.py  sw.js stamped with every file of dist/ and its sha256
    assemble.py        the steps above in order, into an output directory it may wipe
    server.py          the HTTP server of a build (MIME types, no-cache), in the foreground or a thread
    cli.py             the command line of build.py
    base.py            what the steps share: the repository's paths, BuildError, log, sha256_file

Standard library only.
"""
