"""ProConnect's URLs, under /compte/ (allauth includes each provider's `urls`)."""

from django.urls import path

from . import linking, views

urlpatterns = [
    path("proconnect/login/", views.login, name="proconnect_login"),
    # The callback to register with ProConnect (its `redirect_uri`, trailing slash included).
    path("proconnect/login/callback/", views.callback, name="proconnect_callback"),
    # The `post_logout_redirect_uri` to register with ProConnect.
    path(
        "proconnect/deconnexion/",
        views.enabled_or_404(views.logout_return),
        name="proconnect_logout_return",
    ),
    path("proconnect/associer/", views.enabled_or_404(linking.link), name="proconnect_link"),
    path(
        "proconnect/associer/<str:token>/",
        views.enabled_or_404(linking.link_email),
        name="proconnect_link_email",
    ),
]
