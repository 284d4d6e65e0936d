"""AWS's own accelerators in a workload's source: Inferentia and Trainium (AWS Neuron). No target but EC2 capacity
holds them: Lambda and Fargate offer no accelerator, and decider's catalogue prices no Neuron type. A workload that
asks for one is read as needing the instance families that carry it (``control.instance_types``), which keeps
Lambda and Fargate out and says so, and leaves the instance targets unpriced unless a book prices the family."""

from __future__ import annotations

from decider.sources.imported import ImportedWorkload

#: The Kubernetes extended resources the AWS Neuron device plugin advertises.
NEURON_RESOURCES = ("aws.amazon.com/neuron", "aws.amazon.com/neuroncore", "aws.amazon.com/neurondevice")
#: The device a container maps to reach a Neuron accelerator (ECS ``linuxParameters.devices``).
NEURON_DEVICE = "/dev/neuron"
#: The instance families with Neuron accelerators: Inferentia2 and Trainium.
NEURON_FAMILIES = ["inf2", "trn1"]


def needs_neuron(workload: ImportedWorkload, what: str) -> None:
    """``what`` (the request or device read) asks for a Neuron accelerator: the workload runs on the families that
    carry one, unless the source names its instance type already."""
    named = workload.get("control.instance_types")
    if named is None:
        workload.set("control.instance_types", NEURON_FAMILIES)
    read = ", ".join(NEURON_FAMILIES) if named is None else f"{', '.join(map(str, named))}, as its source names them"
    workload.assume(
        f"{what}: an AWS Inferentia or Trainium (Neuron) accelerator, which only EC2 capacity holds (not Lambda, not "
        f"Fargate): read as control.instance_types {read}"
    )
