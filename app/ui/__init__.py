"""Shared building blocks of pages and PDFs (forms, charts, PDF rendering); imports no feature package."""
