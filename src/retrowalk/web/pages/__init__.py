"""HTML pages, one module per audience: sign-in and setup, walkers, clinicians, shared."""
