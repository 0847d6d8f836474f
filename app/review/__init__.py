"""Review: sampling plans, the review queue, reviews of evaluations, calibration."""

from app.review import guards  # noqa: F401  (final evaluations refuse every change, whoever writes)
