"""Forms of the debate pages."""

import unicodedata
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


# Characters that show nothing: format characters (zero-width spaces and joiners, the byte
# order mark, soft hyphens, bidi marks), and the blank "letters" used to fake text.
_BLANK_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800", "\u180e"}


def visible_length(text: str) -> int:
    """How long `text` is to a reader: what the minimum length counts. Characters that show
    nothing are left out and each run of white space counts as one space."""
    shown = "".join(
        char
        for char in text
        if char not in _BLANK_LETTERS
        and (char.isspace() or unicodedata.category(char) not in {"Cf", "Cc", "Co", "Cn", "Cs"})
    )
    return len(" ".join(shown.split()))


class PostForm(forms.Form):
    """What a member writes: a rebuttal, a reply or a comment, in markdown."""

    body = forms.CharField(
        label="Your text",
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
        body = self.cleaned_data["body"].replace("\r\n", "\n")
        # Counted in characters that show, so invisible ones cannot pass for an argument.
        shown = visible_length(body)
        if shown == 0:
            raise forms.ValidationError(self.fields["body"].error_messages["required"])
        if shown < BODY_MIN_LENGTH:
            raise forms.ValidationError(
                self.fields["body"].error_messages["min_length"],
                params={"limit_value": BODY_MIN_LENGTH, "show_value": shown},
            )
        return body


class ReportForm(forms.Form):
    """A report on one post; its fields' ids carry the post's, as several can be on a page."""

    def __init__(self, *args, post, **kwargs):
        kwargs.setdefault("auto_id", f"report-{post.pk}-%s")
        super().__init__(*args, **kwargs)

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
