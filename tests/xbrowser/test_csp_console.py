"""WebKitGTK's and Firefox's consoles say nothing about the page's Content-Security-Policy.

WebKit reports a directive it does not know ("Unrecognized Content-Security-Policy directive
'manifest-src'") as a console security error on every load. Neither WebDriver shows such messages
(WebKit's automation session is private, and a private page writes its console nowhere; Firefox's BiDi
log carries console calls and script errors only), so each browser runs on its own, with a fresh home
or profile, and says what its console gets:
    webkit   MiniBrowser (not private, on Xvfb) with --enable-write-console-messages-to-stdout=true:
             every console message, as "CONSOLE <SOURCE> <LEVEL> text"
    firefox  firefox-esr --headless with MOZ_LOG=sync,CSPParser:5: the parser's log, where each warning or
             error it sends to the console is a "logWarningErrorToConsole: <message name>" line
Only WebKit runs in the suite: Firefox knows every directive of the policy, and its parser log came out
empty on a fresh CI machine (no message to read is no check), so its reader stays here for a manual
run (`console_output("firefox", ...)`); `tests/test_csp.py` checks the directives against all three.
The page has loaded, started its worker and asked for the model's package once the server has sent
py/painting.zip; then the browser is closed and everything it wrote is read. A control page with an
unknown directive shows that the message is seen (Chromium: tests/e2e/test_e2e_a11y.py).
"""
from __future__ import annotations

import os
import subprocess
import threading
import time
from pathlib import Path

import pytest

from . import drivers
from .conftest import build_site, make_handler

pytestmark = pytest.mark.cpython_only
READY_S = 240  # WebKitGTK compiles Pyodide's wasm slowly on a busy machine: a limit, not a speed check

OLD_POLICY = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; "
              "img-src 'self'; style-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; "
              "form-action 'none'")
# the old policy (WebKit does not know manifest-src) and a directive no engine knows (for Firefox)
CONTROL_PAGE = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{OLD_POLICY}; not-a-directive 'self'">
<title>control</title></head><body><img src="favicon.svg" alt="seen"></body></html>"""


class LoggingServer:
    """build.py's handler on 127.0.0.1, remembering every path asked for."""

    def __init__(self, directory: Path):
        import http.server
        paths = self.paths = []

        class Handler(make_handler(directory, False)):
            def log_request(self, code="-", size="-"):
                paths.append(self.path)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def console_output(engine: str, url: str, server: LoggingServer, until_path: str, home: Path) -> str:
    """Everything the browser writes while it loads `url`, until the server has sent `until_path`."""
    problem = drivers.missing(engine)
    if problem:
        pytest.fail(problem, pytrace=False)
    env = {**os.environ, "HOME": str(home), "XDG_CACHE_HOME": str(home / "cache"),
           "XDG_DATA_HOME": str(home / "data"), "XDG_CONFIG_HOME": str(home / "config")}
    xvfb = None
    if engine == "webkit":
        xvfb, env["DISPLAY"] = drivers.start_xvfb()
        command = [drivers.MINIBROWSER, "--enable-write-console-messages-to-stdout=true", url]
    else:
        profile = home / "profile"
        profile.mkdir()
        (profile / "user.js").write_text(FIREFOX_PREFS)
        env["MOZ_LOG"] = "sync,CSPParser:5"  # sync: written at once, not lost when the browser is closed
        command = [drivers.FIREFOX, "--headless", "--no-remote", "--profile", str(profile), url]
    log = home / "browser.log"
    try:
        with open(log, "w") as out:
            proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
            try:
                deadline = time.monotonic() + READY_S
                while not any(p.split("?")[0].endswith(until_path) for p in server.paths):
                    assert proc.poll() is None, f"{engine} ended ({proc.returncode}): {log.read_text()[-2000:]}"
                    assert time.monotonic() < deadline, f"no request for {until_path} in {READY_S} s: {server.paths}"
                    time.sleep(0.2)
            finally:
                proc.terminate()  # its content processes write out what they have as they end
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=10)
    finally:
        if xvfb:
            xvfb.kill()
            xvfb.wait(timeout=10)
    return log.read_text(errors="replace")


FIREFOX_PREFS = """user_pref("app.update.enabled", false);
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("network.captive-portal-service.enabled", false);
user_pref("browser.aboutwelcome.enabled", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
"""


def console_csp_problems(engine: str, text: str) -> list[str]:
    """The console's CSP warnings and errors in the browser's output."""
    if engine == "webkit":
        return [line for line in text.splitlines() if line.startswith("CONSOLE ") and "Content-Security-Policy" in line]
    return [line for line in text.splitlines() if "logWarningErrorToConsole" in line]


@pytest.fixture(scope="module")
def site_server(tmp_path_factory):
    out = build_site(tmp_path_factory, "csp-console")
    (out / "csp-control.html").write_text(CONTROL_PAGE)
    srv = LoggingServer(out)
    yield srv
    srv.close()


@pytest.mark.parametrize("engine", ["webkit"])
def test_console_shows_an_unknown_directive_on_the_control_page(site_server, tmp_path, engine):
    text = console_output(engine, site_server.url + "csp-control.html", site_server, "favicon.svg", tmp_path)
    problems = console_csp_problems(engine, text)
    assert problems, text[-3000:]
    if engine == "webkit":
        assert any("manifest-src" in line for line in problems), problems
    else:
        assert any("couldNotProcessUnknownDirective" in line for line in problems), problems


@pytest.mark.parametrize("engine", ["webkit"])
def test_console_says_nothing_about_the_pages_csp(site_server, tmp_path, engine):
    text = console_output(engine, site_server.url, site_server, "py/painting.zip", tmp_path)
    assert console_csp_problems(engine, text) == [], text[-3000:]
    if engine == "webkit":
        assert "CONSOLE SECURITY ERROR" not in text, text[-3000:]
    else:  # the page's policy was parsed (this log is where a problem with it would show)
        assert "parseContentSecurityPolicy, policy: default-src 'self'" in text, text[-3000:]
