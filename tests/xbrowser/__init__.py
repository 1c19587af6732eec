"""Cross-browser end-to-end tests (a package, so its conftest never shadows tests/e2e/conftest.py)."""
