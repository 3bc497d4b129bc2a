"""Evaluation against ground truth: the demo corpus's truth.json (and, in bench/, research data)."""
