"""Code a visitor types into the Your model pane, shared by the tests, the random walk and bench_stop.py,
and the one way to type it (what the page's contract promises: set textarea#code's value and dispatch
`input`)."""

FEATURES = """\
# a 16 x 16 cosine basis, typed by a visitor
def features(x, y):
    cols = [np.cos(np.pi * i * x) * np.cos(np.pi * j * y) for i in range(16) for j in range(16)]
    return np.stack(cols, axis=1)   # (M, 256)
"""
FEATURES_SMALL = """\
def features(x, y):
    cols = [np.cos(np.pi * i * x) * np.cos(np.pi * j * y) for i in range(6) for j in range(6)]
    return np.stack(cols, axis=1)   # (M, 36)
"""
SYNTAX_ERROR = """\
def features(x, y):
    cols = [np.ones_like(x), x, y]

    return np.stack(cols, axis=1
"""
ENDLESS = """\
class Forever:
    def __init__(self, target, learning_rate=0.1, seed=0):
        self.target = target

    def step(self, epochs):
        while True:
            pass

    def predict(self):
        return self.target * 0
"""
FEATURES_NEVER_RETURN = """\
def features(x, y):
    while True:
        pass
"""


def type_code(page, source):
    """Types `source` into the editor as a visitor would (the page cannot tell the difference)."""
    page.evaluate("""text => {
        const el = document.getElementById('code');
        el.value = text;
        el.dispatchEvent(new Event('input', {bubbles: true}));
    }""", source)
