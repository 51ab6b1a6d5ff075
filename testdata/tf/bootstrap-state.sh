#!/usr/bin/env bash
# Rebuild a fixture's hand-written terraform.tfstate from its bootstrap configuration.
#
#   testdata/tf/bootstrap-state.sh update-real-ids
#
# testdata/tf/bootstrap/NAME/main.tf is the configuration "as it was applied" (version 1);
# overrides.py gives the ids and the values AWS would have returned for everything that is
# unknown at plan time. This plans main.tf from nothing, then mkstate.py turns the planned values
# plus the overrides into a version-4 state, written to testdata/plans/NAME/terraform.tfstate.
# Planning testdata/tf/bootstrap/NAME/main.tf against that state must show "No changes".
# Not run by gen.sh: the committed state is the fixture; this only documents how it was made.
set -euo pipefail
TD="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
name="${1:?usage: bootstrap-state.sh NAME}"
src="$TD/tf/bootstrap/$name"
export TF_CLI_CONFIG_FILE="$TD/tf/cli.tfrc" AWS_ACCESS_KEY_ID=AKIAFAKE AWS_SECRET_ACCESS_KEY=fake AWS_EC2_METADATA_DISABLED=true CHECKPOINT_DISABLE=1
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cp "$src/main.tf" "$TD/plans/$name/providers.tf" "$tmp/"
terraform -chdir="$tmp" init -input=false -no-color >/dev/null
terraform -chdir="$tmp" plan -input=false -no-color -refresh=false -out=tfplan >/dev/null
terraform -chdir="$tmp" show -json tfplan >"$tmp/plan.json"
terraform -chdir="$tmp" providers schema -json >"$tmp/schema.json"
python3 "$TD/tf/mkstate.py" "$tmp/plan.json" "$tmp/schema.json" "$src/overrides.py" >"$tmp/terraform.tfstate"
# Check: version 1 against the new state is a no-op.
rm -f "$tmp/tfplan"
terraform -chdir="$tmp" plan -input=false -no-color -refresh=false -lock=false -detailed-exitcode >/dev/null
cp "$tmp/terraform.tfstate" "$TD/plans/$name/terraform.tfstate"
echo "wrote testdata/plans/$name/terraform.tfstate" >&2
