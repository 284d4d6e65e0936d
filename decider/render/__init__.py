"""Renderers: a decision or a review as a table, Markdown, JSON, SARIF or an ADR; sizings and numbers in words."""
