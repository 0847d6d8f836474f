"""Rubrics and automatic scoring: pure functions over transcripts, no Flask or database import."""
