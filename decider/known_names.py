"""Names a workload gives that are checked when it is validated, with no ruleset at hand: EC2 instance families and
types (``control.instance_types``) and AWS Regions (``preferences.region``).

An instance type is ``family.size`` and its size is one EC2 has; the nearest type the shipped price books list is
suggested for one that is not (``m7g.larg``: ``m7g.large``). A Region is one AWS has, or one a price book prices (a
shipped book, or a book of a ruleset loaded so far); a Region AWS has that no book prices is refused when the
workload is priced, by the books of the ruleset it is priced with. The shipped books are read only to word a
refusal, and once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from annotated_types import MaxLen
from pydantic import AfterValidator, WithJsonSchema

from decider.errors import MAX_NEAREST_CHARS, Problem, nearest, quoted
from decider.pricing.cost_model import MODEL_FILE
from decider.rules.location import PRICING_DIR, default_rules_dir
from decider.validation import nested_problems

#: The sizes EC2 gives an instance type, after the dot: nano … xlarge, a multiple of xlarge (2xlarge … 224xlarge),
#: metal, and a bare-metal size (metal-16xl … metal-48xl). The AWS CDK's InstanceSize lists each
#: (https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_ec2.InstanceSize.html); the naming is that of
#: https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html.
SIZE = r"(nano|micro|small|medium|large|xlarge|([2-9]|[1-9][0-9]+)xlarge|metal|metal-([2-9]|[1-9][0-9]+)xl)"
#: A family as AWS writes one: a generation digit in it (m7g, p4d, c6in, u-6tb1, m7i-flex).
FAMILY = r"[a-z][a-z0-9-]*[0-9][a-z0-9-]*"
#: A family, or a family and one of its sizes.
INSTANCE_NAME = re.compile(rf"^{FAMILY}(\.{SIZE})?$")
_SHAPE = re.compile(rf"^{FAMILY}(\.[a-z0-9-]+)?$")
#: The sizes as a refused name is told them.
_SIZES = "sizes: nano, micro, small, medium, large, xlarge, <N>xlarge, metal, metal-<N>xl"

#: The AWS Regions, by code: the aws, aws-cn, aws-us-gov and isolated partitions (botocore 1.43.11,
#: botocore/data/endpoints.json; https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html).
AWS_REGIONS = frozenset({
    "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
    "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
    "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1",
    "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1", "me-south-1",
    "mx-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
    "cn-north-1", "cn-northwest-1", "us-gov-east-1", "us-gov-west-1",
    "us-iso-east-1", "us-iso-west-1", "us-isob-east-1", "us-isob-west-1", "eu-isoe-west-1", "us-isof-east-1",
    "us-isof-south-1",
})  # fmt: skip


def _pricing_dir() -> Path:
    return default_rules_dir() / PRICING_DIR


@lru_cache(maxsize=8)
def _books(directory: Path) -> tuple[Path, ...]:
    return tuple(
        path
        for path in sorted(directory.glob("*.y*ml"))
        if path.name != MODEL_FILE and path.suffix in (".yaml", ".yml")
    )


def shipped_regions() -> tuple[str, ...]:
    """The Regions the shipped price books price (their file names), sorted."""
    return tuple(sorted(path.stem for path in _books(_pricing_dir())))


#: The Regions the price books of every ruleset loaded so far price: an organisation's book may price a Region of
#: its own (decider/rules/loader.py adds them).
_LOADED: set[str] = set()


def remember_regions(regions: Iterable[str]) -> None:
    """Take the Regions a loaded ruleset's price books price as known to validation from now on."""
    _LOADED.update(regions)


@lru_cache(maxsize=8)
def _types(directory: Path) -> tuple[str, ...]:
    from decider.documents import read_collecting  # a book already read comes from the document cache

    found: set[str] = set()
    for path in _books(directory):
        book = read_collecting(path, [])  # a book that cannot be read is reported when the rules load, not here
        ec2 = book.get("ec2") if isinstance(book, Mapping) else None
        listed = ec2.get("instances") if isinstance(ec2, Mapping) else None
        for item in listed if isinstance(listed, list) else ():
            kind = item.get("type") if isinstance(item, Mapping) else None
            if isinstance(kind, str):
                found.add(kind)
    return tuple(sorted(found))


def shipped_types() -> tuple[str, ...]:
    """The instance types the shipped price books list (``ec2.instances[].type``), sorted; read once."""
    return _types(_pricing_dir())


def edit_distance(one: str, other: str, limit: int | None = None) -> int:
    """The fewest letters added, removed or changed, or two neighbours swapped, that turn ``one`` into ``other``
    (optimal string alignment: "esat" is one swap from "east"); past ``limit``, ``limit + 1`` as soon as every way is
    longer (a name nowhere near is not worked out in full)."""
    if len(one) < len(other):
        one, other = other, one
    before: list[int] = []
    previous = list(range(len(other) + 1))
    for i, letter in enumerate(one, 1):
        current = [i]
        for j, theirs in enumerate(other, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (letter != theirs))
            if i > 1 and j > 1 and letter == other[j - 2] and one[i - 2] == theirs:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        if limit is not None and min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1]


def nearest_type(name: str, types: Iterable[str]) -> tuple[str, int] | None:
    """The type of ``types`` nearest ``name`` by edit distance (a type of the same family first among the nearest),
    and the distance; None when none is within half the name's length (nothing a typo would make). A name with no
    dot is matched against the families of ``types``."""
    given = name.strip().lower()
    if len(given) > MAX_NEAREST_CHARS:
        return None
    family = given.split(".", 1)[0]
    names = set(types) if "." in given else {kind.split(".", 1)[0] for kind in types}
    reach = max(1, len(given) // 2)  # a name further than this in length alone is no typo of it
    names = {kind for kind in names if abs(len(kind) - len(given)) <= reach}
    ranked = sorted((edit_distance(given, kind, reach), kind.split(".", 1)[0] != family, kind) for kind in names)
    if not ranked or ranked[0][0] > reach:
        return None
    return ranked[0][2], ranked[0][0]


def typo_of(name: str, types: Iterable[str]) -> str | None:
    """The type of ``types`` (for a name with no dot, the family) that ``name`` is with a letter typed twice: a likely
    typo (p4dd, m7gg.large). Any other one letter apart is more likely a real variant the book does not price (c7gn
    and c7g, m7gd and m7g, x2iezn and x2iedn) or another generation (c8g and c7g), so it is not asked after."""
    names = set(types) if "." in name else {kind.split(".", 1)[0] for kind in types}
    near = sorted(kind for kind in names if _doubled(name, kind))
    return near[0] if near else None


def _doubled(name: str, other: str) -> bool:
    """Whether ``name`` is ``other`` with one of its letters typed twice in a row."""
    return len(name) == len(other) + 1 and any(
        name[index] == name[index - 1] and name[:index] + name[index + 1 :] == other for index in range(1, len(name))
    )


def _refused(message: str, suggestion: str | None) -> Exception:
    """The error a validator raises: validation's translator places the problem at the field."""
    return nested_problems([Problem("", message, suggestion)])


#: Longest name a refusal looks for the nearest type of: EC2's longest names are under 24 characters, and the search
#: costs a comparison with every listed type.
MAX_SUGGESTED_CHARS = 40
#: Most names ``control.instance_types`` holds: a list of allowed types is tens long; more is no workload's.
MAX_INSTANCE_NAMES = 200


def _instance_name(name: str) -> str:
    if INSTANCE_NAME.match(name):
        return name
    lowered = name.strip().lower()
    if INSTANCE_NAME.match(lowered):  # M5.Large: the name itself, as AWS writes it
        raise _refused(
            f"{quoted(name)} is not an EC2 instance family or type as AWS writes it (lower case): {lowered}", lowered
        )
    meant = nearest_type(name, shipped_types()) if len(name) <= MAX_SUGGESTED_CHARS else None
    suggestion = meant[0] if meant and meant[0] != name else None
    shape = _SHAPE.match(name)
    if shape and shape.group(1):  # a family and a word after the dot that is no size: m7g.larg, m7g.huge
        family, size = name.split(".", 1)
        said = _size_meant(size)  # a size in other words (m7g.1xlarge, c6i.2xl): by meaning before spelling
        suggestion = f"{family}.{said}" if said is not None else suggestion
        message = (
            f"{quoted(name)} is not an EC2 instance type: {quoted(size)} is not an EC2 size ({_SIZES}); give a type "
            f"as family.size, such as m7g.large, or the family alone, {family}"
        )
    else:
        message = (
            f"{quoted(name)} is not an EC2 instance family or type; write one as AWS does: a family, such as m7g or "
            f"p4d, or a family and a size ({_SIZES}), such as m7g.large or p4d.24xlarge"
        )
    raise _refused(message, suggestion)


#: Sizes people write in other words, each with the size EC2 names for it (and `<N>xl`: `<N>xlarge`).
_SIZE_WORDS = {"xl": "xlarge", "1xl": "xlarge", "1xlarge": "xlarge", "lg": "large", "med": "medium", "sm": "small"}
_SIZE_XL = re.compile(r"^([1-9][0-9]*)xl$")


def _size_meant(size: str) -> str | None:
    """The EC2 size ``size`` means when written in other words (``1xlarge`` and ``xl``: ``xlarge``; ``2xl``:
    ``2xlarge``), or None."""
    word = size.strip().lower()
    if word in _SIZE_WORDS:
        return _SIZE_WORDS[word]
    found = _SIZE_XL.match(word)
    return f"{found.group(1)}xlarge" if found is not None else None


def unknown_region(region: str, regions: list[str] | tuple[str, ...]) -> Problem:
    """The Problem an unknown ``preferences.region`` reports: the regions there are and the nearest one."""
    listed = ", ".join(sorted(regions)) or "none"
    return Problem(
        "preferences.region", f"no price book for {region!r}; regions: {listed}", nearest(region, sorted(regions))
    )


#: A Region's code as AWS writes one.
REGION_CODE = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")


def _nearest_region(region: str) -> str | None:
    """The Region AWS has or a book prices nearest ``region`` within ``REGION_TYPO`` edits (eu-west: eu-west-1), a
    priced one first among the nearest."""
    shipped = set(shipped_regions())
    apart = {code: edit_distance(region, code, REGION_TYPO) for code in AWS_REGIONS | _LOADED | shipped}
    near = min(apart, key=lambda code: (apart[code], code not in shipped, code))
    return near if apart[near] <= REGION_TYPO else None


#: How far (``edit_distance``) a code no book prices may be from a Region AWS has or a book prices to be refused as a
#: typo of it when the workload is validated (us-esat-1: us-east-1).
REGION_TYPO = 2


def _region(region: str) -> str:
    lowered = region.strip().lower()
    if lowered != region and REGION_CODE.match(lowered):  # US-EAST-1: the code itself, as AWS writes it
        raise _refused(f"{quoted(region)} is not an AWS region code as AWS writes it (lower case): {lowered}", lowered)
    if not REGION_CODE.match(region):
        near = _nearest_region(region) if len(region) <= MAX_SUGGESTED_CHARS else None
        raise _refused(f"{quoted(region)} is not an AWS region code; write it like us-east-1 or eu-west-2", near)
    if region in AWS_REGIONS or region in _LOADED:
        return region
    regions = shipped_regions()
    if region in regions:
        return region
    # A code near a known one is a typo, refused with the workload's other problems; any other (a Region of an
    # organisation's own book, loaded or not yet) is left to the price books the workload is priced with.
    near = _nearest_region(region)
    if near is None:
        return region
    problem = unknown_region(region, regions)
    raise _refused(problem.message, near)


#: An entry of ``control.instance_types``: a name nothing could match ("banana", "Large", "m7g.huge") would leave
#: every instance target with no type to price and no word why.
InstanceName = Annotated[
    str, AfterValidator(_instance_name), WithJsonSchema({"type": "string", "pattern": INSTANCE_NAME.pattern})
]
#: ``control.instance_types``: a set, as ``traffic.protocols`` is; a name given twice is the same answer in the same
#: words (the first place each is given kept).
InstanceNames = Annotated[
    tuple[InstanceName, ...], MaxLen(MAX_INSTANCE_NAMES), AfterValidator(lambda names: tuple(dict.fromkeys(names)))
]
#: ``preferences.region``: a Region's code (``us-east-1``), of a Region AWS has or one a price book prices.
Region = Annotated[str, AfterValidator(_region), WithJsonSchema({"type": "string", "pattern": REGION_CODE.pattern})]
