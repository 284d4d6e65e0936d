"""decider's REST API: ``create_app()`` builds the FastAPI application around the engine in ``decider/``."""

from api.app import create_app

__all__ = ["create_app"]
