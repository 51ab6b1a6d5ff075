#!/usr/bin/env bash
# Tries the CI recipes of docs/ci-integration.md as far as an offline machine allows (see its
# last section). Not part of .ci/run: it needs terraform and the provider mirror of
# testdata/gen.sh, and a Python with PyYAML, check-jsonschema and pre-commit:
#
#   python3 -m venv /tmp/civenv && /tmp/civenv/bin/pip install pre-commit check-jsonschema
#   PYTHON=/tmp/civenv/bin/python .ci/try-recipes.sh
#
# In a scratch git repository with testdata/plans/basic-vpc as infra/, it plans, then runs each
# recipe's shell steps (their tfvpc commands with the tfvpc built here), validates the YAML of
# every recipe, the GitHub workflow and GitLab job against their schemas, the SARIF against
# SARIF 2.1.0 (../shared/schemas), and runs the pre-commit hooks.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
PYTHON="${PYTHON:-python3}"
BIN="$(dirname "$PYTHON")"

cargo build --quiet
export PATH="$ROOT/target/debug:$BIN:$PATH"
export TF_CLI_CONFIG_FILE="$ROOT/testdata/tf/cli.tfrc" AWS_ACCESS_KEY_ID=AKIAFAKE AWS_SECRET_ACCESS_KEY=fake
export AWS_EC2_METADATA_DISABLED=true TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/repo/infra" "$WORK/blocks"
cp testdata/plans/basic-vpc/*.tf "$WORK/repo/infra/"
git -C "$WORK/repo" init -q
git -C "$WORK/repo" -c user.email=t@example.com -c user.name=t commit -q --allow-empty -m init

# The ```yaml blocks of the doc, in order, as files; each must parse.
"$PYTHON" - "$ROOT/docs/ci-integration.md" "$WORK/blocks" <<'PY'
import sys, yaml
doc, out = open(sys.argv[1]).read(), sys.argv[2]
blocks = [b.split("\n```", 1)[0] for b in doc.split("```yaml\n")[1:]]
for i, b in enumerate(blocks):
    yaml.safe_load(b)
    open(f"{out}/{i}.yaml", "w").write(b)
print(f"{len(blocks)} YAML blocks parse")
PY
check-jsonschema --builtin-schema vendor.github-workflows "$WORK/blocks/0.yaml"
check-jsonschema --builtin-schema vendor.gitlab-ci "$WORK/blocks/1.yaml"

cd "$WORK/repo/infra"
terraform init -input=false -no-color >/dev/null
terraform plan -input=false -lock=false -out=tfplan -no-color >/dev/null
terraform show -json tfplan > plan.json

echo "== GitHub Actions: the run steps with tfvpc"
"$PYTHON" - "$WORK/blocks/0.yaml" > "$WORK/github.sh" <<'PY'
import sys, yaml
for step in yaml.safe_load(open(sys.argv[1]))["jobs"]["tfvpc"]["steps"]:
    if "tfvpc lint" in step.get("run", ""):
        print(step["run"] + " || test $? -eq 1")
PY
cat "$WORK/github.sh"
bash -e "$WORK/github.sh"
for schema in "$ROOT/../shared/schemas/sarif-schema-2.1.0.json" "$ROOT/../../shared/schemas/sarif-schema-2.1.0.json"; do
  if [[ -f "$schema" ]]; then check-jsonschema --schemafile "$schema" tfvpc.sarif; break; fi
done
test -s tfvpc.md

echo "== GitLab CI: the script's tfvpc lines"
"$PYTHON" - "$WORK/blocks/1.yaml" > "$WORK/gitlab.sh" <<'PY'
import sys, yaml
for line in yaml.safe_load(open(sys.argv[1]))["tfvpc"]["script"]:
    if line.startswith("tfvpc"):
        print(line + " || test $? -eq 1")
PY
cat "$WORK/gitlab.sh"
bash -e "$WORK/gitlab.sh"
"$PYTHON" - <<'PY'
import json
issues = json.load(open("gl-code-quality-report.json"))
assert issues and len({i["fingerprint"] for i in issues}) == len(issues)
for i in issues:
    assert i["description"] and i["check_name"] and i["severity"] in ("info", "minor", "major", "critical", "blocker")
    assert i["location"]["path"].startswith("infra/") and i["location"]["lines"]["begin"] >= 1
print(f"gitlab: {len(issues)} issues with the required fields, paths relative to the repository")
PY

echo "== Atlantis: the run steps, with PLANFILE and DIR as Atlantis sets them"
for block in 4 5; do
  "$PYTHON" - "$WORK/blocks/$block.yaml" > "$WORK/atlantis.sh" <<'PY'
import sys, yaml
for step in yaml.safe_load(open(sys.argv[1]))["workflows"]["tfvpc"]["plan"]["steps"]:
    if isinstance(step, dict) and "run" in step:
        print(step["run"] + " || test $? -eq 1")
PY
  cat "$WORK/atlantis.sh"
  PLANFILE="$PWD/tfplan" DIR="$PWD" bash -e "$WORK/atlantis.sh"
done

echo "== pre-commit: the repository's hook, then the local hook"
cd "$WORK/repo"
git add infra/*.tf infra/plan.json
# try-repo clones the committed state of this repository (commit .pre-commit-hooks.yaml first).
# A hook with findings "fails" (exit 1): check that tfvpc ran and reported them.
out="$(pre-commit try-repo "$ROOT" tfvpc --files infra/plan.json --verbose 2>&1 || true)"
echo "$out"
grep -q -- "- hook id: tfvpc" <<<"$out"
grep -q "3 findings" <<<"$out"
cp "$WORK/blocks/3.yaml" .pre-commit-config.yaml
git add .pre-commit-config.yaml
out="$(pre-commit run tfvpc-plan --files infra/main.tf --verbose 2>&1 || true)"
echo "$out"
grep -q -- "- hook id: tfvpc-plan" <<<"$out"
grep -q "3 findings" <<<"$out"
echo "all recipes tried"
