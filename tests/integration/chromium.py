"""Headless Chromium for the dashboard tests, and what the page shows read from its DOM.

Needs Debian's `chromium` and `chromium-driver` (`make test` installs them when missing); when
they are missing the test fails with a message that says so.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--window-size=1400,1000")


@contextmanager
def headless_chromium() -> Iterator:
    """A Selenium driver of headless Chromium with a throwaway profile; its console is logged."""
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver_path):
        pytest.fail("headless Chromium is needed: apt-get install chromium chromium-driver "
                    "(`make test` does it)", pytrace=False)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    profile = tempfile.mkdtemp(prefix="dashboard-chromium-")
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


# Read in one script, so a refresh (every 3 s, replacing the lists) cannot happen halfway.
SHOWN = """
const all = (selector, ...names) => [...document.querySelectorAll(selector)].map((node) =>
  names.length > 1 ? names.map((name) => node.getAttribute(name)) : node.getAttribute(names[0]));
return {
  dots: all("#dots circle", "data-geonameid", "data-name", "data-quad", "data-count"),
  events: all("#events li[data-event-id]", "data-event-id"),
  alerts: all("#alerts li[data-alert-id]", "data-alert-id"),
  top_actors: all("#top-actors li", "data-key"),
  top_actor_labels: [...document.querySelectorAll("#top-actors .label")].map((n) => n.textContent),
  alert_times: [...document.querySelectorAll("#alerts time")].map((n) =>
    [n.getAttribute("datetime"), n.textContent]),
  top_locations: all("#top-locations li", "data-key"),
  daily: all("#daily li[data-record-id]", "data-record-id"),
  event_count: document.getElementById("event-count").textContent,
};
"""


def shown(driver) -> dict:
    """What the dashboard shows, from its DOM: the map's dots, the latest events, the alerts
    (and their times: datetime, text), the bars and the most reported events, in page order."""
    return driver.execute_script(SHOWN)


def console_errors(driver) -> list[dict]:
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
