"""How retrowalk shows what the services return, the same in the web app, the CLI and reports.

- :mod:`.vocabulary`: every code (decision, today status, flag, role, restriction, surface…)
  in words, one table per enum with a short and a long form.
- :mod:`.numbers`: speeds in m/s with km/h beside them, short citations of the sources.
- :mod:`.charts` and :mod:`.progress_charts`: the progress charts as SVG with their styles
  inside, for a page and a printed report alike.

Nothing here decides anything: it only words and draws.
"""
