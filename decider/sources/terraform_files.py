"""Finding Terraform configurations to review: each folder that holds ``*.tf`` files is one configuration.

A folder is read as Terraform reads a module: all its ``*.tf`` files together (a variable declared in one file is used
in another), with ``terraform.tfvars`` and ``*.auto.tfvars`` applied, then the ``--var-file`` files given. A ``.tf``
file named on the command line stands for its whole folder. Folders Terraform itself keeps (``.terraform``) and any
hidden folder are not searched.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from pathlib import Path

from decider.errors import Problem, SourceError
from decider.sources.capacity import Capacity
from decider.sources.hcl import read_folder
from decider.sources.imported import ImportedWorkload
from decider.sources.terraform import priced_in, terraform_workloads

SUFFIX = ".tf"
VAR_FILE_SUFFIXES = (".tfvars",)


def read_terraform(
    folder: Path,
    shown: Callable[[Path], str],
    var_files: Sequence[str] = (),
    excluded: Collection[Path] = (),
    capacity: Capacity | None = None,
    skipped: list[tuple[str, str]] | None = None,
    reviewed: Collection[Path] = (),
) -> list[ImportedWorkload]:
    """The workloads of the Terraform configuration in ``folder``; every workload notes what reading it assumed. The
    EKS Fargate profiles and clusters it defines go into ``capacity`` when given, and the module calls it does not
    expand (a folder of such calls would otherwise review as empty) into ``skipped`` (file, why). ``reviewed`` holds
    the Terraform folders the review reads (resolved): a local module's folder among them is said to be reviewed."""
    files = [
        (path, shown(path))
        for path in sorted(folder.iterdir())
        if path.suffix == SUFFIX and path.is_file() and path.resolve() not in excluded
    ]
    if not files:
        return []
    configuration = read_folder(files, [(Path(item), item) for item in var_files], reviewed)
    if skipped is not None:
        skipped.extend(configuration.unread)
    workloads = terraform_workloads(configuration.resources)
    if capacity is not None:
        capacity.read_terraform(configuration.resources, configuration.regions.get(None))
        capacity.modules.update(shown(path) for path in configuration.module_folders)
    for workload in workloads:
        workload.assumptions[:0] = configuration.assumptions
    priced_in(workloads, configuration.regions)
    return workloads


def check_var_files(var_files: Sequence[str]) -> None:
    """Every ``--var-file`` must be a ``.tfvars`` file that exists."""
    problems = [
        Problem(f"--var-file {item}", "no such file" if not Path(item).is_file() else "give a .tfvars file")
        for item in var_files
        if not Path(item).is_file() or not item.endswith(VAR_FILE_SUFFIXES)
    ]
    if problems:
        raise SourceError(problems)
