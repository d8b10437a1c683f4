"""Writes that span models. Each is one small function inside one transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import feeds, judging
from .feeds import ArticleRecord
from .models import (
    Article,
    Position,
    SeenVote,
    Stance,
    SympathyVote,
    Topic,
    VoteChange,
)
from .moderation import member_write_check
from .vote_counters import counters_ensure, vote_move


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    KEPT = "kept as edited locally"  # the feed changed it, and so did a moderator here


@dataclass
class ImportReport:
    outcomes: dict[str, Outcome] = field(default_factory=dict)  # slug → outcome
    notes: list[str] = field(default_factory=list)
    # What makes the import impossible as it stands (then nothing is written).
    conflicts: list[str] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for value in self.outcomes.values() if value == outcome)


class ImportConflict(Exception):
    """The import would contradict a local edit it must keep; nothing was written."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


OVERWRITE_HINT = "--overwrite-local-edits replaces it"


def articles_import(
    records: Iterable[ArticleRecord],
    *,
    dry_run: bool = False,
    overwrite_local_edits: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Upsert articles (and their positions) by slug, all or nothing.

    A record whose content hash matches the stored article writes nothing. Votes and
    rebuttals are never touched; positions missing from a debate file are kept, since members
    may have voted on them, and reported so a moderator can retire them by hand.

    What a moderator edited in the admin (`edited_locally_at`) is left as it is, with a note,
    when the feed changes it, unless `overwrite_local_edits`. A kept position whose evidence
    no longer occurs in the article as the feed now has it makes the import a conflict
    (`ImportConflict`): nothing is written.
    """
    report = ImportReport()
    now = timezone.now()
    with transaction.atomic():
        existing = {
            article.slug: article
            for article in Article.objects.filter(slug__in=[r.slug for r in records]).only(
                "id", "slug", "content_hash", "body_md", "body_html", "edited_locally_at"
            )
        }
        edited_positions = {
            (position.article_id, position.slug): position
            for position in Position.objects.filter(
                article__in=list(existing.values()), edited_locally_at__isnull=False
            )
        }
        for n, record in enumerate(records, 1):
            article = existing.get(record.slug)
            outcome = _import_outcome(record, article, overwrite_local_edits, report)
            report.outcomes[record.slug] = outcome
            keep = frozenset()
            if outcome == Outcome.UPDATED and not overwrite_local_edits:
                keep = _positions_kept(record, article, edited_positions, report)
            if not dry_run and outcome in {Outcome.CREATED, Outcome.UPDATED}:
                _article_write(record, article, now, report, keep=keep)
            if progress:
                progress(n)
        if report.conflicts:
            raise ImportConflict(report.conflicts)
    return report


def _import_outcome(
    record: ArticleRecord, article: Article | None, overwrite: bool, report: ImportReport
) -> Outcome:
    if article is None:
        return Outcome.CREATED
    if article.edited_locally_at is not None and overwrite:
        return Outcome.UPDATED  # back to what the feed says, even if the feed did not change
    if article.content_hash == record.content_hash:
        return Outcome.UNCHANGED
    if article.edited_locally_at is not None:
        report.notes.append(
            f"{record.slug}: edited locally ({article.edited_locally_at:%Y-%m-%d %H:%M} UTC) "
            f"and changed in the feed; kept the local edit and its positions ({OVERWRITE_HINT})"
        )
        return Outcome.KEPT
    return Outcome.UPDATED


def _positions_kept(
    record: ArticleRecord, article: Article, edited: dict, report: ImportReport
) -> frozenset[str]:
    """The article's locally edited positions that the feed would change: kept, with a note,
    provided their evidence still occurs in the article as the feed has it."""
    keep = set()
    for spec in record.positions or ():
        position = edited.get((article.pk, spec.slug))
        if position is None:
            continue
        keep.add(spec.slug)
        stored = (position.label, position.claim, position.summary, position.evidence)
        if stored != (spec.label, spec.claim, spec.summary, list(spec.evidence)):
            report.notes.append(
                f"{record.slug}: position '{spec.slug}' edited locally "
                f"({position.edited_locally_at:%Y-%m-%d %H:%M} UTC) and changed in the debate "
                f"file; kept the local edit ({OVERWRITE_HINT})"
            )
        missing = feeds.quotes_missing(position.evidence, record.body_md)
        if missing:
            quotes = ", ".join(str(q) for q in missing)
            report.conflicts.append(
                f"{record.slug}: position '{spec.slug}' was edited locally, and its evidence "
                f"(quote {quotes}) does not occur in the article as the feed now has it: edit "
                f"the position in the admin, or import with --overwrite-local-edits"
            )
    return frozenset(keep)


def _article_write(
    record: ArticleRecord,
    article: Article | None,
    now,
    report: ImportReport,
    *,
    keep: frozenset[str] = frozenset(),
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
    article.edited_locally_at = None
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
        if spec.slug in keep:
            continue  # edited locally: left as the moderator made it
        position.label = spec.label
        position.claim = spec.claim
        position.summary = spec.summary
        position.evidence = list(spec.evidence)
        position.order = order
        position.edited_locally_at = None
        position.save()
    counters_ensure(article)
    for slug in kept:
        report.notes.append(
            f"{record.slug}: position '{slug}' is not in the debate file; kept it "
            "(members may have voted on it)"
        )


def local_edits_mark(
    *, article: Article | None = None, positions: Iterable[Position] = (), now=None
) -> None:
    """Mark an article and positions a moderator saved in the admin as edited here, so that
    imports leave them as they are unless told to overwrite local edits."""
    now = now or timezone.now()
    with transaction.atomic():
        if article is not None:
            Article.objects.filter(pk=article.pk).update(edited_locally_at=now)
            article.edited_locally_at = now
        positions = list(positions)
        Position.objects.filter(pk__in=[p.pk for p in positions]).update(edited_locally_at=now)
        for position in positions:
            position.edited_locally_at = now


# Sympathy votes ----------------------------------------------------------------------------


class VoteResult(StrEnum):
    CAST = "cast"  # the member had no vote and now has one
    CHANGED = "changed"  # the member moved their vote to another option
    UNCHANGED = "unchanged"  # the same choice again: nothing written
    WITHDRAWN = "withdrawn"
    NOTHING_TO_WITHDRAW = "nothing to withdraw"


def _stance_of(position: Position | None) -> str:
    return Stance.BOTH if position is None else Stance.POSITION


def _vote_locked(member, article: Article) -> SympathyVote | None:
    """The member's vote on the article, locked until the transaction ends (None if none)."""
    return SympathyVote.objects.locked(member.pk, article.pk)


def _change(member, article: Article, **move) -> VoteChange:
    """The vote's move as its history row, not saved yet: `vote_move` writes it."""
    return VoteChange(article=article, member=member, created_at=timezone.now(), **move)


def vote_cast(
    *, member, article: Article, position: Position | None, seen: SeenVote | None = None
) -> VoteResult:
    """Record that `member` finds `position` (None: both equally) the more sympathetic side.

    Every change appends exactly one VoteChange and moves the vote counters with it (in the
    same transaction); casting the same choice again writes nothing.
    Simultaneous calls for one member are serialised by the row lock, or, when there is no row
    yet, by the unique (member, article) index: the loser of the insert race retries as an
    update of the winner's row, so history stays one unbroken chain.

    `seen`: the member's vote as the caller's page query read it (`ArticleVotes.vote_seen`).
    A change of it is then written in one statement, its own transaction, unless someone
    changed the vote since; only then is it read again, locked, and written as without.
    """
    member_write_check(member)  # a suspended member votes on nothing
    if position is not None and position.article_id != article.pk:
        raise ValueError(f"Position {position.slug!r} is not part of article {article.slug!r}.")
    stance = _stance_of(position)
    if seen is not None:
        vote = seen.vote
        if _same_choice(vote, stance, position):
            return VoteResult.UNCHANGED
        change = _vote_changed(member, article, vote, stance, position)
        known = vote_move(change, vote, version=seen.version)
        if known is not None:
            judging.camp_move(member=member, article=article, change=change, known=known)
            return VoteResult.CHANGED
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
                change = _change(member, article, to_stance=stance, to_position=position)
                known = vote_move(change, None)
                judging.camp_move(member=member, article=article, change=change, known=known)
                return VoteResult.CAST
        if vote is None:
            raise IntegrityError("Could not record the vote after repeated conflicts.")
        if _same_choice(vote, stance, position):
            return VoteResult.UNCHANGED
        change = _vote_changed(member, article, vote, stance, position)
        known = vote_move(change, vote)
        judging.camp_move(member=member, article=article, change=change, known=known)
        return VoteResult.CHANGED


def _same_choice(vote: SympathyVote, stance: str, position: Position | None) -> bool:
    return vote.stance == stance and vote.position_id == (position.pk if position else None)


def _vote_changed(member, article, vote: SympathyVote, stance, position) -> VoteChange:
    """The move of `vote` to the new choice, as its unsaved history row; `vote` takes the
    choice (`vote_move` writes both)."""
    change = _change(
        member,
        article,
        from_stance=vote.stance,
        from_position_id=vote.position_id,
        to_stance=stance,
        to_position=position,
    )
    vote.stance, vote.position = stance, position
    return change


def _vote_withdrawn(member, article, vote: SympathyVote) -> VoteChange:
    """The withdrawal of `vote`, as its unsaved history row."""
    return _change(member, article, from_stance=vote.stance, from_position_id=vote.position_id)


def vote_withdraw(*, member, article: Article, seen: SeenVote | None = None) -> VoteResult:
    """Remove the member's vote on the article, recording the withdrawal in the history.
    `seen`: as `vote_cast` takes it."""
    if seen is not None:
        vote = seen.vote
        change = _vote_withdrawn(member, article, vote)
        known = vote_move(change, vote, withdrawn=True, version=seen.version)
        if known is not None:
            judging.camp_move(member=member, article=article, change=change, known=known)
            return VoteResult.WITHDRAWN
    with transaction.atomic():
        vote = _vote_locked(member, article)
        if vote is None:
            return VoteResult.NOTHING_TO_WITHDRAW
        change = _vote_withdrawn(member, article, vote)
        known = vote_move(change, vote, withdrawn=True)
        judging.camp_move(member=member, article=article, change=change, known=known)
        return VoteResult.WITHDRAWN
