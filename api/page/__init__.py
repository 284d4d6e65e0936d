"""The web page at ``GET /``: a workload form, the answer, and the cost-vs-traffic chart (api/page/routes.py)."""

from api.page.routes import router

__all__ = ["router"]
