"""The ``retrowalk`` command line: the same use cases as the web app, from a terminal."""
