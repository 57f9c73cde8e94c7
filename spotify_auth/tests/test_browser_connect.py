"""A person connects Spotify and imports from the dashboard, in a real browser."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_person_connects_spotify_and_imports_their_library(
    browser, live_server, sandbox, settings, django_user_model, tmp_path
):
    django_user_model.objects.create_user("ana", password="correct-horse-9")  # not staff
    settings.SPOTIFY_REDIRECT_URI = f"{live_server.url}/spotify/callback/"

    browser.get(f"{live_server.url}/")  # sends her to the sign-in page
    browser.find_element(By.NAME, "username").send_keys("ana")
    browser.find_element(By.NAME, "password").send_keys("correct-horse-9")
    browser.find_element(By.CSS_SELECTOR, "#login-form input[type=submit]").click()
    # Clicks return before their navigation ends, so each step waits for the page it leads to.
    WebDriverWait(browser, 30).until(lambda b: b.current_url == f"{live_server.url}/")
    assert "Not connected" in browser.find_element(By.ID, "spotify").text

    browser.find_element(By.ID, "connect-spotify").click()
    WebDriverWait(browser, 30).until(
        lambda b: b.current_url.startswith(f"{sandbox.base_url}/accounts/authorize")
    )
    browser.find_element(By.ID, "approve-sandbox-user").click()

    WebDriverWait(browser, 30).until(
        lambda b: b.current_url == f"{live_server.url}/spotify/result/"
    )
    assert "Signed in to Spotify as Sandbox User" in browser.find_element(By.ID, "content").text
    assert len(browser.find_elements(By.TAG_NAME, "h1")) == 1
    assert "code=" not in browser.current_url  # the one-time code left the address bar

    browser.find_element(By.CSS_SELECTOR, "form[action='/spotify/import/'] button").click()
    WebDriverWait(browser, 60).until(lambda b: b.current_url.endswith("/api/jobs/"))
    browser.get(f"{live_server.url}/")
    library = browser.find_element(By.ID, "library").text
    jobs = browser.find_element(By.ID, "jobs").text
    assert "Connected as Sandbox User" in browser.find_element(By.ID, "spotify").text
    assert "0 tracks" not in library and "playlists and your Liked Songs" in library
    assert "completed" in jobs and "failed" not in jobs
    shot = tmp_path / "dashboard.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
