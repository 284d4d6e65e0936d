#!/usr/bin/env bash
# The shell behind decider's GitHub Action (action.yml). Two commands:
#
#   decider-action.sh install   install decider into its own virtualenv
#   decider-action.sh review    review, write SARIF and the Markdown comment, post or update the pull-request comment,
#                               then exit with decider's exit code (0 fine, 1 --fail-on tripped, 2 bad input)
#
# The Action's inputs arrive as environment variables, so nothing a workflow passes is ever pasted into shell code:
#   install: PYTHON (the interpreter to build the virtualenv from), INPUT_VERSION ("" = this checkout of decider,
#            a bare version such as 0.1.0 = decider-aws==0.1.0 from your package index (decider's distribution name;
#            `decider` there is another project), anything else = a pip requirement such as
#            "decider-aws @ git+https://github.com/your-org/decider@v0.1.0"), DECIDER_VENV (default
#            $RUNNER_TEMP/decider-venv).
#   review:  INPUT_PATHS (folders and files, separated by spaces or new lines; default "."), INPUT_USAGE, INPUT_RULES
#            (extra rule directories), INPUT_FAIL_ON (consider | move | none), INPUT_FORMAT (the log's format: table,
#            json, markdown, sarif), INPUT_SARIF, INPUT_MARKDOWN (where to write them), INPUT_COMMENT (true | false),
#            INPUT_CDK_APP (a CDK app's folder: `cdk synth` runs there first and its cdk.out is reviewed too; CDK is
#            the command, default "npx cdk", the app's own CDK CLI),
#            DECIDER (the decider executable; default: decider on the PATH), PR_NUMBER, GITHUB_REPOSITORY and GH_TOKEN
#            (for the comment, posted with the GitHub CLI `gh`), GITHUB_OUTPUT and GITHUB_STEP_SUMMARY when set.
#
# Run it on your machine to see what the Action does (no comment is posted without PR_NUMBER):
#   INPUT_PATHS=examples/iac INPUT_USAGE=examples/iac/usage.yaml scripts/decider-action.sh review
set -euo pipefail

# The Markdown report's first line: the comment to update is the one that starts with it.
readonly DEFAULT_MARKER='<!-- decider-review -->'
readonly EXIT_BAD_INPUT=2

error() {
    echo "::error title=decider::$*" >&2
}

warning() {
    echo "::warning title=decider::$*" >&2
}

output() {
    # A step output (name=value), when running in GitHub Actions.
    if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
        printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
    fi
}

install() {
    local python="${PYTHON:-python3}"
    local spec="${INPUT_VERSION:-}"
    local venv="${DECIDER_VENV:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}/decider-venv}"
    local action_path="${GITHUB_ACTION_PATH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
    local -a pip_args=(--quiet --disable-pip-version-check)

    if [[ -z "$spec" ]]; then
        # This checkout of decider (the Action's own commit), with its pinned dependencies.
        pip_args+=(--constraint "$action_path/constraints.txt" "$action_path")
    elif [[ "$spec" =~ ^v?[0-9][0-9A-Za-z.+!-]*$ ]]; then
        pip_args+=("decider-aws==${spec#v}")
    else
        pip_args+=("$spec")
    fi

    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install "${pip_args[@]}"
    output decider "$venv/bin/decider"
    echo "decider installed in $venv (${spec:-$action_path})"
}

post_comment() {
    # Post the Markdown report as the pull request's comment, or update the comment that starts with the marker.
    local markdown=$1
    local pr="${PR_NUMBER:-}" repository="${GITHUB_REPOSITORY:-}" python="${PYTHON:-python3}"
    if [[ -z "$pr" ]]; then
        echo "decider: not a pull request, so no comment (the report is in $markdown)"
        return 0
    fi
    if [[ -z "$repository" ]]; then
        warning "GITHUB_REPOSITORY is not set: no comment posted"
        return 0
    fi
    if ! command -v gh >/dev/null 2>&1; then
        warning "the GitHub CLI (gh) is not installed on this runner: no comment posted (the report is in $markdown)"
        return 0
    fi

    local marker first_line
    first_line=$(head -n 1 "$markdown")
    if [[ "$first_line" =~ ^\<!--.*--\>$ ]]; then
        marker=$first_line
    else
        warning "the Markdown report does not start with a hidden marker: looking for '$DEFAULT_MARKER'"
        marker=$DEFAULT_MARKER
    fi

    local body
    body=$(mktemp)
    # A JSON body, {"body": <the report>}, so the report goes to the API byte for byte.
    "$python" -c 'import json, sys; json.dump({"body": open(sys.argv[1], encoding="utf-8").read()}, sys.stdout)' \
        "$markdown" >"$body"

    local ids existing=""
    # The marker goes into the jq filter as a JSON string literal.
    local marker_json
    marker_json=$("$python" -c 'import json, sys; print(json.dumps(sys.argv[1]))' "$marker")
    if ids=$(gh api --paginate "repos/$repository/issues/$pr/comments?per_page=100" \
        --jq ".[] | select(.body != null and (.body | startswith($marker_json))) | .id"); then
        existing=${ids%%$'\n'*}
    else
        warning "could not list the pull request's comments (a pull request from a fork gets a read-only token)"
        rm -f "$body"
        return 0
    fi

    if [[ -n "$existing" ]]; then
        if gh api --method PATCH "repos/$repository/issues/comments/$existing" --input "$body" --silent; then
            echo "decider: updated comment $existing on pull request #$pr"
        else
            warning "could not update comment $existing on pull request #$pr"
        fi
    elif gh api --method POST "repos/$repository/issues/$pr/comments" --input "$body" --silent; then
        echo "decider: commented on pull request #$pr"
    else
        warning "could not comment on pull request #$pr (a pull request from a fork gets a read-only token)"
    fi
    rm -f "$body"
}

review() {
    local decider="${DECIDER:-decider}"
    local fail_on="${INPUT_FAIL_ON:-move}"
    local log_format="${INPUT_FORMAT:-table}"
    local sarif="${INPUT_SARIF:-decider.sarif}"
    local markdown="${INPUT_MARKDOWN:-decider-review.md}"
    local comment="${INPUT_COMMENT:-true}"
    local usage="${INPUT_USAGE:-}"
    local -a paths=() rules=() args=()

    case "$fail_on" in
        consider | move | none) ;;
        *)
            error "fail-on is consider, move or none, not '$fail_on'"
            return "$EXIT_BAD_INPUT"
            ;;
    esac
    case "$log_format" in
        table | json | markdown | sarif) ;;
        *)
            error "format is table, json, markdown or sarif, not '$log_format'"
            return "$EXIT_BAD_INPUT"
            ;;
    esac
    case "$comment" in
        true | false) ;;
        *)
            error "comment is true or false, not '$comment'"
            return "$EXIT_BAD_INPUT"
            ;;
    esac
    # Paths and rule directories are split at spaces and new lines, with globbing off.
    set -f
    # shellcheck disable=SC2206 # word splitting is the point here
    paths=(${INPUT_PATHS:-.})
    # shellcheck disable=SC2206
    rules=(${INPUT_RULES:-})
    set +f
    if [[ ${#paths[@]} -eq 0 ]]; then
        paths=(.)
    fi

    local cdk_app="${INPUT_CDK_APP:-}"
    if [[ -n "$cdk_app" ]]; then
        # CDK apps are reviewed as the templates they synthesise: cdk.out holds one template per stack.
        local -a cdk=()
        set -f
        # shellcheck disable=SC2206 # the command and its arguments, e.g. "npx cdk"
        cdk=(${CDK:-npx cdk})
        set +f
        if ! (cd "$cdk_app" && "${cdk[@]}" synth --quiet --output cdk.out); then
            error "cdk synth failed in '$cdk_app': the CDK app must synthesise before it can be reviewed"
            output exit-code "$EXIT_BAD_INPUT"
            return "$EXIT_BAD_INPUT"
        fi
        paths+=("$cdk_app/cdk.out")
    fi

    args=(review "${paths[@]}")
    if [[ -n "$usage" ]]; then
        args+=(--usage "$usage")
    fi
    local rule_dir
    for rule_dir in ${rules[@]+"${rules[@]}"}; do
        args+=(--rules "$rule_dir")
    done

    # Without --fail-on, decider review exits 0 or 2 (bad input): the reports never fail on verdicts.
    local status=0
    mkdir -p "$(dirname "$sarif")" "$(dirname "$markdown")"
    "$decider" "${args[@]}" --format sarif >"$sarif" || status=$?
    if [[ $status -ne 0 ]]; then
        rm -f "$sarif"
        error "decider review could not run (exit $status): see the problems above"
        output exit-code "$status"
        return "$status"
    fi
    output sarif "$sarif"
    "$decider" "${args[@]}" --format markdown >"$markdown" || status=$?
    if [[ $status -ne 0 ]]; then
        rm -f "$markdown"
        error "decider review could not run (exit $status): see the problems above"
        output exit-code "$status"
        return "$status"
    fi
    output markdown "$markdown"
    if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
        cat "$markdown" >>"$GITHUB_STEP_SUMMARY"
    fi

    if [[ "$comment" == true ]]; then
        post_comment "$markdown"
    fi

    # The log, in the chosen format, and the gate: exit 1 when a verdict is fail-on or worse.
    local -a gate=()
    if [[ "$fail_on" != none ]]; then
        gate=(--fail-on "$fail_on")
    fi
    "$decider" "${args[@]}" --format "$log_format" ${gate[@]+"${gate[@]}"} || status=$?
    output exit-code "$status"
    return "$status"
}

main() {
    case "${1:-}" in
        install) install ;;
        review) review ;;
        *)
            echo "usage: $0 install|review (inputs as INPUT_* environment variables; see the top of this script)" >&2
            return "$EXIT_BAD_INPUT"
            ;;
    esac
}

main "$@"
