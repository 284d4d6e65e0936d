"""The page in a real browser: Debian's chromium, headless, driven by Playwright, against a live ``decider serve``.

Fill the form from an example, submit, read the recommendation; a bad value shows its problem at its field; a
counterfactual's button changes the form and the answer; the chart has one line per eligible target and one marker per
break-even volume in its range; and without JavaScript the form still answers (rendered by the server).
``make browser`` installs chromium when it is missing. With DECIDER_SCREENSHOTS=DIR the result page and the chart are
saved there (``make screenshots`` writes docs/img/).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from api.examples import CHECKOUT_API
from decider.documents import read_file
from tests.live_schemathesis import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
QUEUE_CONSUMER: dict[str, Any] = read_file(REPO_ROOT / "examples" / "queue-consumer.yaml")
BIN = Path(sys.executable).parent
READY_TIMEOUT_S = 60
TIMEOUT_MS = 30_000


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "the browser test needs Debian's chromium: run `make browser` (apt-get install chromium)"
    return found


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {key: value for key, value in os.environ.items() if not key.startswith("DECIDER_")}
    command = [str(BIN / "decider"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            assert process.poll() is None, f"decider serve exited with {process.returncode}"
            try:
                if httpx.get(base + "/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "decider serve was not ready in time"
            time.sleep(0.2)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium(), args=["--no-sandbox"], headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    opened = context.new_page()
    yield opened
    context.close()


def decision_of(server: str, workload: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = httpx.post(server + "/recommend", json=workload, timeout=30).json()
    return answer


def crossings_in_range(decision: dict[str, Any]) -> list[dict[str, Any]]:
    xs = [point["requests_per_month"] for curve in decision["cost_curve"] for point in curve["points"]]
    return [point for point in decision["break_even"] if min(xs) <= point["requests_per_month"] <= max(xs)]


def submit_example(page: Page, server: str, name: str) -> None:
    page.goto(server + "/")
    page.get_by_label("Example workload").select_option(name)
    page.get_by_role("button", name="Recommend").click()
    expect(page.locator("#recommendation")).to_be_visible()


def test_an_example_submitted_shows_the_recommendation_the_chart_and_a_shareable_link(page: Page, server: str) -> None:
    submit_example(page, server, "checkout-api")
    expected = decision_of(server, CHECKOUT_API)
    expect(page.locator("#recommendation")).to_have_attribute("data-target", expected["recommendation"])
    expect(page.get_by_label("memory mb (MB)")).to_have_value("1024")
    chart = page.locator("#cost-chart")
    expect(chart).to_have_attribute("data-drawn", "true")
    expect(chart.locator("g.cost_line_marks path")).to_have_count(len(expected["ranking"]))
    expect(chart.locator("g.break_even_marks path")).to_have_count(len(crossings_in_range(expected)))
    # The address now carries the workload: opening it renders the same answer on the server.
    shared = page.url
    assert "?w=" in shared
    page.goto(shared)
    expect(page.locator("#recommendation")).to_have_attribute("data-target", expected["recommendation"])
    # A bill opens to its lines.
    first = page.locator("table.ranking details").first
    first.locator("summary").click()
    expect(first.locator("table.bill tbody tr").first).to_be_visible()
    if folder := os.environ.get("DECIDER_SCREENSHOTS"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        expect(chart).to_have_attribute("data-drawn", "true")
        page.locator("#answer").screenshot(path=str(Path(folder) / "page.png"))


def test_the_chart_marks_each_break_even_in_its_range(page: Page, server: str) -> None:
    """order-events (examples/queue-consumer.yaml): Lambda's bill crosses two container bills within 0.1× to 10× of
    its volume, and the chart marks each crossing there, no more."""
    submit_example(page, server, "queue-consumer")
    expected = decision_of(server, QUEUE_CONSUMER)
    assert crossings_in_range(expected), "order-events' bills cross within the chart's range"
    chart = page.locator("#cost-chart")
    expect(chart).to_have_attribute("data-drawn", "true")
    expect(chart.locator("g.break_even_marks path")).to_have_count(len(crossings_in_range(expected)))
    if folder := os.environ.get("DECIDER_SCREENSHOTS"):
        chart.screenshot(path=str(Path(folder) / "page-chart.png"))


def test_a_bad_value_is_shown_at_its_field(page: Page, server: str) -> None:
    page.goto(server + "/")
    memory = page.get_by_label("memory mb (MB)")
    memory.fill("lots")
    page.get_by_label("pattern").select_option("spiky")
    page.get_by_role("button", name="Recommend").click()
    field = page.locator('.field[data-path="runtime.memory_mb"]')
    expect(field.locator(".error")).to_contain_text("whole number")
    expect(memory).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#errors")).to_contain_text("runtime.memory_mb")
    # One heading, not "The workload is not valid: the workload is not valid".
    expect(page.locator("#errors h2")).to_have_text("The workload is not valid")
    expect(page.locator("#recommendation")).to_have_count(0)


def test_a_counterfactual_button_applies_its_change(page: Page, server: str) -> None:
    submit_example(page, server, "checkout-api")
    button = page.locator("a.apply").first
    expect(button).to_be_visible()
    expected = decision_of(server, CHECKOUT_API)["counterfactuals"][0]
    button.click()
    expect(page.locator("#recommendation")).to_have_attribute("data-target", expected["recommendation"])
    for path, value in expected["change"].items():
        shown = page.locator(f'.field[data-path="{path}"]').locator("input, select").input_value()
        if isinstance(value, bool):
            assert shown == str(value).lower()
        elif isinstance(value, int | float):
            assert float(shown) == value
        else:
            assert shown == str(value)


def test_without_javascript_the_server_renders_the_answer(browser: Browser, server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto(server + "/")
        page.get_by_label("Example workload").select_option("queue-consumer")
        page.get_by_role("button", name="Load example").click()
        expect(page.get_by_label("pattern")).not_to_have_value("")
        page.get_by_role("button", name="Recommend").click()
        expect(page.locator("#recommendation")).to_be_visible()
        expect(page.locator("noscript img")).to_have_count(1)
        page.get_by_label("memory mb (MB)").fill("-5")
        page.get_by_role("button", name="Recommend").click()
        expect(page.locator('.field[data-path="runtime.memory_mb"] .error')).not_to_be_empty()
    finally:
        context.close()
