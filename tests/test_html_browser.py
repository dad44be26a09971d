"""The HTML page in a real browser: Debian's headless Chromium driven by selenium, from file://
URLs. Needs /usr/bin/chromium and /usr/bin/chromedriver (scripts/browser.sh installs them).
Screenshots go to reports/html-seeds.png and reports/html-unseen.png."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from summarizer.cli import main
from summarizer.documents import load_path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "evals" / "corpus" / "seeds").glob("0*.txt"))
MERGER = sorted((ROOT / "tests" / "fixtures" / "story_merger").glob("*.txt"))
REPORTS = ROOT / "reports"
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
        reason="needs Debian's /usr/bin/chromium and /usr/bin/chromedriver (run scripts/browser.sh)",
    ),
]
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


def _driver(profile: Path, javascript: bool = True) -> Any:
    opts = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,1400", f"--user-data-dir={profile}"):  # fmt: skip
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if not javascript:
        opts.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    opts.binary_location = str(CHROMIUM)
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=opts)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    d = _driver(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield d
    finally:
        d.quit()


def _build(files: list[Path], out: Path) -> Path:
    assert main(["brief", *map(str, files), "--backend", "none", "-q", "--no-cache", "-o", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def seeds_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(SEEDS, tmp_path_factory.mktemp("html") / "seeds.html")


def _texts(files: list[Path]) -> dict[str, str]:
    return {p.stem: load_path(p).text for p in files}


def _value_button(d: Any, label: str) -> Any:
    for b in d.find_elements(By.CSS_SELECTOR, "button.val"):
        if b.get_attribute("textContent").strip() == label:
            return b
    raise AssertionError(f"no value button {label!r}")


def _row(d: Any, button: Any) -> Any:
    return d.find_element(By.ID, button.get_attribute("aria-controls"))


def _check_marks(marks: list[Any], texts: dict[str, str]) -> int:
    for m in marks:
        src, start, end = m.get_attribute("data-source"), int(m.get_attribute("data-start")), int(m.get_attribute("data-end"))
        assert m.get_attribute("textContent") == texts[src][start:end], (src, start, end)
    return len(marks)


def test_seeds_page_dom_after_scripts(browser: Any, seeds_page: Path) -> None:
    d = browser
    d.get(seeds_page.as_uri())
    assert "js" in d.find_element(By.TAG_NAME, "html").get_attribute("class")
    assert len(d.find_elements(By.CSS_SELECTOR, "#discrepancies table")) >= 4
    assert len(d.find_elements(By.CSS_SELECTOR, "#discrepancies table thead th[scope=col]")) >= 16
    shown = [m for m in d.find_elements(By.CSS_SELECTOR, "mark") if m.is_displayed()]
    assert len(shown) >= 5
    assert len(d.find_elements(By.CSS_SELECTOR, "article.reader")) == 5
    body = d.find_element(By.TAG_NAME, "body").text
    for p in SEEDS:
        assert p.stem in body
    for figure in ("2030", "2031", "600,000"):
        assert figure in body
    # evidence rows are collapsed once the script ran; their values say so
    rows = d.find_elements(By.CSS_SELECTOR, "tr.ev")
    assert rows and not any(r.is_displayed() for r in rows)
    assert {b.get_attribute("aria-expanded") for b in d.find_elements(By.CSS_SELECTOR, "button.val")} == {"false"}
    errors = [e for e in d.get_log("browser") if e.get("level") == "SEVERE"]
    assert errors == [], errors  # no CSP violation, no script error


def test_click_value_shows_each_source_sentence(browser: Any, seeds_page: Path) -> None:
    d = browser
    d.get(seeds_page.as_uri())
    texts = _texts(SEEDS)
    for label in ("2030", "over 600,000", "2031"):
        b = _value_button(d, label)
        d.execute_script("arguments[0].scrollIntoView({block: 'center'})", b)
        b.click()
        row = _row(d, b)
        assert row.is_displayed() and b.get_attribute("aria-expanded") == "true"
        marks = row.find_elements(By.CSS_SELECTOR, "mark")
        assert marks and all(m.is_displayed() for m in marks)
        assert _check_marks(marks, texts) == len(row.find_elements(By.CSS_SELECTOR, "li"))
        for li in row.find_elements(By.CSS_SELECTOR, "li .ctx"):  # a whole sentence around the figure
            assert len(li.text) > len(li.find_element(By.TAG_NAME, "mark").text) + 20
    b = _value_button(d, "2031")
    b.click()  # a second click closes
    assert not _row(d, b).is_displayed() and b.get_attribute("aria-expanded") == "false"
    # every highlight in the source readers too
    assert _check_marks(d.find_elements(By.CSS_SELECTOR, "article.reader mark"), texts) > 50
    b = _value_button(d, "2030")
    d.execute_script("arguments[0].scrollIntoView({block: 'center'}); window.scrollTo(0, 0)", b)
    REPORTS.mkdir(exist_ok=True)
    d.save_screenshot(str(REPORTS / "html-seeds.png"))


def test_keyboard_focus_and_keys(browser: Any, seeds_page: Path) -> None:
    d = browser
    d.get(seeds_page.as_uri())
    first, second = d.find_elements(By.CSS_SELECTOR, "button.val")[:2]
    d.execute_script("arguments[0].focus()", first)  # keyboard focus previews the evidence
    assert _row(d, first).is_displayed() and first.get_attribute("aria-expanded") == "true"
    first.send_keys(Keys.TAB)  # leaving an unpinned value hides its preview
    assert d.switch_to.active_element != first and not _row(d, first).is_displayed()
    d.execute_script("arguments[0].focus()", second)
    second.send_keys(Keys.ENTER)  # Enter pins it open ...
    second.send_keys(Keys.TAB)
    assert _row(d, second).is_displayed()  # ... so Tab reaches the links in its evidence
    d.execute_script("arguments[0].focus()", second)
    second.send_keys(Keys.ESCAPE)  # Escape closes
    assert not _row(d, second).is_displayed() and second.get_attribute("aria-expanded") == "false"
    second.send_keys(Keys.SPACE)  # Space opens and pins; again closes
    assert _row(d, second).is_displayed()
    second.send_keys(Keys.SPACE)
    assert not _row(d, second).is_displayed()


def test_claim_link_jumps_to_its_span(browser: Any, seeds_page: Path) -> None:
    d = browser
    d.get(seeds_page.as_uri())
    chip = d.find_element(By.CSS_SELECTOR, "#F1 a.chip")
    target = chip.get_attribute("href").split("#", 1)[1]
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", chip)
    chip.click()
    assert d.execute_script("return location.hash") == "#" + target
    # the page's hashchange handler marks the span; on a busy machine it runs a moment later
    WebDriverWait(d, 10).until(lambda drv: drv.find_elements(By.CSS_SELECTOR, "mark.hit"))
    hits = d.find_elements(By.CSS_SELECTOR, "mark.hit")
    assert hits and all(target in (h.get_attribute("data-spans") or "").split() for h in hits)
    _check_marks(hits, _texts(SEEDS))


def test_print_media_and_no_js_show_everything(tmp_path: Path, browser: Any, seeds_page: Path) -> None:
    d = browser
    d.get(seeds_page.as_uri())
    d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert all(r.is_displayed() for r in d.find_elements(By.CSS_SELECTOR, "tr.ev"))
    finally:
        d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    nojs = _driver(tmp_path / "profile", javascript=False)
    try:
        nojs.get(seeds_page.as_uri())
        assert "js" not in (nojs.find_element(By.TAG_NAME, "html").get_attribute("class") or "")
        rows = nojs.find_elements(By.CSS_SELECTOR, "tr.ev")
        assert rows and all(r.is_displayed() for r in rows)
    finally:
        nojs.quit()


def test_injected_script_does_not_run(tmp_path: Path, browser: Any) -> None:
    story = tmp_path / "story"
    story.mkdir()
    for p in MERGER:
        shutil.copy(p, story / p.name)
    evil = story / "hostile.txt"
    evil.write_text(
        "Northwind deal <script>window.__pwned=1</script> draws protest\n\n"
        "Northwind Traders will pay $1.6 billion for Contoso, a rival said on Thursday."
        ' The filing <img src=x onerror="window.__pwned=1"> was posted late.\n\n'
        "The combined company will employ about 9,000 people, the rival said.\n",
        encoding="utf-8",
    )
    page = _build(sorted(story.glob("*.txt")), tmp_path / "hostile.html")
    d = browser
    d.get(page.as_uri())
    assert d.execute_script("return typeof window.__pwned") == "undefined"
    assert d.find_elements(By.CSS_SELECTOR, "body img") == []
    body = d.find_element(By.TAG_NAME, "body").text
    assert "<script>window.__pwned=1</script>" in body
    assert '<img src=x onerror="window.__pwned=1">' in body
    assert len(d.find_elements(By.CSS_SELECTOR, "body script")) == 1
    _check_marks(d.find_elements(By.CSS_SELECTOR, "mark"), {p.stem: load_path(p).text for p in story.glob("*.txt")})


def test_unseen_story_page(tmp_path: Path, browser: Any) -> None:
    page = _build(MERGER, tmp_path / "merger.html")
    d = browser
    d.get(page.as_uri())
    assert len(d.find_elements(By.CSS_SELECTOR, "article.reader")) == len(MERGER)
    body = d.find_element(By.TAG_NAME, "body").text
    assert "Northwind" in body and "republication" in body
    _check_marks(d.find_elements(By.CSS_SELECTOR, "mark"), _texts(MERGER))
    REPORTS.mkdir(exist_ok=True)
    d.save_screenshot(str(REPORTS / "html-unseen.png"))
    assert os.path.getsize(REPORTS / "html-unseen.png") > 10_000
