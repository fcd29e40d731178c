"""The generated organisations and labs: every kind of organisation in every region and
department, a few dozen labs of every kind, most hosted by one of those organisations.
Created once and reused: a pool row with the same slug is never duplicated.
"""

import random
from dataclasses import dataclass

from django.utils.text import slugify

from labs.enums import LabKind
from labs.models import Lab
from moisinno.geography import DEPARTMENTS, REGIONS
from organizers.enums import OrganizationKind
from organizers.models import Organization

from . import vocabulary as vocab

_S = OrganizationKind


@dataclass(frozen=True, slots=True)
class OrganizationSpec:
    name: str
    kind: str
    region: str
    department: str

    @property
    def slug(self) -> str:
        return slugify(self.name)[:220]


@dataclass(frozen=True, slots=True)
class LabSpec:
    name: str
    kind: str
    region: str
    ministry: str = ""
    host_slug: str = ""

    @property
    def slug(self) -> str:
        return slugify(self.name)[:220]


def _hospital_name(department_code: str) -> str:
    special = {
        "75": "Assistance publique – Hôpitaux de Paris",
        "13": "Assistance publique – Hôpitaux de Marseille",
        "69": "Hospices civils de Lyon",
        "2A": "Centre hospitalier d'Ajaccio",
        "971": "CHU de la Guadeloupe",
        "972": "CHU de Martinique",
        "973": "Centre hospitalier de Cayenne",
        "974": "CHU de La Réunion",
        "976": "Centre hospitalier de Mayotte",
    }
    return (
        special.get(department_code)
        or f"CHU {vocab.of_city(vocab.DEPARTMENT_SEATS[department_code])}"
    )


def organization_specs() -> list[OrganizationSpec]:
    """The generated organisations: every kind in every region, about 330 in all."""
    specs: list[OrganizationSpec] = []
    specs += [
        OrganizationSpec(name, _S.STATE_CENTRAL, "11", "75")
        for name in vocab.CENTRAL_ADMINISTRATIONS
    ]
    specs += [
        OrganizationSpec(name, _S.ASSOCIATION, "11", "") for name in vocab.NATIONAL_ASSOCIATIONS
    ]
    for code in sorted(REGIONS):
        region = REGIONS[code]
        seat = vocab.REGION_SEAT_DEPARTMENTS[code]
        council = vocab.REGIONAL_COUNCILS.get(code, f"Région {region.name}")
        specs += [
            OrganizationSpec(
                f"Préfecture de la région {region.name}", _S.STATE_DECONCENTRATED, code, seat
            ),
            OrganizationSpec(council, _S.LOCAL_AUTHORITY, code, seat),
            OrganizationSpec(
                f"Agence régionale de santé {region.name}", _S.PUBLIC_OPERATOR, code, seat
            ),
            OrganizationSpec(f"Pôle emploi {region.name}", _S.PUBLIC_OPERATOR, code, ""),
            OrganizationSpec(_hospital_name(seat), _S.HEALTH_SOCIAL, code, seat),
            OrganizationSpec(
                f"Réseau des innovateurs publics — {region.name}", _S.ASSOCIATION, code, ""
            ),
        ]
    for index, (code, department) in enumerate(DEPARTMENTS.items()):
        seat = vocab.DEPARTMENT_SEATS[code]
        of_department = vocab.of_department(code, department.name)
        region = department.region_code
        specs.append(
            OrganizationSpec(f"Ville {vocab.of_city(seat)}", _S.LOCAL_AUTHORITY, region, code)
        )
        # One more organisation per department, rotating over the kinds found locally.
        rotation = [
            (f"Préfecture {of_department}", _S.STATE_DECONCENTRATED),
            (
                None if code in vocab.NO_DEPARTMENTAL_COUNCIL else f"Département {of_department}",
                _S.LOCAL_AUTHORITY,
            ),
            (f"Centre hospitalier {vocab.of_city(seat)}", _S.HEALTH_SOCIAL),
            (f"Caisse d'allocations familiales {of_department}", _S.PUBLIC_OPERATOR),
            (f"Centre communal d'action sociale {vocab.of_city(seat)}", _S.HEALTH_SOCIAL),
            (f"Direction départementale des territoires {of_department}", _S.STATE_DECONCENTRATED),
        ]
        for shift in range(len(rotation)):
            name, kind = rotation[(index + shift) % len(rotation)]
            if name and code != "75":
                specs.append(OrganizationSpec(name, kind, region, code))
                break
    unique: dict[str, OrganizationSpec] = {}
    for spec in specs:
        unique.setdefault(spec.slug, spec)
    return list(unique.values())


def lab_specs(*, regions_with_territorial_lab: set[str]) -> list[LabSpec]:
    """A few dozen generated labs of every kind; no second territorial lab in a region."""
    specs = [
        LabSpec(
            f"Laboratoire d'innovation territoriale {REGIONS[code].name}",
            LabKind.TERRITORIAL,
            code,
            host_slug=slugify(f"Préfecture de la région {REGIONS[code].name}"),
        )
        for code in sorted(REGIONS)
        if code not in regions_with_territorial_lab
    ]
    specs += [
        LabSpec(name, LabKind.MINISTERIAL, "11", ministry=ministry)
        for name, ministry in vocab.MINISTRIES
    ]
    for code in ["69", "31", "59", "44", "33", "35", "67", "34"]:
        city = vocab.of_city(vocab.DEPARTMENT_SEATS[code])
        specs.append(
            LabSpec(
                f"Lab d'innovation de la Ville {city}",
                LabKind.LOCAL_AUTHORITY,
                DEPARTMENTS[code].region_code,
                host_slug=slugify(f"Ville {city}"),
            )
        )
    for code in ["35", "31", "59", "33"]:
        hospital = _hospital_name(code)
        specs.append(
            LabSpec(
                f"Lab innovation du {hospital}",
                LabKind.HOSPITAL,
                DEPARTMENTS[code].region_code,
                host_slug=slugify(hospital),
            )
        )
    for code in ["76", "84"]:
        agency = f"Agence régionale de santé {REGIONS[code].name}"
        specs.append(
            LabSpec(f"Lab de l'{agency}", LabKind.OPERATOR, code, host_slug=slugify(agency))
        )
    for code in ["59", "13"]:
        fund = (
            f"Caisse d'allocations familiales {vocab.of_department(code, DEPARTMENTS[code].name)}"
        )
        specs.append(
            LabSpec(
                f"Lab de la {fund}",
                LabKind.OPERATOR,
                DEPARTMENTS[code].region_code,
                host_slug=slugify(fund),
            )
        )
    for code in ["21", "87", "63"]:
        city = vocab.of_city(vocab.DEPARTMENT_SEATS[code])
        specs.append(
            LabSpec(
                f"Tiers-lieu d'innovation publique {city}",
                LabKind.OTHER,
                DEPARTMENTS[code].region_code,
            )
        )
    return specs


def organizations_ensure() -> tuple[list[tuple[OrganizationSpec, int]], dict[int, str], int]:
    """Create the missing pool organisations; reuse any organisation with the same slug."""
    specs = organization_specs()
    slugs = [s.slug for s in specs]
    existing = dict(Organization.objects.filter(slug__in=slugs).values_list("slug", "pk"))
    missing = [
        Organization(
            name=s.name,
            slug=s.slug,
            kind=s.kind,
            region=s.region,
            department=s.department,
            description="Organisation fictive créée pour la démonstration.",
            is_generated=True,
        )
        for s in specs
        if s.slug not in existing
    ]
    Organization.objects.bulk_create(missing, batch_size=500)
    rows = list(Organization.objects.filter(slug__in=slugs).values_list("slug", "pk", "name"))
    ids = {slug: pk for slug, pk, _name in rows}
    names = {pk: name for _slug, pk, name in rows}
    return [(s, ids[s.slug]) for s in specs], names, len(missing)


def labs_ensure(organization_ids: dict[str, int]) -> int:
    """Create the missing pool labs, hosted by the pool organisations (`organization_ids`: slug
    to primary key); return how many were created."""
    regions_with_lab = set(
        Lab.objects.filter(kind=LabKind.TERRITORIAL, is_generated=False).values_list(
            "region", flat=True
        )
    )
    specs = lab_specs(regions_with_territorial_lab=regions_with_lab)
    existing = set(
        Lab.objects.filter(slug__in=[s.slug for s in specs]).values_list("slug", flat=True)
    )
    rng = random.Random("labs")  # fixed: the lab pool does not depend on the programme seed
    missing = []
    for spec in specs:
        methods = ", ".join(rng.sample(vocab.LAB_METHODS, rng.randint(2, 4)))
        if spec.slug in existing:
            continue
        missing.append(
            Lab(
                name=spec.name,
                slug=spec.slug,
                kind=spec.kind,
                region=spec.region,
                ministry=spec.ministry,
                host_organization_id=organization_ids.get(spec.host_slug),
                description="Laboratoire fictif créé pour la démonstration.",
                methods=methods,
                is_generated=True,
            )
        )
    Lab.objects.bulk_create(missing, batch_size=500)
    return len(missing)
