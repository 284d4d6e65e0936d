"""Loading rule files: every problem at once with file and rule id, overrides by id, the digest, safe YAML only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from decider.errors import Problem, RulesError
from decider.rules.loader import load_ruleset
from decider.rules.model import Ruleset, render_template
from tests.conftest import RuleDirFactory, RuleFactory, write_yaml

ExtraDirFactory = Callable[..., Path]


def load(base: Path, *extra: Path) -> Ruleset:
    return load_ruleset(list(extra), rules_dir=base)


def problems_of(base: Path, *extra: Path) -> tuple[Problem, ...]:
    with pytest.raises(RulesError) as caught:
        load(base, *extra)
    return caught.value.problems


def only_problem(base: Path, *extra: Path) -> Problem:
    problems = problems_of(base, *extra)
    assert len(problems) == 1, problems
    return problems[0]


@pytest.fixture
def one_rule(rules_dir: RuleDirFactory) -> Callable[[dict[str, Any]], Path]:
    """A rules directory (shipped targets and ruleset.yaml) holding one rule file with one rule."""

    def build(rule: dict[str, Any]) -> Path:
        return rules_dir({"rules.yaml": [rule]}, shipped_meta=True)

    return build


LAMBDA_LONG = {"field": "runtime.max_duration_s", "gt": 900}


# -- a valid directory -------------------------------------------------------------------------------------------


def test_a_valid_directory_loads_and_compiles(rules_dir: RuleDirFactory, make_rule: RuleFactory) -> None:
    base = rules_dir(
        {
            "limits.yaml": [make_rule.exclude("limits.lambda-long", "lambda", LAMBDA_LONG)],
            "traffic.yml": [
                make_rule.score("traffic.spiky", {"lambda": 10}, {"field": "traffic.pattern", "eq": "spiky"})
            ],
            "README.md": "not a rule file",
        },
        shipped_meta=True,
    )
    ruleset = load(base)
    assert [rule.id for rule in ruleset.rules] == ["limits.lambda-long", "traffic.spiky"]
    assert ruleset.target_ids == ("lambda", "ecs-fargate", "ecs-managed-instances", "ecs-ec2", "eks")
    assert ruleset.rule("limits.lambda-long") is not None
    assert ruleset.rule("limits.nothing") is None
    assert ruleset.target("eks").name == "Amazon EKS"
    assert ruleset.sources == (str(base),)
    assert ruleset.digest.startswith("sha256:")
    assert len(ruleset.digest) == len("sha256:") + 64


def test_the_version_and_weights_come_from_ruleset_yaml(rules_dir: RuleDirFactory) -> None:
    ruleset = load(rules_dir({}, base_score=40))
    assert ruleset.version == "test-1"
    assert ruleset.base_score == 40
    assert ruleset.weights["control"]["control"] == 2.0
    assert set(ruleset.weights) == {"balanced", "cost", "simplicity", "control"}


def test_targets_are_ordered_by_simplicity_whatever_the_file_order(rules_dir: RuleDirFactory) -> None:
    base = rules_dir({})
    targets = (base / "targets.yaml").read_text().split("\n- ")
    (base / "targets.yaml").write_text("\n- ".join([targets[0], *reversed(targets[1:])]))
    assert load(base).target_ids[0] == "lambda"


def test_a_rule_compiles_its_condition_and_explains_itself(one_rule: Callable[[dict[str, Any]], Path]) -> None:
    rule_data = RuleFactory().exclude(
        "limits.lambda-long", "lambda", LAMBDA_LONG, because="Longest run {runtime.max_duration_s} s."
    )
    [rule] = load(one_rule(rule_data)).rules
    assert rule.condition({"runtime.max_duration_s": 901}) is True
    assert rule.condition({"runtime.max_duration_s": 900}) is False
    assert rule.explain({"runtime.max_duration_s": 1200.0}) == "Longest run 1,200 s."
    assert rule.targets == ("lambda",)
    assert rule.file.endswith("rules.yaml")
    shown = rule.to_dict()
    assert shown["when"] == LAMBDA_LONG
    assert shown["targets"] == ["lambda"]
    assert "impacts" not in shown


def test_score_rule_targets_follow_the_target_order(one_rule: Callable[[dict[str, Any]], Path]) -> None:
    rule_data = RuleFactory().score("traffic.x", {"eks": -2, "lambda": 3}, LAMBDA_LONG, uncertain="a rough figure")
    [rule] = load(one_rule(rule_data)).rules
    assert rule.targets == ("lambda", "eks")
    assert rule.impacts == {"eks": -2.0, "lambda": 3.0}
    assert rule.to_dict()["impacts"] == {"eks": -2.0, "lambda": 3.0}
    assert rule.to_dict()["uncertain"] == "a rough figure"


def test_render_template_shows_values_as_people_write_them() -> None:
    context = {"runtime.gpu": 2, "derived.always_on": True, "traffic.protocols": ("http", "grpc"), "runtime.vcpu": None}
    text = "{runtime.gpu} GPUs, on {derived.always_on}, {traffic.protocols}, {runtime.vcpu}"
    assert render_template(text, context) == "2 GPUs, on true, [http, grpc], not set"


# -- every problem at once ---------------------------------------------------------------------------------------


def test_every_problem_in_every_file_is_reported_together(rules_dir: RuleDirFactory, make_rule: RuleFactory) -> None:
    base = rules_dir(
        {
            "a.yaml": [
                make_rule.exclude("limits.a-one", "lamda", LAMBDA_LONG),
                make_rule.exclude("limits.a-two", "lambda", {"field": "runtime.memroy_mb", "gt": 1}),
            ],
            "b.yaml": [make_rule.score("traffic.b-one", {"lambda": 1}, LAMBDA_LONG, category="trafic")],
        },
        shipped_meta=True,
    )
    with pytest.raises(RulesError) as caught:
        load(base)
    problems = caught.value.problems
    assert len(problems) == 3
    assert f"{base / 'a.yaml'} limits.a-one" in problems[0].location
    assert problems[0].suggestion == "lambda"
    assert f"{base / 'a.yaml'} limits.a-two" in problems[1].location
    assert problems[1].suggestion == "runtime.memory_mb"
    assert f"{base / 'b.yaml'} traffic.b-one" in problems[2].location
    assert problems[2].suggestion == "traffic"
    text = str(caught.value)
    assert text.startswith("invalid rules (3 problems):")
    assert "did you mean 'runtime.memory_mb'?" in text


# -- structure and schema of a rule ------------------------------------------------------------------------------


def test_an_unknown_key_suggests_the_nearest(one_rule: Callable[[dict[str, Any]], Path]) -> None:
    rule = RuleFactory().exclude("limits.x", "lambda", LAMBDA_LONG, becuase="typo")
    problem = only_problem(one_rule(rule))
    assert "unknown key 'becuase'" in problem.message
    assert "because" in problem.message
    assert problem.suggestion == "because"


@pytest.mark.parametrize("key", ["category", "effect", "when", "because", "source"])
def test_a_missing_key_is_named(one_rule: Callable[[dict[str, Any]], Path], key: str) -> None:
    rule = RuleFactory().exclude("limits.x", "lambda", LAMBDA_LONG)
    del rule[key]
    problems = problems_of(one_rule(rule))
    assert any(f"missing required key(s): {key}" in problem.message for problem in problems), problems


@pytest.mark.parametrize(
    ("key", "value", "suggestion"),
    [("category", "limit", "limits"), ("category", "Team", "team"), ("effect", "exlude", "exclude")],
)
def test_bad_category_or_effect_suggests_the_nearest(
    one_rule: Callable[[dict[str, Any]], Path], key: str, value: str, suggestion: str
) -> None:
    rule = RuleFactory().exclude("limits.x", "lambda", LAMBDA_LONG, **{key: value})
    problems = problems_of(one_rule(rule))
    [problem] = [problem for problem in problems if problem.location.endswith(f" {key}")]
    assert repr(value) in problem.message
    assert problem.suggestion == suggestion


@pytest.mark.parametrize(
    ("rule", "suggestion"),
    [
        (RuleFactory().exclude("limits.x", "lamda", LAMBDA_LONG), "lambda"),
        (RuleFactory().exclude("limits.x", ["lambda", "ecs-fargat"], LAMBDA_LONG), "ecs-fargate"),
        (RuleFactory().score("traffic.x", {"ekss": 3}, LAMBDA_LONG), "eks"),
    ],
)
def test_an_unknown_target_suggests_the_nearest(
    one_rule: Callable[[dict[str, Any]], Path], rule: dict[str, Any], suggestion: str
) -> None:
    problem = only_problem(one_rule(rule))
    assert "unknown target" in problem.message
    assert "lambda, ecs-fargate, ecs-managed-instances, ecs-ec2, eks" in problem.message
    assert problem.suggestion == suggestion


@pytest.mark.parametrize("source", ["see the Lambda docs", "ftp://example.com/limits", "https://", 42])
def test_source_must_be_an_http_url(one_rule: Callable[[dict[str, Any]], Path], source: Any) -> None:
    problem = only_problem(one_rule(RuleFactory().exclude("limits.x", "lambda", LAMBDA_LONG, source=source)))
    assert problem.location.endswith("limits.x source")
    assert "must be an http(s) URL" in problem.message


@pytest.mark.parametrize("rule_id", ["Limits.X", "limits", "limits.x y", "limits.-x"])
def test_rule_ids_are_dotted_lower_case(one_rule: Callable[[dict[str, Any]], Path], rule_id: str) -> None:
    problem = only_problem(one_rule(RuleFactory().exclude(rule_id, "lambda", LAMBDA_LONG)))
    assert "dotted lower-case" in problem.message


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        (RuleFactory().score("traffic.x", {"lambda": 150}, LAMBDA_LONG), "must be a number from -100 to 100, got 150"),
        ({**RuleFactory().score("traffic.x", {"lambda": 1}, LAMBDA_LONG), "impacts": {"lambda": "high"}}, "got 'high'"),
        (RuleFactory().score("traffic.x", {}, LAMBDA_LONG), "a score rule needs impacts"),
        (
            RuleFactory().score("traffic.x", {"lambda": 1}, LAMBDA_LONG, target="lambda"),
            "names its targets in 'impacts'",
        ),
        (RuleFactory().exclude("limits.x", "lambda", LAMBDA_LONG, impacts={"lambda": 1}), "not impacts"),
        (RuleFactory().exclude("limits.x", "lambda", LAMBDA_LONG, targets=["eks"]), "not both"),
        (RuleFactory().exclude("limits.x", [], LAMBDA_LONG), "needs 'target' or a non-empty list 'targets'"),
    ],
)
def test_targets_and_impacts_fit_the_effect(
    one_rule: Callable[[dict[str, Any]], Path], rule: dict[str, Any], words: str
) -> None:
    problems = problems_of(one_rule(rule))
    assert any(words in problem.message for problem in problems), problems


def test_a_bad_condition_is_reported_with_the_rule(one_rule: Callable[[dict[str, Any]], Path]) -> None:
    base = one_rule(RuleFactory().exclude("limits.x", "lambda", {"field": "traffic.pattern", "eq": "spikey"}))
    problem = only_problem(base)
    assert problem.location == f"{base / 'rules.yaml'} limits.x when.eq"
    assert problem.suggestion == "spiky"


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("Needs {runtime.memroy_mb} MB.", "runtime.memory_mb"),
        ("{derived.copies_at_peek} copies", "derived.copies_at_peak"),
    ],
)
def test_unknown_placeholders_suggest_the_field(
    one_rule: Callable[[dict[str, Any]], Path], text: str, suggestion: str
) -> None:
    problem = only_problem(one_rule(RuleFactory().exclude("limits.x", "lambda", LAMBDA_LONG, because=text)))
    assert problem.location.endswith("limits.x because")
    assert "unknown placeholder" in problem.message
    assert problem.suggestion == suggestion


def test_placeholders_in_a_fix_are_checked_too(one_rule: Callable[[dict[str, Any]], Path]) -> None:
    rule = RuleFactory().exclude("limits.x", "lambda", LAMBDA_LONG, fix="shorter than {runtime.max_duration}")
    problem = only_problem(one_rule(rule))
    assert problem.location.endswith("limits.x fix")
    assert problem.suggestion == "runtime.max_duration_s"


def test_an_exclusion_on_a_derived_figure_must_say_its_fix(
    one_rule: Callable[[dict[str, Any]], Path], rules_dir: RuleDirFactory
) -> None:
    """A user cannot set derived.container_vcpu: without a fix naming workload fields, "what would change" would tell
    them to."""
    when = {"field": "derived.container_vcpu", "gt": 192}
    problem = only_problem(one_rule(RuleFactory().exclude("limits.x", "ecs-ec2", when)))
    assert problem.location.endswith("limits.x fix")
    assert "names the workload fields" in problem.message
    fixed = RuleFactory().exclude("limits.x", "ecs-ec2", when, fix="runtime.vcpu ≤ 192")
    assert [rule.fix for rule in load_ruleset(rules_dir=rules_dir({"l.yaml": [fixed]})).rules] == ["runtime.vcpu ≤ 192"]


@pytest.mark.parametrize("because", ["", "   ", 12])
def test_because_must_be_text(one_rule: Callable[[dict[str, Any]], Path], because: Any) -> None:
    problem = only_problem(one_rule(RuleFactory().exclude("limits.x", "lambda", LAMBDA_LONG, because=because)))
    assert "must be non-empty text" in problem.message


def test_uncertain_must_be_text(one_rule: Callable[[dict[str, Any]], Path]) -> None:
    problem = only_problem(one_rule(RuleFactory().exclude("limits.x", "lambda", LAMBDA_LONG, uncertain=True)))
    assert problem.location.endswith("limits.x uncertain")


# -- files -------------------------------------------------------------------------------------------------------


def test_duplicate_ids_in_one_directory_are_refused(rules_dir: RuleDirFactory, make_rule: RuleFactory) -> None:
    rule = make_rule.exclude("limits.same", "lambda", LAMBDA_LONG)
    base = rules_dir({"a.yaml": [rule], "b.yaml": [rule]}, shipped_meta=True)
    problem = only_problem(base)
    assert problem.location == f"{base / 'b.yaml'} limits.same"
    assert f"duplicate rule id (also in {base / 'a.yaml'})" in problem.message


def test_duplicate_ids_in_one_file_are_refused(rules_dir: RuleDirFactory, make_rule: RuleFactory) -> None:
    rule = make_rule.exclude("limits.same", "lambda", LAMBDA_LONG)
    problem = only_problem(rules_dir({"a.yaml": [rule, rule]}, shipped_meta=True))
    assert "duplicate rule id" in problem.message


def test_invalid_yaml_names_the_file_and_line(rules_dir: RuleDirFactory) -> None:
    text = "- id: limits.x\n  category: limits\n  when: {field: runtime.gpu, gt: 0\n  effect: exclude\n"
    base = rules_dir({"broken.yaml": text}, shipped_meta=True)
    problem = only_problem(base)
    assert problem.location.startswith(f"{base / 'broken.yaml'}:")
    assert int(problem.location.rsplit(":", 1)[1]) in (3, 4)
    assert "not valid YAML" in problem.message


def test_a_key_written_twice_is_refused_with_both_lines(rules_dir: RuleDirFactory) -> None:
    text = (
        "- id: limits.x\n"
        "  category: limits\n"
        "  effect: exclude\n"
        "  target: lambda\n"
        "  target: eks\n"
        "  when: {field: runtime.gpu, gt: 0}\n"
        "  because: x\n"
        "  source: https://docs.aws.amazon.com/x\n"
    )
    base = rules_dir({"twice.yaml": text}, shipped_meta=True)
    problem = only_problem(base)
    assert problem.location == f"{base / 'twice.yaml'}:5"
    assert "found key 'target' twice (first on line 4)" in problem.message


def test_a_rule_file_is_a_list(rules_dir: RuleDirFactory) -> None:
    base = rules_dir({"mapping.yaml": {"id": "limits.x"}}, shipped_meta=True)
    problem = only_problem(base)
    assert "a rule file is a YAML list of rules, got dict" in problem.message


@pytest.mark.parametrize("item", ["limits.x", {"category": "limits"}, {"id": 5}])
def test_each_rule_is_a_mapping_with_an_id(rules_dir: RuleDirFactory, item: Any) -> None:
    base = rules_dir({"a.yaml": [item]}, shipped_meta=True)
    problem = only_problem(base)
    assert problem.location == f"{base / 'a.yaml'} rules[0]"
    assert "each rule is a mapping with a text 'id'" in problem.message


def test_an_empty_rule_file_is_fine(rules_dir: RuleDirFactory) -> None:
    assert load(rules_dir({"empty.yaml": "# nothing yet\n"}, shipped_meta=True)).rules == ()


def test_a_missing_directory_is_named(tmp_path: Path, rules_dir: RuleDirFactory) -> None:
    problem = only_problem(rules_dir({}), tmp_path / "nowhere")
    assert problem.location == str(tmp_path / "nowhere")
    assert "rules directory not found" in problem.message


@pytest.mark.parametrize(
    "payload",
    [
        "!!python/object/apply:os.system ['touch {marker}']",
        "!!python/object/new:os.system ['touch {marker}']",
        "!!python/name:os.system",
    ],
)
def test_nothing_in_a_rule_file_can_run_code(rules_dir: RuleDirFactory, tmp_path: Path, payload: str) -> None:
    marker = tmp_path / "ran"
    text = (
        "- id: limits.x\n  category: limits\n  effect: exclude\n  target: lambda\n"
        "  when: {field: runtime.gpu, gt: 0}\n"
        f"  because: {payload.format(marker=marker)}\n"
        "  source: https://docs.aws.amazon.com/x\n"
    )
    base = rules_dir({"evil.yaml": text}, shipped_meta=True)
    problem = only_problem(base)
    assert problem.location.startswith(f"{base / 'evil.yaml'}:")
    assert "not valid YAML" in problem.message
    assert not marker.exists()


# -- targets.yaml and ruleset.yaml -------------------------------------------------------------------------------


def test_target_problems_name_the_target(rules_dir: RuleDirFactory) -> None:
    base = rules_dir({})
    write_yaml(
        base / "targets.yaml",
        [
            {
                "id": "lambda",
                "name": "AWS Lambda",
                "family": "serverless",
                "simplicity": 1,
                "docs": "https://x",
                "doc": 1,
                "platform": "lambda",
            },
            {"id": "eks", "name": "Amazon EKS", "family": "kubernetes", "docs": "https://x", "platform": "eks"},
            {
                "id": "ecs-ec2",
                "name": "ECS",
                "family": "ecs",
                "simplicity": "4",
                "docs": "https://x",
                "platform": "ecs",
            },
        ],
    )
    problems = problems_of(base)
    messages = {problem.location.rsplit(" ", 1)[1]: problem for problem in problems}
    assert messages["lambda"].suggestion == "docs"
    assert "missing simplicity" in messages["eks"].message
    assert "simplicity must be a whole number" in messages["ecs-ec2"].message


def test_a_target_says_its_platform_and_how_it_is_priced(rules_dir: RuleDirFactory) -> None:
    base = rules_dir({})
    target = {"name": "T", "family": "ecs", "simplicity": 1, "docs": "https://x"}
    write_yaml(
        base / "targets.yaml",
        [
            {"id": "no-platform", **target},
            {"id": "bad-platform", **target, "platform": "ecss"},
            {"id": "bad-model", **target, "platform": "ecs", "cost": {"model": "fargat"}},
            {"id": "bad-key", **target, "platform": "ecs", "cost": {"model": "instances", "fee": True}},
        ],
    )
    problems = {problem.location.split(" target ", 1)[1]: problem for problem in problems_of(base)}
    assert problems["no-platform"].message == "missing platform"
    assert problems["bad-platform platform"].suggestion == "ecs"
    assert problems["bad-model cost.model"].suggestion == "fargate"
    assert problems["bad-key cost"].message.startswith("unknown key 'fee'")


def test_runs_as_names_belong_to_one_target_each(rules_dir: RuleDirFactory) -> None:
    base = rules_dir({})
    target = {"name": "T", "family": "ecs", "simplicity": 1, "docs": "https://x", "platform": "ecs"}
    write_yaml(
        base / "targets.yaml",
        [
            {"id": "first", **target, "runs_as": ["FARGATE"]},
            {"id": "second", **target, "runs_as": ["FARGATE", "EC2"]},
            {"id": "third", **target, "runs_as": "EC2"},
        ],
    )
    problems = {problem.location.split(" target ", 1)[1]: problem for problem in problems_of(base)}
    assert problems["second runs_as"].message == "'FARGATE' already names target 'first'"
    assert problems["third runs_as"].message == "must be a list of names, got 'EC2'"


def test_the_review_reads_where_a_workload_runs_from_targets_yaml(ruleset: Ruleset) -> None:
    assert ruleset.running_as("FARGATE_SPOT") == "ecs-fargate"
    assert ruleset.running_as("MANAGED_INSTANCES") == "ecs-managed-instances"
    assert ruleset.running_as("EXTERNAL") == "ecs-ec2"
    assert ruleset.running_as("function") == "lambda"
    assert ruleset.running_as(None, "eks") == "eks"  # a platform with one target names it
    assert ruleset.running_as(None, "ecs") is None  # three targets: the platform alone does not say which
    assert ruleset.running_as("BATCH", None) is None


def test_shipped_targets_carry_their_platform_and_cost_model(ruleset: Ruleset) -> None:
    assert {target.id: target.platform for target in ruleset.targets} == {
        "lambda": "lambda",
        "ecs-fargate": "ecs",
        "ecs-managed-instances": "ecs",
        "ecs-ec2": "ecs",
        "eks": "eks",
    }
    assert ruleset.on_platform("ecs") == ("ecs-fargate", "ecs-managed-instances", "ecs-ec2")
    costs = {target.id: target.cost for target in ruleset.targets}
    assert all(cost is not None for cost in costs.values())
    assert [target for target, cost in costs.items() if cost and cost.control_plane] == ["eks"]
    assert [target for target, cost in costs.items() if cost and cost.management_fee] == ["ecs-managed-instances"]


def test_an_extra_directory_may_add_a_target(
    rules_dir: RuleDirFactory, extra_dir: ExtraDirFactory, make_rule: RuleFactory
) -> None:
    auto = {
        "id": "eks-auto",
        "name": "EKS Auto Mode",
        "family": "kubernetes",
        "simplicity": 6,
        "docs": "https://x",
        "platform": "eks",
    }
    extra = extra_dir(
        {"targets.yaml": [auto], "org.yaml": [make_rule.exclude("limits.org-no-auto", "eks-auto", LAMBDA_LONG)]}
    )
    ruleset = load(rules_dir({}), extra)
    assert ruleset.target_ids[-1] == "eks-auto"
    assert ruleset.rule("limits.org-no-auto") is not None


@pytest.mark.parametrize(
    ("weights", "location", "suggestion"),
    [
        ({"balanced": {}, "cost": {}, "simplicity": {}, "control": {}, "balance": {}}, "weights.balance", "balanced"),
        (None, "weights", None),
    ],
)
def test_weight_problems_name_the_goal(
    rules_dir: RuleDirFactory, weights: Any, location: str, suggestion: str | None
) -> None:
    base = rules_dir({})
    write_yaml(base / "ruleset.yaml", {"version": "x", "weights": weights})
    problems = problems_of(base)
    [problem] = [problem for problem in problems if problem.location.endswith(f" {location}")]
    assert problem.suggestion == suggestion


def test_weights_cover_every_category_with_a_number(rules_dir: RuleDirFactory) -> None:
    base = rules_dir({})
    row = {"limits": 1, "traffic": 1, "control": 1, "team": 1, "cost": 1}
    write_yaml(
        base / "ruleset.yaml",
        {
            "version": "x",
            "base_score": "fifty",
            "weights": {
                "balanced": row,
                "cost": {**row, "costs": 2},
                "simplicity": {**row, "team": -1},
                "control": {key: value for key, value in row.items() if key != "team"},
            },
        },
    )
    problems = {problem.location.rsplit(" ", 1)[1]: problem for problem in problems_of(base)}
    assert problems["weights.cost.costs"].suggestion == "cost"
    assert "must be a number ≥ 0, got -1" in problems["weights.simplicity.team"].message
    assert "got None" in problems["weights.control.team"].message
    assert "must be a number, got 'fifty'" in problems["base_score"].message


# -- layers: organisation overrides ------------------------------------------------------------------------------


def test_an_extra_directory_replaces_a_rule_by_id(
    rules_dir: RuleDirFactory, extra_dir: ExtraDirFactory, make_rule: RuleFactory
) -> None:
    base = rules_dir({"limits.yaml": [make_rule.exclude("limits.lambda-long", "lambda", LAMBDA_LONG)]})
    stricter = make_rule.exclude("limits.lambda-long", "lambda", {"field": "runtime.max_duration_s", "gt": 300})
    extra = extra_dir({"org.yaml": [stricter]})
    [rule] = load(base, extra).rules
    assert rule.file == str(extra / "org.yaml")
    assert rule.condition({"runtime.max_duration_s": 600}) is True
    assert load(base, extra).sources == (str(base), str(extra))


def test_a_later_extra_directory_wins(
    rules_dir: RuleDirFactory, extra_dir: ExtraDirFactory, make_rule: RuleFactory
) -> None:
    base = rules_dir({"limits.yaml": [make_rule.exclude("limits.x", "lambda", LAMBDA_LONG)]})
    first = extra_dir({"a.yaml": [make_rule.exclude("limits.x", "eks", LAMBDA_LONG)]})
    second = extra_dir({"a.yaml": [make_rule.exclude("limits.x", "ecs-ec2", LAMBDA_LONG)]})
    [rule] = load(base, first, second).rules
    assert rule.targets == ("ecs-ec2",)


def test_an_extra_directory_adds_rules(
    rules_dir: RuleDirFactory, extra_dir: ExtraDirFactory, make_rule: RuleFactory
) -> None:
    base = rules_dir({"limits.yaml": [make_rule.exclude("limits.x", "lambda", LAMBDA_LONG)]})
    extra = extra_dir({"org.yaml": [make_rule.exclude("control.org-no-eks", "eks", {"field": "runtime.gpu", "ge": 0})]})
    assert [rule.id for rule in load(base, extra).rules] == ["control.org-no-eks", "limits.x"]


def test_disabled_removes_a_shipped_rule(
    rules_dir: RuleDirFactory, extra_dir: ExtraDirFactory, make_rule: RuleFactory
) -> None:
    base = rules_dir(
        {
            "limits.yaml": [
                make_rule.exclude("limits.x", "lambda", LAMBDA_LONG),
                make_rule.exclude("limits.y", "eks", LAMBDA_LONG),
            ]
        }
    )
    extra = extra_dir({"org.yaml": [{"id": "limits.x", "disabled": True}]})
    assert [rule.id for rule in load(base, extra).rules] == ["limits.y"]


def test_disabling_an_unknown_rule_is_an_error(
    rules_dir: RuleDirFactory, extra_dir: ExtraDirFactory, make_rule: RuleFactory
) -> None:
    base = rules_dir({"limits.yaml": [make_rule.exclude("limits.lambda-long", "lambda", LAMBDA_LONG)]})
    extra = extra_dir({"org.yaml": [{"id": "limits.lambda-lng", "disabled": True}]})
    problem = only_problem(base, extra)
    assert problem.location == f"{extra / 'org.yaml'} limits.lambda-lng"
    assert "disables a rule that does not exist" in problem.message
    assert problem.suggestion == "limits.lambda-long"


def test_the_same_id_in_two_layers_is_an_override_not_a_duplicate(
    rules_dir: RuleDirFactory, extra_dir: ExtraDirFactory, make_rule: RuleFactory
) -> None:
    rule = make_rule.exclude("limits.x", "lambda", LAMBDA_LONG)
    base = rules_dir({"limits.yaml": [rule]})
    assert len(load(base, extra_dir({"org.yaml": [rule]})).rules) == 1


def test_problems_in_an_extra_directory_name_its_file(
    rules_dir: RuleDirFactory, extra_dir: ExtraDirFactory, make_rule: RuleFactory
) -> None:
    extra = extra_dir({"org.yaml": [make_rule.exclude("control.org", "ekss", LAMBDA_LONG)]})
    problem = only_problem(rules_dir({}), extra)
    assert problem.location.startswith(f"{extra / 'org.yaml'} control.org")
    assert problem.suggestion == "eks"


# -- the digest --------------------------------------------------------------------------------------------------


def test_the_digest_is_stable_across_loads(rules_dir: RuleDirFactory, make_rule: RuleFactory) -> None:
    base = rules_dir({"limits.yaml": [make_rule.exclude("limits.x", "lambda", LAMBDA_LONG)]})
    assert load(base).digest == load(base).digest


def test_the_digest_does_not_depend_on_where_the_files_are(rules_dir: RuleDirFactory, make_rule: RuleFactory) -> None:
    files = {"limits.yaml": [make_rule.exclude("limits.x", "lambda", LAMBDA_LONG)]}
    assert load(rules_dir(files)).digest == load(rules_dir(files)).digest


def test_the_digest_changes_when_a_rule_changes(rules_dir: RuleDirFactory, make_rule: RuleFactory) -> None:
    before = load(rules_dir({"limits.yaml": [make_rule.exclude("limits.x", "lambda", LAMBDA_LONG)]}))
    edited = make_rule.exclude("limits.x", "lambda", LAMBDA_LONG, because="Reworded.")
    after = load(rules_dir({"limits.yaml": [edited]}))
    assert before.digest != after.digest


def test_the_digest_changes_with_the_weights(rules_dir: RuleDirFactory) -> None:
    assert load(rules_dir({}, base_score=50)).digest != load(rules_dir({}, base_score=60)).digest


def test_the_digest_changes_with_an_override(
    rules_dir: RuleDirFactory, extra_dir: ExtraDirFactory, make_rule: RuleFactory
) -> None:
    base = rules_dir({"limits.yaml": [make_rule.exclude("limits.x", "lambda", LAMBDA_LONG)]})
    extra = extra_dir({"org.yaml": [{"id": "limits.x", "disabled": True}]})
    assert load(base).digest != load(base, extra).digest


# -- the shipped rules -------------------------------------------------------------------------------------------


def test_the_shipped_rules_load(ruleset: Ruleset) -> None:
    assert ruleset.target_ids == ("lambda", "ecs-fargate", "ecs-managed-instances", "ecs-ec2", "eks")
    assert ruleset.rules
    assert all(rule.source.startswith("https://") for rule in ruleset.rules)


def test_ruleset_yaml_must_be_a_mapping(rules_dir: RuleDirFactory) -> None:
    base = rules_dir({})
    (base / "ruleset.yaml").write_text("- version: 1\n")
    problems = problems_of(base)
    assert any(
        problem.location == str(base / "ruleset.yaml") and "must be a mapping" in problem.message
        for problem in problems
    )


@pytest.mark.parametrize("text", ["lambda: {name: AWS Lambda}\n", "- lambda\n"])
def test_targets_yaml_must_be_a_list_of_mappings(rules_dir: RuleDirFactory, text: str) -> None:
    base = rules_dir({})
    (base / "targets.yaml").write_text(text)
    problem = only_problem(base)
    assert problem.location == str(base / "targets.yaml")
    assert "must be a list of targets" in problem.message


def test_an_empty_targets_yaml_is_named(rules_dir: RuleDirFactory) -> None:
    base = rules_dir({})
    (base / "targets.yaml").write_text("[]\n")
    problem = only_problem(base)
    assert "no targets defined" in problem.message


def test_a_target_id_is_lower_case_words(rules_dir: RuleDirFactory) -> None:
    base = rules_dir({})
    write_yaml(
        base / "targets.yaml",
        [
            {
                "id": "AWS_Lambda",
                "name": "AWS Lambda",
                "family": "serverless",
                "simplicity": 1,
                "docs": "https://x",
                "platform": "lambda",
            }
        ],
    )
    problem = only_problem(base)
    assert problem.location.endswith("target AWS_Lambda")
    assert "lower-case words joined by '-'" in problem.message


def test_every_goal_needs_its_weights(rules_dir: RuleDirFactory) -> None:
    base = rules_dir({})
    row = {"limits": 1, "traffic": 1, "control": 1, "team": 1, "cost": 1}
    write_yaml(base / "ruleset.yaml", {"version": "x", "weights": {"balanced": row, "cost": row, "simplicity": row}})
    problem = only_problem(base)
    assert problem.location.endswith("weights.control")
    assert "missing weights for optimize_for=control" in problem.message


def test_an_unknown_target_id_is_a_key_error(small_ruleset: Ruleset) -> None:
    with pytest.raises(KeyError):
        small_ruleset.target("lamda")


def test_the_rules_directory_can_be_configured(monkeypatch: pytest.MonkeyPatch, small_rules: Path) -> None:
    monkeypatch.setenv("DECIDER_RULES_DIR", str(small_rules))
    ruleset = load_ruleset()
    assert ruleset.version == "test-1"
    assert ruleset.sources == (str(small_rules),)
