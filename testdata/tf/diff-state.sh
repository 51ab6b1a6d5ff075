#!/usr/bin/env bash
# Make the prior state of a diff fixture: plan testdata/diff/CASE/before/*.tf (the configuration
# "as it was applied") from nothing and turn the planned values into testdata/diff/CASE/terraform.tfstate
# with autostate.py (made-up ids). Then `bash testdata/gen.sh testdata/diff/CASE` plans the
# fixture's own main.tf (the change) against that state.
#
#   testdata/tf/diff-state.sh sg-open-world
set -euo pipefail
TD="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
name="${1:?usage: diff-state.sh CASE}"
case="$TD/diff/$name"
[[ -d "$case" ]] || case="$TD/$name"
export TF_CLI_CONFIG_FILE="$TD/tf/cli.tfrc" AWS_ACCESS_KEY_ID=AKIAFAKE AWS_SECRET_ACCESS_KEY=fake AWS_EC2_METADATA_DISABLED=true CHECKPOINT_DISABLE=1
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cp "$case"/before.tf.txt "$tmp/main.tf"
cp "$case/providers.tf" "$tmp/"
terraform -chdir="$tmp" init -input=false -no-color >/dev/null
terraform -chdir="$tmp" plan -input=false -no-color -refresh=false -out=tfplan >/dev/null
terraform -chdir="$tmp" show -json tfplan >"$tmp/plan.json"
terraform -chdir="$tmp" providers schema -json >"$tmp/schema.json"
python3 "$TD/tf/autostate.py" "$tmp/plan.json" "$tmp/schema.json" >"$case/terraform.tfstate"
echo "wrote ${case#"$TD"/}/terraform.tfstate" >&2
