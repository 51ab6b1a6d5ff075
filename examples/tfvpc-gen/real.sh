#!/usr/bin/env bash
# Real Terraform plans of rich generated estates: the benchmark inputs of docs/performance.md
# ("Real plans").
#
#   examples/tfvpc-gen/real.sh OUT [VPCS...]      default VPCS: 10 50 200
#
# For each N this writes OUT/real-N/ with `tfvpc-gen --rich --vpcs N --subnets-per-vpc 12
# --services-per-vpc 3 --seed 1` (HCL and a small terraform.tfstate: some resources already
# exist), then runs Terraform on it offline, as testdata/gen.sh makes the fixtures:
#   terraform init; terraform plan -refresh=false -out=tfplan; terraform show -json tfplan > plan.json
# A plan.json newer than the generator's output is kept (Terraform takes minutes at 200 VPCs).
# Needs terraform 1.11.4 and the hashicorp/aws 5.100.0 mirror of testdata/tf/cli.tfrc; without
# terraform it says so and exits 3 (the benchmarks then skip the real plans).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${1:?usage: real.sh OUT [VPCS...]}"
shift
SIZES=("$@")
[[ ${#SIZES[@]} -gt 0 ]] || SIZES=(10 50 200)

if ! command -v terraform >/dev/null 2>&1; then
  echo "real.sh: terraform is not installed; no real plans generated" >&2
  exit 3
fi

export TF_CLI_CONFIG_FILE="$ROOT/testdata/tf/cli.tfrc"
export AWS_ACCESS_KEY_ID=AKIAFAKE
export AWS_SECRET_ACCESS_KEY=fake
export AWS_EC2_METADATA_DISABLED=true
export TF_IN_AUTOMATION=1
export CHECKPOINT_DISABLE=1
unset TF_LOG TF_WORKSPACE TF_DATA_DIR TF_CLI_ARGS TF_CLI_ARGS_plan TF_CLI_ARGS_init 2>/dev/null || true

GEN="${TFVPC_GEN:-}"
if [[ -z "$GEN" ]]; then
  cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml" --example tfvpc-gen
  GEN="${CARGO_TARGET_DIR:-$ROOT/target}/release/examples/tfvpc-gen"
fi

mkdir -p "$OUT"
for n in "${SIZES[@]}"; do
  dir="$OUT/real-$n"
  tmp="$dir.new"
  rm -rf "$tmp"
  "$GEN" --rich --vpcs "$n" --subnets-per-vpc 12 --services-per-vpc 3 --seed 1 --out "$tmp"
  # Same configuration and state as the last run: keep its plan.
  if [[ -f "$dir/plan.json" ]] && diff -qr -x plan.json -x .terraform -x .terraform.lock.hcl -x tfplan "$dir" "$tmp" >/dev/null 2>&1; then
    echo "real-$n: unchanged, plan.json kept" >&2
    rm -rf "$tmp"
    continue
  fi
  start=$(date +%s)
  terraform -chdir="$tmp" init -input=false -no-color >"$tmp/.init.log" 2>&1 || { cat "$tmp/.init.log" >&2; exit 1; }
  terraform -chdir="$tmp" plan -input=false -no-color -refresh=false -lock=false -parallelism=4 -out=tfplan >"$tmp/.plan.log" 2>&1 \
    || { tail -40 "$tmp/.plan.log" >&2; exit 1; }
  terraform -chdir="$tmp" show -json -no-color tfplan >"$tmp/plan.json"
  rm -rf "$tmp/.terraform" "$tmp/.terraform.lock.hcl" "$tmp/tfplan" "$tmp/.init.log" "$tmp/.plan.log"
  rm -rf "$dir"
  mv "$tmp" "$dir"
  echo "real-$n: plan.json $(wc -c <"$dir/plan.json") bytes in $(( $(date +%s) - start )) s" >&2
done
