"""The OpenAPI description of the API's query parameters, read from the filter sets, so that
the document and the filtering cannot drift: a filter added to the programme is documented here
without anyone writing it twice."""

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

from ..filters import CheckboxFilter


def _description(filter_: django_filters.Filter) -> str:
    parts = [str(filter_.label or "")]
    if isinstance(filter_, django_filters.DateFilter):
        parts.append("Une date au format AAAA-MM-JJ")
    elif filter_.extra.get("help_text"):
        parts.append(str(filter_.extra["help_text"]))
    return ". ".join(part.rstrip(".") for part in parts if part) + "."


def _schema(filter_: django_filters.Filter) -> dict:
    """The JSON Schema of one value of the filter."""
    if isinstance(filter_, django_filters.DateFilter):
        return {"type": "string", "format": "date"}
    if isinstance(filter_, CheckboxFilter):
        return {"type": "boolean"}
    if isinstance(
        filter_, django_filters.ModelChoiceFilter | django_filters.ModelMultipleChoiceFilter
    ):
        return {"type": "string", "pattern": r"^[-a-zA-Z0-9_]+$"}  # a slug
    if isinstance(filter_, django_filters.ChoiceFilter | django_filters.MultipleChoiceFilter):
        choices = filter_.extra["choices"]
        choices = choices() if callable(choices) else choices
        return {"type": "string", "enum": [str(value) for value, _ in choices]}
    schema = {"type": "string"}
    if filter_.extra.get("max_length"):
        schema["maxLength"] = filter_.extra["max_length"]
    return schema


def filter_parameters(filterset_class) -> list[OpenApiParameter]:
    """One query parameter per filter of `filterset_class`, with its type and its values;
    a multiple choice is repeated (`mode=online&mode=hybrid`), as on the programme page."""
    parameters = []
    for name, filter_ in filterset_class.base_filters.items():
        schema = _schema(filter_)
        many = isinstance(filter_, django_filters.MultipleChoiceFilter)
        parameters.append(
            OpenApiParameter(
                name,
                {"type": "array", "items": schema} if many else schema,
                OpenApiParameter.QUERY,
                description=_description(filter_),
                explode=True if many else None,
            )
        )
    return parameters


EDITION_PARAMETER = OpenApiParameter(
    "edition",
    OpenApiTypes.INT,
    OpenApiParameter.QUERY,
    description="L’année de l’édition (par défaut, l’édition en cours).",
)

ERROR = inline_serializer(
    "Error",
    {
        "detail": serializers.CharField(help_text="Le message d’erreur, en français."),
        "errors": serializers.ListField(
            child=serializers.CharField(), help_text="Le détail, paramètre par paramètre."
        ),
    },
)

ERRORS = {
    400: OpenApiResponse(ERROR, description="Un paramètre n’est pas valide."),
    404: OpenApiResponse(ERROR, description="Aucune ressource à cette adresse."),
    429: OpenApiResponse(ERROR, description="Trop de requêtes depuis cette adresse IP."),
}
