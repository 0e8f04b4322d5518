"""The retrowalk web app: walkers on their phones, clinicians at their desks.

``retrowalk.web.app.create_app`` builds a FastAPI app with server-rendered pages (Jinja2,
small vanilla JS, every asset served locally) and a JSON API under ``/api/v1``. Access to
records is enforced by :mod:`retrowalk.services`; this package adds sign-in (argon2),
sessions, CSRF protection and login rate limiting.
"""
