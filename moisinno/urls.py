"""The root URLconf: the public site (`programme`), accounts, the organiser space, the admin.

Apps are included by name, so the project's core imports none of them.
"""

from allauth.account.decorators import secure_admin_login
from allauth.socialaccount import views as socialaccount_views
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from . import views
from .proconnect.views import enabled_or_404

# Staff log in through allauth's login, never the admin's own form: the admin's login had no
# rate limit and would skip the second factor (docs/configuration.md, « Staff accounts »).
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # allauth's page of linked accounts is ProConnect's (link, unlink): absent without it.
    path("compte/3rdparty/", enabled_or_404(socialaccount_views.connections)),
    path("compte/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("espace-organisateur/", include("organizer_space.urls")),
    path("alertes/", include("alerts.urls")),
    path("", include("programme.urls")),
]
if settings.SERVE_MEDIA:
    # Uploaded images on the local file system (docs/deploy.md, « Images »).
    prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns.insert(0, re_path(rf"^{prefix}(?P<path>.+)$", views.media, name="media"))

# French DSFR error pages; JSON under /api/ (moisinno/views.py).
handler400 = "moisinno.views.bad_request"
handler403 = "moisinno.views.permission_denied"
handler404 = "moisinno.views.page_not_found"
handler500 = "moisinno.views.server_error"
