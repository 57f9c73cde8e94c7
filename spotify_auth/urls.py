from django.urls import path

from . import views

app_name = "spotify"

urlpatterns = [
    path("login/", views.login, name="login"),
    path("callback/", views.callback, name="callback"),
    path("result/", views.result, name="result"),
    path("import/", views.import_now, name="import"),
]
