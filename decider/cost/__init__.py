"""Cost: capacity (copies and hours), sizing (what to configure), the bill (priced lines), break-even, the quote."""
