"""The Continuum of Support: the partnership's levels of need, each with example indicators
grouped by the three domains of the assessment framework, and the guide's reading of the
indicators a practitioner sees.

Editors keep the levels as blocks of a ContinuumOfSupportPage, so a change goes through the
page's own revisions, approval workflow and review dates. An indicator is known to the guide
(and in its address) only by the identifier Wagtail gives its block, which stays the same
across revisions: nothing a practitioner types about a child is ever sent.
"""

from dataclasses import dataclass

from .blocks import AgeGroup, Domain, LevelContact


@dataclass(frozen=True, eq=False)
class Level:
    number: int
    name: str
    colour: str
    description: object
    what_to_do: object
    contact: str

    def __str__(self):
        return f"Level {self.number}: {self.name}"

    @property
    def refers_to_front_door(self):
        return self.contact == LevelContact.FRONT_DOOR


@dataclass(frozen=True)
class Indicator:
    id: str
    text: str
    domain: str
    age_groups: tuple[str, ...]
    level: Level

    def applies_at(self, age_group):
        return not age_group or not self.age_groups or age_group in self.age_groups

    @property
    def age_group_labels(self):
        return [AgeGroup(age_group).label for age_group in self.age_groups]


@dataclass(frozen=True)
class Reading:
    """What the guide says about the indicators a practitioner chose."""

    chosen: list[Indicator]
    # Identifiers in the address that the continuum no longer has (an old bookmark).
    unknown_count: int

    @property
    def levels(self):
        return sorted({indicator.level for indicator in self.chosen}, key=lambda lv: lv.number)

    @property
    def level(self):
        """The level the indicators usually point to: the highest they reach."""
        levels = self.levels
        return levels[-1] if levels else None

    @property
    def spans_levels(self):
        return len(self.levels) > 1


class Continuum:
    """The levels of a ContinuumOfSupportPage and their indicators, read once per request."""

    def __init__(self, level_blocks):
        self.levels = []
        self.indicators = {}
        for number, level_block in enumerate(level_blocks, start=1):
            value = level_block.value
            level = Level(
                number=number,
                name=value["name"],
                colour=value["colour"],
                description=value["description"],
                what_to_do=value["what_to_do"],
                contact=value["contact"],
            )
            self.levels.append(level)
            for item in value["indicators"].bound_blocks:
                self.indicators[item.id] = Indicator(
                    id=item.id,
                    text=item.value["text"],
                    domain=item.value["domain"],
                    age_groups=tuple(item.value["age_groups"] or ()),
                    level=level,
                )

    def checkboxes(self, age_group, chosen_ids):
        """Every indicator under its domain, in the framework's order, lowest level first:
        (domain, [(indicator, checked, shown)]). An indicator for another age group is
        hidden, unless it was chosen: a filter never drops a tick."""
        return [
            (
                domain,
                [
                    (
                        indicator,
                        indicator.id in chosen_ids,
                        indicator.id in chosen_ids or indicator.applies_at(age_group),
                    )
                    for indicator in self.indicators.values()
                    if indicator.domain == domain
                ],
            )
            for domain in Domain
        ]

    def read(self, indicator_ids):
        """The reading of the chosen indicators (in the continuum's order), or None when
        none was chosen."""
        wanted = set(indicator_ids)
        if not wanted:
            return None
        chosen = [indicator for id, indicator in self.indicators.items() if id in wanted]
        return Reading(chosen=chosen, unknown_count=len(wanted - self.indicators.keys()))
