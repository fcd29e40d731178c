"""SIRET numbers and legal categories (catégories juridiques of the Sirene register)."""

from django.core.exceptions import ValidationError

from .enums import OrganizationKind

#: La Poste's establishments share this SIREN; their SIRET follow another rule (Insee).
LA_POSTE_SIREN = "356000000"


def siret_is_valid(value: str) -> bool:
    """14 digits whose Luhn sum is a multiple of 10 (La Poste's establishments: or whose
    digits add up to a multiple of 5)."""
    if len(value) != 14 or not value.isascii() or not value.isdigit():
        return False
    if value.startswith(LA_POSTE_SIREN) and sum(int(digit) for digit in value) % 5 == 0:
        return True
    total = 0
    for index, digit in enumerate(int(d) for d in reversed(value)):
        if index % 2:
            digit *= 2
            digit = digit - 9 if digit > 9 else digit
        total += digit
    return total % 10 == 0


def normalize_siret(value: str) -> str:
    """What people type (« 110 044 017 00016 ») as 14 digits."""
    return "".join(value.split())


def validate_siret(value: str) -> None:
    if not siret_is_valid(value):
        raise ValidationError(
            "Ce numéro SIRET n’est pas valide : il compte 14 chiffres (9 du SIREN, 5 de "
            "l’établissement), comme sur l’annuaire des entreprises.",
            code="invalid_siret",
        )


def is_public_body(category: str) -> bool:
    """Legal persons of public law: 7xxx (administrations, local authorities, public
    establishments) and 4xxx (public bodies under commercial law, such as EPIC)."""
    return category[:1] in {"4", "7"}


def is_eligible_category(category: str) -> bool:
    """Who may organise an event of the month, as far as the legal category tells: a public
    body, or a non-profit of private law (8xxx: social security bodies, mutual societies;
    9xxx: associations, foundations). Unknown (empty): not judged here."""
    return not category or is_public_body(category) or category[:1] in {"8", "9"}


def kind_for_category(category: str) -> str:
    """The organisation kind a legal category suggests ("" when none fits)."""
    if category in {"7120", "7150", "7111", "7112", "7113", "7110"}:
        return OrganizationKind.STATE_CENTRAL
    if category.startswith("71"):  # 7160, 7171, 7172, 7179: services déconcentrés
        return OrganizationKind.STATE_DECONCENTRATED
    if category.startswith("72") or category.startswith("734") or category.startswith("735"):
        return OrganizationKind.LOCAL_AUTHORITY  # communes, départements, régions, EPCI
    if category in {"7361", "7362", "7363", "7364", "7365", "7366"}:
        return OrganizationKind.HEALTH_SOCIAL  # CCAS, hôpitaux, médico-social
    if is_public_body(category):
        return OrganizationKind.PUBLIC_OPERATOR
    if category.startswith("92") or category.startswith("93"):
        return OrganizationKind.ASSOCIATION
    return ""
