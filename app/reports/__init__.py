"""Team reports for QA managers: averages, trends, distribution, coverage, agreement, CSV export."""
