"""Lambda durable functions: a function with a ``DurableConfig`` (CloudFormation and SAM) or a ``durable_config`` block
(Terraform's ``aws_lambda_function``) runs one durable execution as many invocations, checkpointing between them.

Its ``ExecutionTimeout`` bounds the whole execution (up to a year); each invocation is still stopped at the function's
``Timeout``, within Lambda's 15 minutes: "The Lambda function timeout controls how long each individual invocation can
run (maximum 15 minutes). The execution timeout controls the total elapsed time for the entire durable execution
(maximum 1 year)." So a durable function's ``runtime.max_duration_s`` is one invocation's, and a usage file that gives
the workflow's whole length there (past 15 minutes) is read as the execution's, not as one unit of work that Lambda
could not run.
"""

from __future__ import annotations

from typing import Any

from decider.sources.imported import ImportedWorkload
from decider.sources.template import number_of

#: Where AWS says the execution timeout is the whole durable execution's and the function timeout each invocation's.
DURABLE_SOURCES = (
    "https://docs.aws.amazon.com/durable-functions/getting-started/key-concepts/",
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-lambda-function-durableconfig.html",
)
#: The longest one Lambda invocation runs: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
LAMBDA_MAX_TIMEOUT_S = 900.0
_MAX_DURATION = "runtime.max_duration_s"


def read_durable(workload: ImportedWorkload, seconds: float | None, key: str) -> None:
    """Mark a function with a durable configuration as durable and say what its execution timeout bounds
    (``seconds``: the configuration's, None when not known; ``key`` names it as the source does)."""
    workload.durable = True
    length = f"{key} {seconds:g} s" if seconds is not None else f"{key} not known"
    workload.assume(
        f"a Lambda durable function ({length}): one durable execution runs as many invocations, and Lambda's "
        f"15-minute limit applies to each invocation (its timeout, max_duration_s), not to the execution "
        f"({DURABLE_SOURCES[0]})"
    )


def per_invocation(workload: ImportedWorkload, before: Any, path: str) -> None:
    """After a usage file (``path``) is laid over a durable function: a ``max_duration_s`` past Lambda's 15 minutes is
    the durable execution's length, not one invocation's, so the function is reviewed with the invocation's limit it
    had from its source (``before``, its timeout; else 15 minutes), and says so."""
    given = number_of(workload.get(_MAX_DURATION))
    on_lambda = workload.get("team.current_platform") == "lambda"  # a usage file may say it runs elsewhere now
    if not workload.durable or not on_lambda or given is None or given <= LAMBDA_MAX_TIMEOUT_S:
        return
    source = number_of(before)
    limit = source if source is not None and source <= LAMBDA_MAX_TIMEOUT_S else LAMBDA_MAX_TIMEOUT_S
    workload.set(_MAX_DURATION, limit)
    workload.given_in.pop(_MAX_DURATION, None)
    workload.assume(
        f"{path} gives max_duration_s {given:g} s, past Lambda's 15 minutes: for a durable function that is the "
        f"durable execution's length, run as invocations of at most {limit:g} s each, so it is reviewed with "
        f"max_duration_s {limit:g} s ({DURABLE_SOURCES[0]})"
    )
