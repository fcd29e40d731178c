from django.tasks import task

from .enums import EmailStatus
from .models import OutgoingEmail
from .notifications import deliver


@task
def send_email(email_id: int) -> bool:
    email = OutgoingEmail.objects.filter(pk=email_id, status=EmailStatus.PENDING).first()
    if email is None:  # already sent by an earlier run, or abandoned
        return False
    return deliver(email)
