from django.db import models


class LabKind(models.TextChoices):
    TERRITORIAL = "territorial", "Laboratoire d'innovation territoriale (État en région)"
    MINISTERIAL = "ministerial", "Laboratoire ministériel"
    LOCAL_AUTHORITY = "local_authority", "Laboratoire de collectivité"
    HOSPITAL = "hospital", "Laboratoire hospitalier"
    OPERATOR = "operator", "Laboratoire d'opérateur public"
    OTHER = "other", "Autre laboratoire"
