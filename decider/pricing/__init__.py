"""Prices: the dated, sourced price book model, its loader, and the rebuild from the AWS Price List."""
