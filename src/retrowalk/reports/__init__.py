"""Reports a clinician files: the PDF report, the FHIR R4 bundle and tidy CSV tables.

Pure functions from the service outputs (``HistoryOut``, ``PrescriptionOut``,
``RestrictionsOut``, ``AccountOut``) to bytes or text; no database, no web. The adapters
(web page, JSON API, CLI) fetch the outputs through the use cases (which check access) and
call:

- :func:`retrowalk.reports.period.within` — cut a history to the chosen dates;
- :func:`retrowalk.reports.record.walker_record` — check the parts are one walker's;
- :func:`retrowalk.reports.report_pdf.report_pdf` — the PDF (A4 or Letter);
- :func:`retrowalk.reports.fhir_bundle.walker_bundle_json` — the FHIR bundle;
- :func:`retrowalk.reports.csv_tables.csv_tables` / ``csv_zip`` — the CSV tables.

Input they cannot use raises :class:`retrowalk.reports.errors.ReportInputError` with a
sentence. Codes and extensions: ``docs/fhir.md``.
"""
