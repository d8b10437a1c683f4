"""Forms of the debate pages."""

from collections.abc import Sequence

from django import forms
from django.utils.text import get_text_list

from .discussion import BODY_MAX_LENGTH, BODY_MIN_LENGTH
from .models import ReportReason
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


class PostForm(forms.Form):
    """What a member writes: a rebuttal, a reply or a comment, in markdown."""

    body = forms.CharField(
        label="Your text",
        min_length=BODY_MIN_LENGTH,
        max_length=BODY_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=(
            f"Markdown: *emphasis*, **strong**, [links](https://…), > quotes, lists. "
            f"{BODY_MIN_LENGTH:,} to {BODY_MAX_LENGTH:,} characters."
        ),
        error_messages={
            "required": "Write something first.",
            "min_length": "Write at least %(limit_value)d characters (you wrote %(show_value)d).",
            "max_length": "Keep it to %(limit_value)d characters (you wrote %(show_value)d).",
        },
    )

    def clean_body(self) -> str:
        return self.cleaned_data["body"].replace("\r\n", "\n")


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong with it?",
        choices=ReportReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a reason."},
    )
    note = forms.CharField(
        label="Anything moderators should know (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
