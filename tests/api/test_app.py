"""``create_app()`` (api/app.py): the rules load in the lifespan, and a bad rule file stops start-up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from anyio.from_thread import start_blocking_portal

from api.app import create_app
from api.settings import Settings
from decider.errors import RulesError
from tests.api.conftest import NO_EKS


def test_a_bad_rule_file_stops_start_up_listing_every_problem(org_rules: Path) -> None:
    broken = [{**NO_EKS[0], "target": "ekss"}, {"id": "org.b"}]
    (org_rules / "broken.yaml").write_text(json.dumps(broken))
    app = create_app(Settings(rules_dirs=(str(org_rules),)))
    with (
        start_blocking_portal() as portal,
        pytest.raises(RulesError) as caught,
        portal.wrap_async_context_manager(app.router.lifespan_context(app)),
    ):
        pass
    assert len(caught.value.problems) >= 2
    assert "ekss" in str(caught.value)
    assert "org.b" in str(caught.value)
    assert not app.state.rules.ready
