"""What Moisinno knows of a user from ProConnect."""

from allauth.socialaccount.models import SocialAccount

from . import PROVIDER_ID


def agent_siret(*, user) -> str:
    """The SIRET of the agent's administration, as ProConnect last sent it ("" if none)."""
    if not user.is_authenticated:
        return ""
    account = SocialAccount.objects.filter(user=user, provider=PROVIDER_ID).first()
    siret = (account.extra_data or {}).get("siret", "") if account else ""
    return "".join(str(siret).split())
