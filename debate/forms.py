"""Forms of the debate pages."""

from collections.abc import Sequence

from django import forms
from django.utils.text import get_text_list

from .sympathy import Option


class VoteForm(forms.Form):
    """A sympathy vote: the slug of one of the article's positions, or "both"."""

    choice = forms.CharField(
        max_length=200,
        strip=False,  # a value is a slug or "both", exactly; anything else is refused
        error_messages={"required": "Choose a side, or both equally, before voting."},
    )

    def __init__(self, *args, options: Sequence[Option], **kwargs):
        super().__init__(*args, **kwargs)
        self.options = list(options)

    def clean_choice(self) -> Option:
        value = self.cleaned_data["choice"]
        if not self.options:
            # Not even "both": there is nothing to be equally sympathetic to.
            raise forms.ValidationError("This debate has no sides to vote on yet.")
        for option in self.options:
            if option.value == value:
                return option
        valid = get_text_list([f"“{o.value}”" for o in self.options], "or")
        raise forms.ValidationError(
            f"“{value[:60]}” is not a side of this debate: the vote must be {valid}."
        )
