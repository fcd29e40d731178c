"""Form fields and widgets shared by the apps' forms and the admin, and the error summary."""

from collections.abc import Callable
from typing import NamedTuple

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connections, models
from django.forms.formsets import BaseFormSet
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.utils.choices import normalize_choices
from django.utils.safestring import SafeString

from .pagecache import version_cached
from .templatetags.form_widgets import select_options
from .text import fold


def storable_key(model_field: models.Field, value, using: str) -> bool:
    """Whether `value` is a key the database could hold in `model_field`: a number in its
    integer range for an integer key (any value for another kind of key)."""
    if not isinstance(model_field, models.IntegerField):
        return True
    try:
        number = int(str(value).strip())
    except ValueError:
        return False
    low, high = connections[using].ops.integer_field_range(model_field.get_internal_type())
    return (low is None or number >= low) and (high is None or number <= high)


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows by integer key that refuses a key the database cannot hold.

    Django looks up the chosen keys with `pk__in`, which (unlike `pk=`) does not check the
    database's integer range: SQLite raises OverflowError on a key beyond 64 bits, a server
    error where PostgreSQL finds nothing. Such a key gets the usual French form error instead.
    """

    def _check_values(self, value):
        key = self.to_field_name or "pk"
        meta = self.queryset.model._meta
        model_field = meta.pk if key == "pk" else meta.get_field(key)
        for pk in value:
            if str(pk).strip().lstrip("+-").isdigit() and not storable_key(
                model_field, pk, self.queryset.db
            ):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class Picked(NamedTuple):
    """What a name picker sends: the keys already chosen, and the names typed."""

    chosen: list
    text: str


def _storable_keys(queryset, keys) -> list[str]:
    pk = queryset.model._meta.pk
    return [
        str(key)
        for key in keys
        if str(key).strip().isdigit() and storable_key(pk, key, queryset.db or "default")
    ]


class KeptOptions:
    """A select's option groups as a template iterates them, with their markup already written
    (`markup`, which the `select_options` tag writes as it is): the groups themselves are
    computed only if a template other than ours iterates them."""

    def __init__(self, markup: SafeString, groups: Callable[[], list]) -> None:
        self.markup, self._groups = markup, groups

    def __iter__(self):
        return iter(self._groups())


class CachedOptionsSelect(forms.Select):
    """A select whose long list of options is the same on every form (the 101 departments of
    each session): its options are written once per process for each choice made, then reused.

    Its context carries `KeptOptions` in place of the option groups: the same markup as the
    options rendered one by one (a test compares them). Choices that cannot be a key (groups,
    not hashable) are rendered every time.

    Its choices are a tuple, shared by the copies each form makes of the widget (Django's
    ChoiceWidget normalises them again for each copy): nothing can change them in place, and a
    form that needs other choices assigns them, as usual."""

    @forms.Select.choices.setter
    def choices(self, value) -> None:
        self._choices = tuple(normalize_choices(value))

    def __deepcopy__(self, memo):
        return forms.Widget.__deepcopy__(self, memo)  # its own attrs; the choices shared

    def get_context(self, name, value, attrs):
        # Widget's context, without ChoiceWidget's option groups (the cost this class saves);
        # what Select adds to it, below.
        context = forms.Widget.get_context(self, name, value, attrs)
        chosen = context["widget"]["value"]
        try:
            choices = tuple(self.choices)
            # Only the chosen values that are options change the markup (a forged value selects
            # nothing): the key stays as small as the choices.
            values = {str(choice[0]) for choice in choices}
            key = (choices, tuple(value for value in chosen if value in values))
            hash(key)
        except TypeError:  # unhashable choices
            return super().get_context(name, value, attrs)
        context["widget"]["optgroups"] = KeptOptions(
            _options_markup(self, key), lambda: self.optgroups(name, chosen, attrs)
        )
        if self.allow_multiple_selected:
            context["widget"]["attrs"]["multiple"] = True
        return context


class SharedChoicesField(forms.TypedChoiceField):
    """A typed choice among a long list that is the same on every form (the departments of each
    session row, with `CachedOptionsSelect`): its choices are a tuple that the forms' copies of
    the field share, where Django's ChoiceField copies them deeply for each form (half the time
    of building a session row). A form that needs other choices assigns them, as usual.
    A model field makes it with `formfield(choices_form_class=SharedChoicesField)`."""

    @forms.TypedChoiceField.choices.setter
    def choices(self, value) -> None:
        self._choices = tuple(normalize_choices(value))
        self.widget.choices = self._choices

    def __deepcopy__(self, memo):
        return forms.Field.__deepcopy__(self, memo)  # the widget copied, the choices shared


#: The options' markup of `CachedOptionsSelect`, by (choices, chosen options): bounded all the
#: same.
_OPTIONS: dict[tuple, SafeString] = {}
_OPTIONS_MAX = 512


def _options_markup(widget: forms.Select, key: tuple) -> SafeString:
    markup = _OPTIONS.get(key)
    if markup is None:
        markup = select_options(widget.optgroups("", list(key[1])))
        if len(_OPTIONS) >= _OPTIONS_MAX:
            _OPTIONS.clear()
        _OPTIONS[key] = markup
    return markup


class KeptChoices:
    """The choices of a form's lists of reference rows, read together and kept between
    requests by `cached(key, compute)`: the form shows them without a query each, and with
    one cache read in all.

    By default the lists are kept until the public content changes (`version_cached`): only
    for rows whose every change calls `public_content_changed()` (events/receivers.py:
    editions, formats and themes). The regional relays' list is kept by
    `moisinno.roles.relays_cached`. `key` names the lists: two forms whose querysets or labels
    differ use two keys. The chosen values are still looked up in the database when the form
    is sent (ModelChoiceField's validation), so a row removed since is refused, not saved."""

    def __init__(
        self,
        form: forms.BaseForm,
        key: str,
        names: list[str],
        cached: Callable[[str, Callable[[], object]], object] = version_cached,
    ) -> None:
        self.key, self.cached = key, cached
        self.fields = {name: form.fields[name] for name in names if name in form.fields}
        self._lists: dict[str, list[tuple]] | None = None
        for name, field in self.fields.items():
            field.iterator = lambda field, name=name: _KeptChoiceIterator(field, self, name)
            field.widget.choices = field.choices

    def pairs(self, name: str) -> list[tuple]:
        """[(value, label)] of the list `name`."""
        if self._lists is None:
            self._lists = self.cached(f"kept-choices:{self.key}", self._compute)
        return self._lists[name]

    def _compute(self) -> dict[str, list[tuple]]:
        return {
            name: [
                (field.prepare_value(row), field.label_from_instance(row)) for row in field.queryset
            ]
            for name, field in self.fields.items()
        }


class _KeptChoiceIterator(ModelChoiceIterator):
    """ModelChoiceIterator's choices from `KeptChoices` (the rows themselves not read: an
    option's value carries no instance)."""

    def __init__(self, field, choices: KeptChoices, name: str) -> None:
        super().__init__(field)
        self.kept, self.name = choices, name

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for value, label in self.kept.pairs(self.name):
            yield ModelChoiceIteratorValue(value, None), label

    def __len__(self) -> int:
        return len(self.kept.pairs(self.name)) + (self.field.empty_label is not None)

    def __bool__(self) -> bool:
        return self.field.empty_label is not None or bool(self.kept.pairs(self.name))


class NamePicker(forms.Widget):
    """A choice of several rows among hundreds, by name (`NamePickerField`).

    Without JavaScript: the chosen rows are checked boxes (uncheck one to remove it) and a text
    field adds rows by name. static/js/name-picker.js turns the text field into a combobox that
    suggests names as one types, and each chosen row into a line with its « Retirer » button.
    `add_label` and `add_hint` label the text field (« Ajouter une organisation »)."""

    template_name = "includes/widgets/name_picker.html"
    #: The text field's name: the field's own name with this suffix.
    TEXT_SUFFIX = "_search"
    #: The rows' field that names them (set by `NamePickerField`).
    name_field = "name"

    def __init__(
        self,
        attrs=None,
        *,
        add_label: str = "Ajouter",
        add_hint: str = "",
        chosen_label: str = "Choix retenus",
    ) -> None:
        super().__init__(attrs)
        self.add_label, self.add_hint, self.chosen_label = add_label, add_hint, chosen_label

    def value_from_datadict(self, data, files, name) -> Picked:
        chosen = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
        text = data.get(name + self.TEXT_SUFFIX, "")
        return Picked(list(chosen), text if isinstance(text, str) else "")

    def value_omitted_from_data(self, data, files, name) -> bool:
        return False  # no box checked is a choice: none

    def id_for_label(self, id_: str) -> str:
        # The text field: what the error summary's link and the label lead to.
        return f"{id_}{self.TEXT_SUFFIX}" if id_ else id_

    def get_context(self, name, value, attrs) -> dict:
        context = super().get_context(name, value, attrs)
        picked = value if isinstance(value, Picked) else Picked(list(value or []), "")
        queryset = self.choices.queryset
        keys = _storable_keys(queryset, picked.chosen)
        options = [(str(pk), label) for pk, label in queryset.values_list("pk", self.name_field)]
        labels = dict(options)
        attrs = dict(context["widget"]["attrs"])
        base_id = attrs.pop("id", None) or f"id_{name}"
        context["widget"].update(
            attrs=attrs,  # the text field's (its own id below)
            invalid="aria-invalid" in attrs,
            base_id=base_id,
            options_id=f"{base_id}-options",
            text_id=self.id_for_label(base_id),
            text_name=name + self.TEXT_SUFFIX,
            text=picked.text,
            chosen=[(key, labels[key]) for key in dict.fromkeys(keys) if key in labels],
            options=options,
            add_label=self.add_label,
            add_hint=self.add_hint,
            chosen_label=self.chosen_label,
        )
        return context


class NamePickerField(BoundedModelMultipleChoiceField):
    """A multiple choice of rows by key (the chosen boxes) or by name (the text field), for a
    list too long for a menu: 322 organisations, 42 labs.

    The text is matched as the programme's organisation filter matches it: accents and case
    ignored, every word found in the name; several names are separated by « ; ». A name must
    designate one row: none or several give a French error, and the page keeps the text."""

    widget = NamePicker
    template_name = "includes/name_picker_field.html"
    #: The text field's size limit, and how many names an ambiguous text lists.
    MAX_TEXT = 1000
    EXAMPLES = 5

    def __init__(self, queryset, *, name_field: str = "name", **kwargs) -> None:
        super().__init__(queryset, **kwargs)
        self.name_field = name_field
        self.widget.name_field = name_field
        #: « Aucune organisation », « Aucun laboratoire »: the start of the no-match error.
        self.nothing_found = "Aucun nom"
        self.text_field = forms.CharField(required=False, max_length=self.MAX_TEXT)

    def prepare_value(self, value):
        if isinstance(value, Picked):
            return Picked(super().prepare_value(value.chosen), value.text)
        return super().prepare_value(value)

    def has_changed(self, initial, data) -> bool:
        if isinstance(data, Picked):
            if data.text.strip():
                return True
            data = data.chosen
        return super().has_changed(initial, data)

    def clean(self, value):
        picked = value if isinstance(value, Picked) else Picked(list(value or []), "")
        text = self.text_field.clean(picked.text)
        if self.required and not picked.chosen and not text:
            raise ValidationError(self.error_messages["required"], code="required")
        chosen = super().clean(picked.chosen) if picked.chosen else self.queryset.none()
        named = self.keys_named(text) if text else set()
        if not named:
            return chosen
        keys = {*chosen.values_list("pk", flat=True), *named}
        return self.queryset.filter(pk__in=keys)

    def keys_named(self, text: str) -> set:
        """The keys of the rows `text` names (names separated by « ; »)."""
        options = [
            (pk, fold(name)) for pk, name in self.queryset.values_list("pk", self.name_field)
        ]
        found, errors = set(), []
        for part in (part.strip() for part in text.split(";")):
            words = fold(part).split()
            if not words:
                continue
            exact = {pk for pk, name in options if name == " ".join(words)}
            matches = exact or {pk for pk, name in options if all(w in name for w in words)}
            if len(matches) == 1 or exact:
                found |= matches
            elif not matches:
                errors.append(
                    ValidationError(
                        f"{self.nothing_found} ne correspond à «\u00a0{part}\u00a0». Vérifiez "
                        "l’orthographe ou essayez une partie du nom.",
                        code="no_match",
                    )
                )
            else:
                names = list(
                    self.queryset.filter(pk__in=matches).values_list(self.name_field, flat=True)[
                        : self.EXAMPLES
                    ]
                )
                more = "…" if len(matches) > len(names) else ""
                errors.append(
                    ValidationError(
                        f"«\u00a0{part}\u00a0» correspond à {len(matches)} noms "
                        f"({', '.join(names)}{more})\u00a0: précisez votre saisie.",
                        code="too_many",
                    )
                )
        if errors:
            raise ValidationError(errors)
        return found


class _StorableKeysMixin:
    """The admin's autocomplete widgets look up the submitted keys to redisplay them: with a
    key that is not a number (or too large for SQLite) that lookup is a server error instead
    of the form's own error. Only keys the database could hold are looked up.

    A form that already holds the chosen objects (the event's organisation, read with it; its
    co-organisers and labs, read for the form's initial value) gives them to the widget
    (`know`): when every chosen key is one of them, the options are written from them, in the
    order the lookup would give (the model's, as the objects were read), without the query."""

    known_objects: dict[str, models.Model] | None = None

    def know(self, objects) -> None:
        """The objects of the form's initial value (in the model's order)."""
        self.known_objects = {str(obj.pk): obj for obj in objects if obj is not None}

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        field_name = getattr(remote, "field_name", None)
        target = remote.model._meta.get_field(field_name) if field_name else remote.model._meta.pk
        using = self.db or "default"
        value = [v for v in value if v in ("", None) or storable_key(target, v, using)]
        known = self._known(value)
        if known is None:
            return super().optgroups(name, value, attr)
        # AutocompleteMixin.optgroups, with the known objects for the lookup's rows.
        default = (None, [], 0)
        selected_choices = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if not self.is_required and not self.allow_multiple_selected:
            default[1].append(self.create_option(name, "", "", False, 0))
        has_selected = False
        for obj in known:
            option_value = obj.pk  # the lookup's field (checked by _known)
            selected = str(option_value) in value and (
                has_selected is False or self.allow_multiple_selected
            )
            has_selected |= selected
            label = self.choices.field.label_from_instance(obj)
            default[1].append(
                self.create_option(name, option_value, label, selected_choices, len(default[1]))
            )
        return [default]

    def _known(self, value) -> list | None:
        """The known objects of the chosen keys, in the lookup's order; None when a key is not
        known, the lookup is by another field than the key, or the field's queryset is not the
        model's own (a filter or an order of its own)."""
        if self.known_objects is None:
            return None
        opts = self.field.remote_field.model._meta
        to_field = getattr(self.field.remote_field, "field_name", opts.pk.attname)
        if opts.get_field(to_field).attname != opts.pk.attname:
            return None
        query = self.choices.queryset.query
        if query.where or query.order_by or not query.default_ordering:
            return None
        chosen = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if not chosen <= self.known_objects.keys():
            return None
        return [obj for key, obj in self.known_objects.items() if key in chosen]


class StorableKeysAutocompleteSelect(_StorableKeysMixin, AutocompleteSelect):
    pass


class StorableKeysAutocompleteSelectMultiple(_StorableKeysMixin, AutocompleteSelectMultiple):
    pass


def error_summary(*forms_and_formsets) -> list[dict]:
    """Every error of the given forms, as links for the summary at the top of the page.

    Each item: `label` (the field, "" for a form-wide error), `message`, `anchor` (the id of
    the input to focus, "" when there is none). Formset rows are named "Séance 1", "Séance 2"…
    """
    items: list[dict] = []
    for form in forms_and_formsets:
        if isinstance(form, BaseFormSet):
            items += [
                {"label": "Séances", "message": e, "anchor": ""} for e in form.non_form_errors()
            ]
            for number, row in enumerate(form.forms, start=1):
                items += _form_errors(row, prefix=f"Séance {number} — ")
        else:
            items += _form_errors(form)
    return items


def _form_errors(form, prefix: str = "") -> list[dict]:
    if not form.is_bound or not form.errors:
        return []
    items = [{"label": "", "message": e, "anchor": ""} for e in form.non_field_errors()]
    for name in form.errors:
        if name == NON_FIELD_ERRORS:
            continue
        field = form[name]
        items += [
            {"label": f"{prefix}{field.label}", "message": e, "anchor": field.id_for_label}
            for e in field.errors
        ]
    return items
