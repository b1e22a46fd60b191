"""Demo people: names, birth dates, identity numbers and mobiles that look like the street's.

`People` draws every value from the random generator it is given, in a fixed order, so a plan
that uses it stays deterministic. Later plans (volunteers, residents) draw their people here too.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate

from core.dates import add_years
from orgchart.models import Education, Gender, MemberCategory
from orgchart.validators import build_id_number

from .tables import (
    MOBILE_PREFIXES,
    OLD_AGE_BANDS,
    OLD_FEMALE,
    OLD_MALE,
    REFERENCE_DATE,
    REGIONS,
    SHARE_AGED_60_PLUS,
    SHARE_LOW_EDUCATION,
    SURNAMES,
    YOUNG_FEMALE,
    YOUNG_MALE,
)


@dataclass
class MemberSpec:
    name: str
    gender: str
    birth_date: dt.date
    education: str
    joined_party_on: dt.date
    mobile: str
    id_number: str
    category: str
    org: str  # organisation code


class People:
    """Makes members one by one; `specs` holds everyone made so far, by index."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used_ids: set[str] = set()
        self.surnames = list(SURNAMES)
        # Cumulative weights, computed once: choices() would re-add them on every call.
        self.surname_weights = list(accumulate(SURNAMES.values()))
        self.regions = [r for r, _w in REGIONS]
        self.region_weights = list(accumulate(w for _r, w in REGIONS))
        self.band_weights = list(accumulate(w for _lo, _hi, w in OLD_AGE_BANDS))

        self.specs: list[MemberSpec] = []

    def given_name(self, gender: str, old: bool) -> str:
        pools = {
            (Gender.MALE, True): OLD_MALE,
            (Gender.FEMALE, True): OLD_FEMALE,
            (Gender.MALE, False): YOUNG_MALE,
            (Gender.FEMALE, False): YOUNG_FEMALE,
        }[(gender, old)]
        whole, firsts, seconds, singles = pools
        roll = self.rng.random()
        if roll < (0.12 if old else 0.25):
            return self.rng.choice(singles)
        if roll < 0.6:
            return self.rng.choice(whole.split())
        return self.rng.choice(firsts) + self.rng.choice(seconds)

    def id_number(self, birth: dt.date, gender: str) -> str:
        # The 17th digit is odd for men, even for women (GB 11643).
        region = self.rng.choices(self.regions, cum_weights=self.region_weights)[0]
        while True:
            sequence = self.rng.randrange(0, 500) * 2 + (1 if gender == Gender.MALE else 0)
            value = build_id_number(region, birth, sequence)
            if value not in self.used_ids:
                self.used_ids.add(value)
                return value

    def birth_for_age(self, age_low: int, age_high: int) -> dt.date:
        age = self.rng.randint(age_low, age_high)
        # Born between (age+1) years and age years before the reference date.
        latest = add_years(REFERENCE_DATE, -age) - dt.timedelta(days=1)
        return latest - dt.timedelta(days=self.rng.randint(0, 363))

    def profiles(self, n: int) -> list[tuple[bool, bool, str]]:
        """Exactly the document's shares: (aged 60+, low education, category) for n members."""
        n_old = round(SHARE_AGED_60_PLUS * n)
        n_young = n - n_old
        n_low = round(SHARE_LOW_EDUCATION * n)
        old_low = min(n_old, n_low, round(0.96 * n_old))
        young_low = n_low - old_low
        old = [(True, i < old_low) for i in range(n_old)]
        young = [(False, i < young_low) for i in range(n_young)]
        out: list[tuple[bool, bool, str]] = []
        for is_old, low in old:
            roll = self.rng.random()
            category = (
                MemberCategory.RETIRED
                if roll < 0.955
                else MemberCategory.RESIDENT
                if roll < 0.985
                else MemberCategory.FLOATING
            )
            out.append((is_old, low, category))
        for is_old, low in young:
            roll = self.rng.random()
            category = (
                MemberCategory.EMPLOYED
                if roll < 0.55
                else MemberCategory.RETIRED
                if roll < 0.67
                else MemberCategory.RESIDENT
                if roll < 0.80
                else MemberCategory.FLOATING
                if roll < 0.90
                else MemberCategory.LAID_OFF
            )
            out.append((is_old, low, category))
        self.rng.shuffle(out)
        return out

    def member(self, old: bool, low: bool, category: str, org: str) -> MemberSpec:
        rng = self.rng
        gender = Gender.FEMALE if rng.random() < (0.42 if old else 0.48) else Gender.MALE
        if old:
            band = rng.choices(OLD_AGE_BANDS, cum_weights=self.band_weights)[0]
            birth = self.birth_for_age(band[0], band[1])
        elif category == MemberCategory.RETIRED:
            # Women retire at 50 or 55, men rarely before 60: the young retired are mostly women.
            gender = Gender.FEMALE if rng.random() < 0.85 else Gender.MALE
            birth = self.birth_for_age(50 if gender == Gender.FEMALE else 55, 57)
        else:
            low_age, high_age = {
                MemberCategory.EMPLOYED: (23, 57),
                MemberCategory.FLOATING: (22, 50),
                MemberCategory.LAID_OFF: (40, 57),
                MemberCategory.RESIDENT: (28, 57),
            }[category]
            birth = self.birth_for_age(low_age, high_age)
        if low:
            education = rng.choices((Education.PRIMARY, Education.JUNIOR_HIGH), (35, 65) if old else (5, 95))[
                0
            ]
        elif old:
            education = rng.choices(
                (Education.SENIOR_HIGH, Education.COLLEGE, Education.BACHELOR), (70, 20, 10)
            )[0]
        else:
            education = rng.choices(
                (Education.SENIOR_HIGH, Education.COLLEGE, Education.BACHELOR, Education.POSTGRADUATE),
                (25, 30, 38, 7),
            )[0]
        eighteen = add_years(birth, 18)
        # Most joined young; the span ends at 55 or at the reference date, whichever is first.
        latest = min(REFERENCE_DATE - dt.timedelta(days=30), add_years(eighteen, 37))
        span = max((latest - eighteen).days, 0)
        joined = eighteen + dt.timedelta(days=int(span * rng.random() ** 1.8))
        name = rng.choices(self.surnames, cum_weights=self.surname_weights)[0] + self.given_name(
            gender, old or birth.year < 1968
        )
        mobile = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        return MemberSpec(
            name=name,
            gender=gender,
            birth_date=birth,
            education=education,
            joined_party_on=joined,
            mobile=mobile,
            id_number=self.id_number(birth, gender),
            category=category,
            org=org,
        )

    def pick(self, candidates: list[int], used: set[int], prefer: Callable[[MemberSpec], bool]) -> int | None:
        """One of `candidates` not in `used`, preferably one that `prefer` likes; None if none is free."""
        free = [i for i in candidates if i not in used]
        preferred = [i for i in free if prefer(self.specs[i])] or free
        if not preferred:
            return None
        choice = self.rng.choice(preferred)
        used.add(choice)
        return choice

    def age(self, spec: MemberSpec) -> int:
        return REFERENCE_DATE.year - spec.birth_date.year

    def capable(self, spec: MemberSpec) -> bool:
        """Who a branch would ask to serve: not too old, some schooling."""
        return self.age(spec) <= 70 and spec.education not in (Education.PRIMARY,)
