"""A node's EBS root volume: the AMI's, larger by its copies' scratch disk and by their image past the room each is
kept, and what it costs an instance-hour (part of what the choice of an instance type compares)."""

from __future__ import annotations

import math

from decider.facts import image_on_disk_gb
from decider.pricing.book import PriceBook
from decider.pricing.cost_model import CostModel
from decider.workload import Runtime


def root_volume_gb(model: CostModel, os: str = "linux") -> float:
    """A node's root volume before its copies' needs: ``root_volume_gb`` in model.yaml, ``windows_root_volume_gb`` for
    a Windows node (Windows Server takes more of it)."""
    return model.windows_root_volume_gb if os == "windows" else model.root_volume_gb


def image_room_gb(model: CostModel, os: str = "linux") -> float:
    """What a node's root volume keeps for the AMI and the images it pulls: the volume less the scratch it holds for
    the copies (``root_volume_gb`` − ``node_scratch_included_gb`` in model.yaml, 10 GB; 30 GB of a Windows node's). An
    image that takes no more (pulled and unpacked) enlarges no volume; a larger one enlarges it by the rest."""
    return root_volume_gb(model, os) - model.node_scratch_included_gb


def node_volume_gb(model: CostModel, scratch_gb: float, image_gb: float = 0.0, os: str = "linux") -> float:
    """The gp3 root volume of a node whose copies need ``scratch_gb`` of scratch disk in all and whose image takes
    ``image_gb`` pulled and unpacked: the AMI's root volume (``root_volume_gb``, by the node's ``os``), larger by the
    scratch beyond what it holds for the copies (``node_scratch_included_gb`` in model.yaml) and by the image beyond
    what it keeps for the AMI and images (``image_room_gb``), each on its own (an image past its room does not take
    the copies' scratch room, nor the AMI's), in whole GB as an EBS volume is sized."""
    past_scratch = max(0.0, scratch_gb - model.node_scratch_included_gb)
    past_image = max(0.0, image_gb - image_room_gb(model, os))
    return root_volume_gb(model, os) + math.ceil(past_scratch + past_image - 1e-9)


def node_disk(runtime: Runtime, per_instance: int) -> tuple[float, float, str]:
    """The scratch disk of ``per_instance`` copies on one node, their image's on it (the node pulls it once) and the
    node's OS: what ``node_volume_gb`` sizes a node's root volume by."""
    return per_instance * runtime.ephemeral_storage_gb, image_on_disk_gb(runtime.artifact_mb), runtime.os


def volume_hour_usd(
    book: PriceBook, model: CostModel, scratch_gb: float, image_gb: float = 0.0, os: str = "linux"
) -> float:
    """What a node's root volume costs per instance-hour (its GB-months over a 730-hour month), part of what the
    choice of a type compares: a smaller type holds fewer copies, so a month needs more nodes, each with a volume."""
    prices = book.network
    if prices is None:
        return 0.0
    return node_volume_gb(model, scratch_gb, image_gb, os) * prices.ebs_gp3_gb_month.usd / 730.0
