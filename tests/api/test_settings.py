"""Settings from the environment (api/settings.py), and a bad setting named by its variable."""

from __future__ import annotations

import pytest

from api.settings import Settings


def test_settings_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DECIDER_RULES_DIRS", "/a:/b, /c")
    monkeypatch.setenv("DECIDER_API_KEYS", " one, two ,")
    monkeypatch.setenv("DECIDER_MAX_BODY_BYTES", "2048")
    monkeypatch.setenv("DECIDER_LOG_LEVEL", "WARNING")
    settings = Settings()
    assert settings.rules_dirs == ("/a", "/b", "/c")
    assert settings.api_keys == ("one", "two")
    assert settings.max_body_bytes == 2048
    assert settings.log_level == "warning"


def test_a_bad_setting_is_an_error_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    from api.settings import get_settings
    from decider.errors import SettingsError

    monkeypatch.setenv("DECIDER_MAX_BODY_BYTES", "lots")
    get_settings.cache_clear()
    try:
        with pytest.raises(SettingsError) as caught:
            get_settings()
    finally:
        get_settings.cache_clear()
    [problem] = caught.value.problems
    assert problem.location == "DECIDER_MAX_BODY_BYTES"
    assert "'lots'" in problem.message
