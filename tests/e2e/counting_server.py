"""A local server for dist/ that counts what it sends: build.py's handler (tools/sitebuild/server.py) on
127.0.0.1, recording (path, status, body bytes) of every response. Used by tests/e2e/test_e2e_update.py,
tests/e2e/test_e2e_first_contact.py, bench/bench_redeploy.py and bench/bench_first_contact.py."""
from __future__ import annotations

import http.server
import threading
import time
from pathlib import Path

from sitebuild.server import make_handler


class CountingServer:
    """build.py's handler, recording (path, status, body bytes) of every response."""

    def __init__(self, directory: Path):
        log = self.log = []
        busy = self._busy = threading.Condition()
        self._open = 0  # requests read but not yet logged
        server = self
        base = make_handler(directory, False)

        class Handler(base):
            def parse_request(self):
                ok = super().parse_request()
                if ok:
                    with busy:
                        server._open += 1
                    self._counted = True
                return ok

            def send_response(self, code, message=None):
                self._code = code
                super().send_response(code, message)

            def copyfile(self, source, outputfile):
                n = 0
                while chunk := source.read(1 << 16):
                    outputfile.write(chunk)
                    n += len(chunk)
                self._sent = n

            def handle_one_request(self):
                self._code, self._sent, self._counted = None, 0, False
                try:
                    super().handle_one_request()
                finally:
                    with busy:
                        if self._code is not None:
                            log.append((self.path.split("?")[0], self._code, self._sent))
                        if self._counted:
                            server._open -= 1
                            busy.notify_all()

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def take(self, settle: float = 0.0, timeout: float = 60.0) -> list:
        """The responses so far, and forget them. Every request the server has read by now is answered
        and in the list (a browser that has a response has it logged here). `settle`: seconds to wait
        first, a window for whatever the browser asks for meanwhile (benches; tests wait for a page
        signal instead)."""
        time.sleep(settle)
        with self._busy:
            if not self._busy.wait_for(lambda: self._open == 0, timeout):
                raise TimeoutError(f"{self._open} requests still unanswered after {timeout} s")
            out, self.log[:] = list(self.log), []
        return out

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
