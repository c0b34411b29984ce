"""Random-looking fake keys for tests (never real). This folder is in .skill-validate-ignore."""

FAKE_KEY = "q8Zr2LmX7vPd4TnB9wKe3YhC6uJs1FaG"
