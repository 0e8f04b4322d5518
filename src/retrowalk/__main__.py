"""``python -m retrowalk``: the same program as the ``retrowalk`` command."""

from retrowalk.cli.app import main

if __name__ == "__main__":
    main()
