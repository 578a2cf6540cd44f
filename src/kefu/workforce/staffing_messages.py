"""The translated words for the staffing calculator's refusals, shared by page, API and CLI."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kefu.workforce import staffing


def too_large(exc: staffing.TooLarge) -> str:
    """Why a load, a patience or an agent count is beyond what the calculator computes."""
    value = round(exc.value, 2)
    params = {
        "limit": number_format(exc.limit, force_grouping=True),
        "value": number_format(int(value) if value == int(value) else value, force_grouping=True),
    }
    if exc.field == "agents":
        return _("Agents must be at most %(limit)s (got %(value)s).") % params
    if exc.field == "patience":
        return (
            _(
                "For Erlang A, the load times the mean patience divided by the handling time may "
                "be at most %(limit)s (got %(value)s): callers that patient hardly ever hang up, "
                "so use Erlang C."
            )
            % params
        )
    return (
        _(
            "The offered load is %(value)s Erlangs; the calculator handles at most %(limit)s. "
            "Split the queue or check the units."
        )
        % params
    )
