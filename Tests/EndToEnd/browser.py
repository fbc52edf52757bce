"""Headless Chromium (Debian's chromium + chromium-driver) through Selenium, with a record of
every page a test passed through so a failure can save them all."""

import json
import os
import shutil
import time
from dataclasses import dataclass, field

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

TIMEOUT = 20


def start_chromium():
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1100,900"):
        options.add_argument(argument)
    options.binary_location = os.environ.get("E2E_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
    driver_path = os.environ.get("E2E_CHROMEDRIVER", shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    driver.set_page_load_timeout(TIMEOUT)
    return driver


@dataclass
class Page:
    label: str
    url: str
    png: bytes
    html: str


@dataclass
class Browser:
    """One test's view of the shared Chromium."""

    driver: webdriver.Chrome
    pages: list = field(default_factory=list)

    def reset(self):
        """Forgets every cookie (all sites) and any extra request headers."""
        self.driver.execute_cdp_cmd("Network.enable", {})
        self.driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
        self.driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {}})

    def send_extra_headers(self, headers):
        """Adds `headers` to every request the browser makes from now on."""
        self.driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": headers})

    def snap(self, label):
        try:
            self.pages.append(Page(label, self.driver.current_url, self.driver.get_screenshot_as_png(), self.driver.page_source))
        except Exception as error:  # a screenshot must never hide the real failure
            self.pages.append(Page(f"{label}-unavailable", str(error), b"", ""))

    def open(self, url, label="open"):
        self.driver.get(url)
        self.snap(label)

    @property
    def url(self):
        return self.driver.current_url

    def wait_url(self, accept, label, timeout=TIMEOUT):
        """Waits until the current URL satisfies `accept` (a prefix or a predicate)."""
        check = accept if callable(accept) else (lambda url: url.startswith(accept))
        try:
            WebDriverWait(self.driver, timeout).until(lambda d: check(d.current_url))
        except TimeoutException:
            self.snap(f"{label}-timeout")
            raise AssertionError(f"waited {timeout}s for {label}; still at {self.driver.current_url}") from None
        self.wait_loaded()
        self.snap(label)

    def wait_loaded(self):
        WebDriverWait(self.driver, TIMEOUT).until(lambda d: d.execute_script("return document.readyState") == "complete")

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def text(self):
        return self.find("body").text

    def title(self):
        return self.driver.title

    def sign_in_at_idp(self, username, password, hidden=None):
        """Fills in the pysaml2 IdP's form. `hidden` adds form fields (the IdP's test hooks)."""
        self.find("#username").send_keys(username)
        self.find("#password").send_keys(password)
        for name, value in (hidden or {}).items():
            self.driver.execute_script(
                "const i = document.createElement('input'); i.type = 'hidden';"
                "i.name = arguments[0]; i.value = arguments[1]; document.getElementById('login').appendChild(i);",
                name,
                value,
            )
        self.snap("idp-form-filled")
        self.find("#sign-in").click()

    def echo(self):
        """What the echo upstream received, from its HTML page."""
        return json.loads(self.find("#echo").text)

    def save(self, folder):
        """Writes every recorded page plus the current one; returns the paths written."""
        self.snap("at-failure")
        os.makedirs(folder, exist_ok=True)
        written = []
        for number, page in enumerate(self.pages, 1):
            stem = os.path.join(folder, f"{number:02d}-{page.label}")
            if page.png:
                with open(stem + ".png", "wb") as f:
                    f.write(page.png)
                written.append(stem + ".png")
            with open(stem + ".html", "w", encoding="utf-8") as f:
                f.write(f"<!-- {page.url} -->\n{page.html}")
        return written


def wait_for(predicate, timeout=5.0, interval=0.1):
    """Polls `predicate` until it returns something truthy; returns that or None."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(interval)
