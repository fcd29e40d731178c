"""The organiser space, mounted at /espace-organisateur/."""

from django.urls import path

from . import views

app_name = "organizers"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    # Organisations and memberships.
    path("organisation/nouvelle/", views.organization_create, name="organization_create"),
    path("organisation/rejoindre/", views.organization_join, name="organization_join"),
    # The organisation of the SIRET ProConnect sent (moisinno/proconnect/).
    path(
        "organisation/proconnect/",
        views.organization_proconnect,
        name="organization_proconnect",
    ),
    path("demandes/<int:pk>/annuler/", views.membership_cancel, name="membership_cancel"),
    path(
        "organisations/<slug:slug>/membres/",
        views.organization_members,
        name="organization_members",
    ),
    path(
        "organisations/<slug:slug>/membres/<int:membership_pk>/accepter/",
        views.membership_approve,
        name="membership_approve",
    ),
    path(
        "organisations/<slug:slug>/membres/<int:membership_pk>/refuser/",
        views.membership_decline,
        name="membership_decline",
    ),
    path(
        "organisations/<slug:slug>/membres/<int:membership_pk>/retirer/",
        views.membership_remove,
        name="membership_remove",
    ),
    path("organisations/<slug:slug>/quitter/", views.organization_leave, name="organization_leave"),
    # Events.
    path("evenements/nouveau/", views.event_create, name="event_create"),
    path("evenements/importer/", views.event_import, name="event_import"),
    path("evenements/<int:pk>/modifier/", views.event_update, name="event_update"),
    path("evenements/<int:pk>/apercu/", views.event_preview, name="event_preview"),
    path("evenements/<int:pk>/soumettre/", views.event_submit, name="event_submit"),
    path(
        "evenements/<int:pk>/soumettre-a-nouveau/",
        views.event_resubmit,
        name="event_resubmit",
    ),
    path("evenements/<int:pk>/retirer/", views.event_withdraw, name="event_withdraw"),
    path("evenements/<int:pk>/annuler/", views.event_cancel, name="event_cancel"),
    path("evenements/<int:pk>/dupliquer/", views.event_duplicate, name="event_duplicate"),
    path("evenements/<int:pk>/etat/", views.event_schedule, name="event_schedule"),
    path("evenements/<int:pk>/supprimer/", views.event_delete, name="event_delete"),
    # On paper and on networks: the poster, the visuals, the texts (programme/paper).
    path("evenements/<int:pk>/kit/", views.event_kit, name="event_kit"),
    # The month's results: who came (results/attendance.py).
    path("evenements/<int:pk>/participation/", views.event_attendance, name="event_attendance"),
    path("evenements/<int:pk>/avis/", views.event_survey, name="event_survey"),
    # On-platform registration: the lists, exports, sign-in sheets, messages and check-in.
    path(
        "evenements/<int:pk>/inscriptions/",
        views.event_registrations,
        name="event_registrations",
    ),
    path(
        "evenements/<int:pk>/inscriptions/export.csv",
        views.event_registrations_csv,
        name="event_registrations_csv",
    ),
    path(
        "evenements/<int:pk>/inscriptions/seances/<int:session_pk>/",
        views.session_registrations,
        name="session_registrations",
    ),
    path(
        "evenements/<int:pk>/inscriptions/seances/<int:session_pk>/export.csv",
        views.session_registrations_csv,
        name="session_registrations_csv",
    ),
    path(
        "evenements/<int:pk>/inscriptions/seances/<int:session_pk>/emargement/",
        views.session_sign_in_sheet,
        name="session_sign_in_sheet",
    ),
    path(
        "evenements/<int:pk>/inscriptions/seances/<int:session_pk>/message/",
        views.session_message,
        name="session_message",
    ),
    path(
        "evenements/<int:pk>/inscriptions/<int:registration_pk>/annuler/",
        views.registration_cancel,
        name="registration_cancel",
    ),
    path(
        "evenements/<int:pk>/inscriptions/<int:registration_pk>/liste-attente/",
        views.registration_promote,
        name="registration_promote",
    ),
    path(
        "evenements/<int:pk>/inscriptions/<int:registration_pk>/presence/",
        views.registration_presence,
        name="registration_presence",
    ),
    path(
        "inscriptions/presence/<str:token>/",
        views.registration_check_in,
        name="registration_check_in",
    ),
    # Resources, after the event.
    path("evenements/<int:pk>/ressources/", views.event_resources, name="event_resources"),
    path(
        "evenements/<int:pk>/ressources/<int:resource_pk>/modifier/",
        views.event_resource_update,
        name="event_resource_update",
    ),
    path(
        "evenements/<int:pk>/ressources/<int:resource_pk>/retirer/",
        views.event_resource_delete,
        name="event_resource_delete",
    ),
    path(
        "evenements/<int:pk>/ressources/<int:resource_pk>/deplacer/",
        views.event_resource_move,
        name="event_resource_move",
    ),
    path(
        "evenements/<int:pk>/seances/<int:session_pk>/emplacement/",
        views.session_place,
        name="session_place",
    ),
]
