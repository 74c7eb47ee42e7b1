"""newsreader: a terminal news reader."""

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/newsreader-tui/newsreader"
USER_AGENT = f"newsreader/{__version__} (+{PROJECT_URL})"
