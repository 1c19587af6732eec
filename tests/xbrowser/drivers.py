"""One small interface over three browsers, so each cross-browser test is written once.

    chromium  /usr/bin/chromium through puppeteer-core over CDP (browser-bridge.mjs, Node; not Playwright,
              whose sync API allows one instance per thread and tests/e2e/ holds it for the session)
    firefox   /usr/bin/firefox-esr through puppeteer-core over WebDriver BiDi (browser-bridge.mjs)
    webkit    WebKitGTK's MiniBrowser through Debian's WebKitWebDriver (W3C WebDriver) and Selenium,
              on an Xvfb display

Every path is explicit, so nothing tries to download a browser or a driver. A driver offers:
goto(url), reload(), eval(fn_source, arg) -> JSON value (fn_source is a JS function of one argument,
may be async), click(selector), upload(selector, path), console_errors() (what the driver itself sees;
WebKit's automation sees none, so the page also records its errors, see site/js/errors.js), close().
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "e2e"))
from pagehelpers import wait_until  # noqa: E402  (one way to wait, for both kinds of browser test)
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FIREFOX = os.environ.get("FIREFOX", "/usr/bin/firefox-esr")
WEBKIT_DRIVER = os.environ.get("WEBKIT_DRIVER", "/usr/bin/WebKitWebDriver")
MINIBROWSER = os.environ.get("MINIBROWSER", "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
BROWSERS = ("chromium", "firefox", "webkit")


class DriverError(Exception):
    """A browser could not be started or a command failed; the message says which and why."""


def missing(name: str) -> str | None:
    """None if `name` can run here, else what to install."""
    need = {
        "chromium": [(CHROMIUM, "apt-get install chromium"), (shutil.which("node") or "node", "apt-get install nodejs"),
                     (str(HERE / "node_modules" / "puppeteer-core"), "cd tests/xbrowser && npm ci")],
        "firefox": [(FIREFOX, "apt-get install firefox-esr"), (shutil.which("node") or "node", "apt-get install nodejs"),
                    (str(HERE / "node_modules" / "puppeteer-core"), "cd tests/xbrowser && npm ci")],
        "webkit": [(WEBKIT_DRIVER, "apt-get install webkit2gtk-driver"), (MINIBROWSER, "apt-get install webkit2gtk-driver"),
                   (shutil.which("Xvfb") or "Xvfb", "apt-get install xvfb")],
    }[name]
    for path, fix in need:
        if not Path(path).exists():
            return f"{name}: {path} is missing ({fix})"
    return None


class Bridge:
    """A browser driven by browser-bridge.mjs (puppeteer-core), one JSON line per command."""
    name = kind = path = ""
    args: list[str] = []

    def __init__(self, width: int, height: int, download_dir: Path):
        self._proc = subprocess.Popen(
            ["node", str(HERE / "browser-bridge.mjs"), self.kind, self.path, str(width), str(height),
             str(download_dir), *self.args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=HERE)
        self.version = self._reply(f"starting {self.path}")

    def _reply(self, what):
        line = self._proc.stdout.readline()
        if not line:
            raise DriverError(f"{self.name} bridge died while {what}: {self._proc.stderr.read()[-2000:]}")
        reply = json.loads(line)
        if not reply["ok"]:
            raise DriverError(f"{self.name}: {what}: {reply['error']}")
        return reply["value"]

    def _send(self, **msg):
        self._proc.stdin.write(json.dumps(msg) + "\n")
        self._proc.stdin.flush()
        return self._reply(msg["cmd"])

    def goto(self, url):
        self._send(cmd="goto", url=url)

    def reload(self):
        self._send(cmd="reload")

    def eval(self, fn, arg=None):
        return self._send(cmd="eval", fn=fn, arg=arg)

    def click(self, selector):
        self._send(cmd="click", selector=selector)

    def upload(self, selector, path):
        self._send(cmd="upload", selector=selector, path=str(path))

    def console_errors(self):
        return self._send(cmd="console")

    def close(self):
        try:
            self._send(cmd="close")
        except (DriverError, BrokenPipeError, OSError):
            pass
        try:
            self._proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self._proc.kill()


class Chromium(Bridge):
    name, kind, path, args = "chromium", "chrome", CHROMIUM, CHROMIUM_ARGS


class Firefox(Bridge):
    name, kind, path = "firefox", "firefox", FIREFOX


class WebKit:
    name = "webkit"

    # one async-script wrapper: the function's value (or its rejection) comes back as JSON
    _ASYNC = ("const done = arguments[arguments.length - 1];"
              "Promise.resolve().then(() => ({fn})(arguments[0]))"
              ".then(v => done({{ok: true, v: v === undefined ? null : v}}),"
              " e => done({{ok: false, e: String(e && e.stack || e)}}));")

    def __init__(self, width: int, height: int, download_dir: Path):
        from selenium import webdriver
        from selenium.webdriver.webkitgtk.options import Options
        from selenium.webdriver.webkitgtk.service import Service
        self._xvfb, display = start_xvfb()
        env = {**os.environ, "DISPLAY": display}
        options = Options()
        options.binary_location = MINIBROWSER
        options.add_argument("--automation")
        service = Service(executable_path=WEBKIT_DRIVER, env=env)
        try:
            self._driver = webdriver.WebKitGTK(options=options, service=service)
        except Exception:
            self._xvfb.kill()
            raise
        self._driver.set_script_timeout(300)
        self._driver.set_window_size(width, height)
        self.version = self._driver.capabilities.get("browserVersion", "?")

    def goto(self, url):
        self._driver.get(url)

    def reload(self):
        self._driver.refresh()

    def eval(self, fn, arg=None):
        r = self._driver.execute_async_script(self._ASYNC.format(fn=fn), arg)
        if not r["ok"]:
            raise DriverError(f"webkit: script failed: {r['e']}")
        return r["v"]

    def click(self, selector):
        from selenium.webdriver.common.by import By
        self._driver.find_element(By.CSS_SELECTOR, selector).click()

    def upload(self, selector, path):
        from selenium.webdriver.common.by import By
        self._driver.find_element(By.CSS_SELECTOR, selector).send_keys(str(path))

    def console_errors(self):
        return []  # WebKit's WebDriver does not expose the console; the page's own record is checked

    def close(self):
        try:
            self._driver.quit()
        finally:
            self._xvfb.kill()
            self._xvfb.wait(timeout=10)


def start_xvfb() -> tuple[subprocess.Popen, str]:
    """An Xvfb server on a free display number; returns (process, ':N')."""
    xvfb = shutil.which("Xvfb")
    if not xvfb:
        raise DriverError("Xvfb is missing (apt-get install xvfb)")
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen([xvfb, "-displayfd", str(write_fd), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
                            pass_fds=(write_fd,), stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as f:
        number = f.readline().strip()
    if not number:
        proc.kill()
        raise DriverError("Xvfb did not start")
    return proc, f":{number}"


DRIVERS = {"chromium": Chromium, "firefox": Firefox, "webkit": WebKit}


def launch(name: str, width: int = 1280, height: int = 800, download_dir: Path | None = None):
    problem = missing(name)
    if problem:
        raise DriverError(problem)
    download_dir = download_dir or Path(tempfile.mkdtemp(prefix=f"xbrowser-{name}-"))
    return DRIVERS[name](width, height, download_dir)


def wait_for(driver, fn: str, arg=None, timeout: float = 90.0, what: str = ""):
    """Poll fn(arg) in the page until it returns a truthy value; return it. timeout in seconds; the
    TimeoutError names the browser and `what` (else fn)."""
    def check():
        return driver.eval(fn, arg)
    check.__name__ = f"{driver.name}: {what or fn}"
    return wait_until(check, timeout * 1000, 0.25)
