"""A local server for dist/ that counts what it sends: build.py's handler (tools/sitebuild/server.py) on
127.0.0.1, recording (path, status, body bytes) of every response. Used by tests/e2e/test_e2e_update.py and
bench/bench_redeploy.py."""
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
        lock = threading.Lock()
        base = make_handler(directory, False)

        class Handler(base):
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
                self._code, self._sent = None, 0
                super().handle_one_request()
                if self._code is not None:
                    with lock:
                        log.append((self.path.split("?")[0], self._code, self._sent))

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def take(self, settle: float = 0.0) -> list:
        """The responses so far (after `settle` seconds for late ones), and forget them."""
        time.sleep(settle)
        out, self.log[:] = list(self.log), []
        return out

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
