"""Writes that span models. Each is one small function inside one transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.utils import timezone

from .feeds import ArticleRecord
from .models import Article, Position, Stance, SympathyVote, Topic, VoteChange
from .vote_counters import NO_VOTE, counters_ensure, counters_move


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass
class ImportReport:
    outcomes: dict[str, Outcome] = field(default_factory=dict)  # slug → outcome
    notes: list[str] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for value in self.outcomes.values() if value == outcome)


def articles_import(
    records: Iterable[ArticleRecord],
    *,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Upsert articles (and their positions) by slug, all or nothing.

    A record whose content hash matches the stored article writes nothing. Votes and
    rebuttals are never touched; positions missing from a debate file are kept, since members
    may have voted on them, and reported so a moderator can retire them by hand.
    """
    report = ImportReport()
    now = timezone.now()
    with transaction.atomic():
        existing = {
            article.slug: article
            for article in Article.objects.filter(slug__in=[r.slug for r in records]).only(
                "id", "slug", "content_hash", "body_md", "body_html"
            )
        }
        for n, record in enumerate(records, 1):
            article = existing.get(record.slug)
            if article is None:
                outcome = Outcome.CREATED
            elif article.content_hash == record.content_hash:
                outcome = Outcome.UNCHANGED
            else:
                outcome = Outcome.UPDATED
            report.outcomes[record.slug] = outcome
            if not dry_run and outcome != Outcome.UNCHANGED:
                _article_write(record, article, now, report)
            if progress:
                progress(n)
    return report


def _article_write(
    record: ArticleRecord, article: Article | None, now, report: ImportReport
) -> None:
    if article is None:
        article = Article(slug=record.slug, first_imported_at=now)
    else:
        article = Article.objects.get(pk=article.pk)
    article.title = record.title
    article.summary = record.summary
    article.body_md = record.body_md
    article.source_url = record.source_url
    article.canonical_url = record.canonical_url
    article.published_at = record.published_at
    article.source_updated_at = record.source_updated_at
    article.lang = record.lang
    article.entities = list(record.entities)
    article.alternates = dict(record.alternates)
    article.content_hash = record.content_hash
    article.last_imported_at = now
    article.save()

    topics = []
    for slug, name in record.topics:
        topic, _ = Topic.objects.get_or_create(slug=slug, defaults={"name": name})
        topics.append(topic)
    article.topics.set(topics)

    if record.positions is None:
        return
    kept = {p.slug: p for p in Position.objects.filter(article=article)}
    for order, spec in enumerate(record.positions):
        position = kept.pop(spec.slug, None) or Position(article=article, slug=spec.slug)
        position.label = spec.label
        position.claim = spec.claim
        position.summary = spec.summary
        position.evidence = list(spec.evidence)
        position.order = order
        position.save()
    counters_ensure(article)
    for slug in kept:
        report.notes.append(
            f"{record.slug}: position '{slug}' is not in the debate file; kept it "
            "(members may have voted on it)"
        )


# Sympathy votes ----------------------------------------------------------------------------


class VoteResult(StrEnum):
    CAST = "cast"  # the member had no vote and now has one
    CHANGED = "changed"  # the member moved their vote to another option
    UNCHANGED = "unchanged"  # the same choice again: nothing written
    WITHDRAWN = "withdrawn"
    NOTHING_TO_WITHDRAW = "nothing to withdraw"


def _stance_of(position: Position | None) -> str:
    return Stance.BOTH if position is None else Stance.POSITION


def _key(position: Position | None) -> int | None:
    """How the counters name an option: the position id, None for "both equally"."""
    return None if position is None else position.pk


def _vote_locked(member, article: Article) -> SympathyVote | None:
    """The member's vote on the article, locked until the transaction ends (None if none)."""
    return SympathyVote.objects.select_for_update().filter(member=member, article=article).first()


def vote_cast(*, member, article: Article, position: Position | None) -> VoteResult:
    """Record that `member` finds `position` (None: both equally) the more sympathetic side.

    Every change appends exactly one VoteChange and moves the vote counters with it (in the
    same transaction); casting the same choice again writes nothing.
    Simultaneous calls for one member are serialised by the row lock, or, when there is no row
    yet, by the unique (member, article) index: the loser of the insert race retries as an
    update of the winner's row, so history stays one unbroken chain.
    """
    if position is not None and position.article_id != article.pk:
        raise ValueError(f"Position {position.slug!r} is not part of article {article.slug!r}.")
    stance = _stance_of(position)
    with transaction.atomic():
        vote = _vote_locked(member, article)
        for _attempt in range(3):
            if vote is not None:
                break
            try:
                # A savepoint, so that losing the race leaves the outer transaction usable.
                with transaction.atomic():
                    SympathyVote.objects.create(
                        member=member, article=article, stance=stance, position=position
                    )
            except IntegrityError:
                # Either another request inserted first (lock and update its row) or the
                # winner withdrew again in between (try the insert once more).
                vote = _vote_locked(member, article)
            else:
                change = VoteChange.objects.create(
                    article=article, member=member, to_stance=stance, to_position=position
                )
                joined = _key(position)
                counters_move(article.pk, left=NO_VOTE, joined=joined, when=change.created_at)
                return VoteResult.CAST
        if vote is None:
            raise IntegrityError("Could not record the vote after repeated conflicts.")
        if vote.stance == stance and vote.position_id == (position.pk if position else None):
            return VoteResult.UNCHANGED
        change = VoteChange.objects.create(
            article=article,
            member=member,
            from_stance=vote.stance,
            from_position_id=vote.position_id,
            to_stance=stance,
            to_position=position,
        )
        counters_move(
            article.pk, left=vote.position_id, joined=_key(position), when=change.created_at
        )
        vote.stance, vote.position = stance, position
        vote.save(update_fields=["stance", "position", "updated_at"])
        return VoteResult.CHANGED


def vote_withdraw(*, member, article: Article) -> VoteResult:
    """Remove the member's vote on the article, recording the withdrawal in the history."""
    with transaction.atomic():
        vote = _vote_locked(member, article)
        if vote is None:
            return VoteResult.NOTHING_TO_WITHDRAW
        change = VoteChange.objects.create(
            article=article,
            member=member,
            from_stance=vote.stance,
            from_position_id=vote.position_id,
        )
        counters_move(article.pk, left=vote.position_id, joined=NO_VOTE, when=change.created_at)
        vote.delete()
        return VoteResult.WITHDRAWN
