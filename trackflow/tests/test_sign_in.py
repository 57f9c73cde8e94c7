"""Every household member signs in at the front door, staff or not; the API offers it too."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.wait import WebDriverWait

from spotify_auth.models import SpotifyAccount


@pytest.mark.django_db(transaction=True)
def test_a_household_member_signs_in_sees_the_dashboard_and_signs_out(
    browser, live_server, django_user_model
):
    ana = django_user_model.objects.create_user("ana", password="correct-horse-9")
    SpotifyAccount.objects.create(user=ana, spotify_user_id="ana-on-spotify", display_name="Ana")

    browser.get(f"{live_server.url}/")
    assert browser.current_url == f"{live_server.url}/accounts/login/?next=/"
    browser.find_element(By.NAME, "username").send_keys("ana")
    browser.find_element(By.NAME, "password").send_keys("correct-horse-9")
    browser.find_element(By.CSS_SELECTOR, "#login-form input[type=submit]").click()

    # A click returns before the POST's navigation ends: wait for the page it leads to.
    WebDriverWait(browser, 30).until(EC.url_to_be(f"{live_server.url}/"))
    assert "Welcome, ana" in browser.find_element(By.ID, "content").text
    assert "Connected as Ana" in browser.find_element(By.ID, "spotify").text
    assert not browser.find_elements(By.CSS_SELECTOR, "a[href='/admin/']")

    browser.find_element(By.ID, "sign-out").click()
    WebDriverWait(browser, 30).until(EC.url_to_be(f"{live_server.url}/accounts/login/"))
    browser.get(f"{live_server.url}/")
    assert browser.current_url == f"{live_server.url}/accounts/login/?next=/"


@pytest.mark.django_db
def test_a_wrong_password_is_refused_on_the_page(client, owner):
    response = client.post("/accounts/login/", {"username": "owner", "password": "nope"})

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "staff account" not in response.content.decode()


@pytest.mark.django_db
def test_a_signed_in_visitor_of_the_sign_in_page_goes_to_the_dashboard(client, owner):
    client.force_login(owner)

    assert client.get("/accounts/login/")["Location"] == "/"


@pytest.mark.django_db
def test_the_browsable_api_offers_to_log_in_and_lets_a_member_in(client, owner):
    html = {"HTTP_ACCEPT": "text/html"}

    refused = client.get("/api/jobs/", **html)
    client.post("/api-auth/login/", {"username": "owner", "password": "owner-pass-1"})
    allowed = client.get("/api/jobs/", **html)

    assert refused.status_code == 403
    assert "href='/api-auth/login/?next=/api/jobs/'>Log in<" in refused.content.decode()
    assert allowed.status_code == 200
