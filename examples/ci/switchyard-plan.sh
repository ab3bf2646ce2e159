#!/usr/bin/env bash
# The pull-request side of GitOps with Switchyard: validate the manifests, plan them offline against
# the live state (a state file the main branch's job published, or the controller with a read token),
# and post the markdown plan as one comment on the pull request, updated on each push, never repeated.
# Called by the GitHub and GitLab examples next to it; any CI can call it.
#
# Environment:
#   MANIFESTS          the manifest directory (default: manifests)
#   SWITCHYARD         the switchyard binary (default: switchyard on PATH)
#   SWITCHYARD_STATE   a file from `switchyard state export`; or, without it,
#   SWITCHYARD_SERVER  the controller's admin API, with SWITCHYARD_TOKEN a token that may read it
#   PLAN_COMMENT       github, gitlab or none (default none: print the plan only); see upsert-comment.py
#                      for what each needs
# Exit: 0 the plan was made (changes or not) and posted; 1 invalid manifests, no live state, or the
# comment could not be posted.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
manifests="${MANIFESTS:-manifests}"
switchyard="${SWITCHYARD:-switchyard}"

if ! "$switchyard" validate "$manifests" > validate.txt; then
    cat validate.txt
    body=$'**Switchyard:** the manifests do not validate.\n\n```\n'"$(cat validate.txt)"$'\n```\n'
    printf '%s' "$body" | python3 "$here/upsert-comment.py" "${PLAN_COMMENT:-none}"
    exit 1
fi
if [ -n "${SWITCHYARD_STATE:-}" ]; then
    live=(--state "$SWITCHYARD_STATE")
elif [ -n "${SWITCHYARD_SERVER:-}" ]; then
    live=(--server "$SWITCHYARD_SERVER")
else
    echo "switchyard-plan: set SWITCHYARD_STATE (a state file) or SWITCHYARD_SERVER and SWITCHYARD_TOKEN" >&2
    exit 1
fi
status=0
"$switchyard" reconcile --manifests "$manifests" --dry-run --detailed-exitcode --output markdown "${live[@]}" > plan.md || status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 2 ]; then
    echo "switchyard-plan: no plan (exit $status)" >&2
    exit 1
fi
cat plan.md
python3 "$here/upsert-comment.py" "${PLAN_COMMENT:-none}" < plan.md
