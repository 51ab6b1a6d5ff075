#!/usr/bin/env bash
# Regenerate the Terraform plan fixtures under testdata/.
#
#   testdata/gen.sh                 every fixture, then the derived files in testdata/bad/
#   testdata/gen.sh DIR...          only these fixture directories (e.g. testdata/plans/basic-vpc)
#   testdata/gen.sh bad             only the derived files in testdata/bad/
#
# A fixture directory is any directory under testdata/ that holds a *.tf file at its top level,
# except directories under a `modules/` folder (local modules), anything under testdata/bad/
# (bad inputs; hcl-dir/ there must stay without a plan), testdata/tf/ (tooling), and directories
# holding a file named `no-plan` (HCL-only inputs that must never get a plan.json). A fixture
# directory must have its own providers.tf (fake-credential provider block; see README.md). In each one this runs
#   terraform init; terraform plan -refresh=false -out=tfplan; terraform show -json tfplan > plan.json
# A fixture directory holding a file named `state-only` gets instead
#   terraform init; terraform show -json terraform.tfstate > state.json
# Afterwards .terraform/, .terraform.lock.hcl and tfplan are deleted.
#
# Needs: terraform 1.11.4 and the hashicorp/aws 5.100.0 provider in the filesystem mirror named in
# testdata/tf/cli.tfrc (/opt/tf-plugins), python3, iconv, unzip. No network and no AWS credentials:
# the fake credentials below are only there so that the provider configures itself.
#
# Idempotent: Terraform stamps every plan with a `timestamp` and writes `relevant_attributes` (and
# the entries of some merged `references` lists) in random order, so a freshly generated file
# replaces the committed one only when it differs in something else (see same_json below). Re-running on an unchanged tree leaves git clean.
set -euo pipefail

TD="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

export TF_CLI_CONFIG_FILE="$TD/tf/cli.tfrc"
export AWS_ACCESS_KEY_ID=AKIAFAKE
export AWS_SECRET_ACCESS_KEY=fake
export AWS_EC2_METADATA_DISABLED=true
export TF_IN_AUTOMATION=1
export CHECKPOINT_DISABLE=1
unset TF_LOG TF_WORKSPACE TF_DATA_DIR TF_CLI_ARGS TF_CLI_ARGS_plan TF_CLI_ARGS_init 2>/dev/null || true

log() { printf '%s\n' "$*" >&2; }

# On any exit (including a failed terraform command) leave no .terraform/, lock file or tfplan.
CURRENT=""
TMPDIRS=()
cleanup() {
  if [[ -n "$CURRENT" ]]; then clean_dir "$CURRENT"; rm -f "$CURRENT"/*.json.new; fi
  for t in "${TMPDIRS[@]}"; do rm -rf "$t"; done
}
trap cleanup EXIT

# same_json OLD NEW [events]: true when the two files hold the same Terraform output apart from the
# volatile parts (plan/state `timestamp`, order of `relevant_attributes` and of the entries of a
# configuration `references` list; for the `plan -json` event stream, `@timestamp` and line order).
same_json() {
  [[ -f "$1" ]] || return 1
  python3 - "$1" "$2" "${3:-}" <<'PY'
import json, sys
old, new, mode = sys.argv[1], sys.argv[2], sys.argv[3]
def norm(path):
    if mode == "events":
        lines = []
        for line in open(path, encoding="utf-8"):
            ev = json.loads(line)
            ev.pop("@timestamp", None)
            lines.append(json.dumps(ev, sort_keys=True))
        return sorted(lines)
    d = json.load(open(path, encoding="utf-8"))
    d.pop("timestamp", None)
    if isinstance(d.get("relevant_attributes"), list):
        d["relevant_attributes"].sort(key=lambda r: json.dumps(r, sort_keys=True))
    # The order inside a merged `references` list (e.g. two inline `route` blocks) varies
    # between runs too.
    def walk(x):
        if isinstance(x, dict):
            for k, v in x.items():
                if k == "references" and isinstance(v, list) and all(isinstance(i, str) for i in v):
                    v.sort()
                else:
                    walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
    walk(d.get("configuration"))
    return d
sys.exit(0 if norm(old) == norm(new) else 1)
PY
}

# install NEW DEST [mode]: move NEW over DEST unless they are the same output (then drop NEW).
install() {
  if same_json "$2" "$1" "${3:-}"; then
    rm -f "$1"
    log "  unchanged ${2#"$TD"/}"
  else
    mv -f "$1" "$2"
    log "  wrote     ${2#"$TD"/}"
  fi
}

clean_dir() { rm -rf "$1/.terraform" "$1/.terraform.lock.hcl" "$1/tfplan" "$1/.terraform.tfstate.lock.info"; }

tf_init() { terraform -chdir="$1" init -input=false -no-color >"$1/.terraform-init.log" 2>&1 || { cat "$1/.terraform-init.log" >&2; rm -f "$1/.terraform-init.log"; return 1; }; rm -f "$1/.terraform-init.log"; }

gen_fixture() {
  local dir="$1" out
  log "== ${dir#"$TD"/}"
  if [[ ! -f "$dir/providers.tf" ]]; then
    log "${dir#"$TD"/}: has *.tf files but no providers.tf; copy one from another fixture, or add a"
    log "  \`no-plan\` marker file if this directory is HCL-only and must not be planned"
    return 1
  fi
  clean_dir "$dir"
  CURRENT="$dir"
  tf_init "$dir"
  if [[ -f "$dir/state-only" ]]; then
    out="$dir/state.json"
    terraform -chdir="$dir" show -json -no-color terraform.tfstate >"$out.new"
  else
    out="$dir/plan.json"
    terraform -chdir="$dir" plan -input=false -no-color -refresh=false -lock=false -out=tfplan >/dev/null
    terraform -chdir="$dir" show -json -no-color tfplan >"$out.new"
  fi
  install "$out.new" "$out"
  clean_dir "$dir"
  CURRENT=""
}

# Derived bad inputs (see testdata/README.md). Hand-made ones (empty.json, not-terraform.json,
# hcl-dir/) are static and not touched here.
gen_bad() {
  local bad="$TD/bad" basic="$TD/plans/basic-vpc" empty="$TD/plans/empty-plan" tmp
  log "== bad/"
  mkdir -p "$bad"
  tmp="$(mktemp -d)"
  TMPDIRS+=("$tmp")

  # `terraform plan -json` (the UI event stream) of basic-vpc: a common user mistake.
  mkdir "$tmp/events"
  cp "$basic"/*.tf "$tmp/events/"
  tf_init "$tmp/events"
  terraform -chdir="$tmp/events" plan -json -input=false -no-color -refresh=false -lock=false -out=tfplan >"$tmp/events.json"
  install "$tmp/events.json" "$bad/plan-json-events.json" events

  # The binary saved plan (a zip) of empty-plan. Its members carry mtimes and the plan carries a
  # timestamp, so it is only rewritten when the configuration or lock file inside it changes.
  mkdir "$tmp/bin"
  cp "$empty"/*.tf "$tmp/bin/"
  tf_init "$tmp/bin"
  terraform -chdir="$tmp/bin" plan -input=false -no-color -refresh=false -lock=false -out=tfplan >/dev/null
  if [[ -f "$bad/binary-tfplan" ]] && diff -q <(unzip -l "$bad/binary-tfplan" | awk 'NR>3{print $1,$4}') <(unzip -l "$tmp/bin/tfplan" | awk 'NR>3{print $1,$4}') >/dev/null \
     && diff -q <(unzip -p "$bad/binary-tfplan" -x tfplan) <(unzip -p "$tmp/bin/tfplan" -x tfplan) >/dev/null; then
    log "  unchanged bad/binary-tfplan"
  else
    cp "$tmp/bin/tfplan" "$bad/binary-tfplan"
    log "  wrote     bad/binary-tfplan"
  fi

  # Deterministic transformations of basic-vpc/plan.json.
  local plan="$basic/plan.json" size
  size=$(wc -c <"$plan")
  head -c $((size / 2)) "$plan" >"$bad/truncated.json"
  { printf '\xef\xbb\xbf'; cat "$plan"; } >"$bad/utf8-bom.json"
  { printf '\xff\xfe'; iconv -f UTF-8 -t UTF-16LE "$plan"; } >"$bad/utf16le-bom.json"
  { printf '\xfe\xff'; iconv -f UTF-8 -t UTF-16BE "$plan"; } >"$bad/utf16be-bom.json"
  # Hand-edit, scripted: claim a future major format version; everything else is basic-vpc.
  sed '1s/^{"format_version":"1\.2"/{"format_version":"2.0"/' "$plan" >"$bad/format-v2.json"
  grep -q '^{"format_version":"2.0"' "$bad/format-v2.json" || { log "format-v2.json: substitution failed"; return 1; }
  log "  refreshed bad/truncated.json bad/utf8-bom.json bad/utf16le-bom.json bad/utf16be-bom.json bad/format-v2.json"
  rm -rf "$tmp"
}

find_fixtures() {
  find "$TD" -path "$TD/bad" -prune -o -path "$TD/tf" -prune -o -name .terraform -prune -o -name modules -prune -o \
    -type f -name '*.tf' -printf '%h\n' | sort -u |
    while IFS= read -r d; do [[ -f "$d/no-plan" ]] || printf '%s\n' "$d"; done
}

dirs=()
do_bad=0
if [[ $# -eq 0 ]]; then
  mapfile -t dirs < <(find_fixtures)
  do_bad=1
else
  for arg in "$@"; do
    if [[ "$arg" == bad || "$arg" == */bad || "$arg" == bad/ || "$arg" == */bad/ ]]; then
      do_bad=1
      continue
    fi
    if [[ -d "$arg" ]]; then d="$(cd "$arg" && pwd)"
    elif [[ -d "$TD/$arg" ]]; then d="$(cd "$TD/$arg" && pwd)"
    elif [[ -d "$TD/plans/$arg" ]]; then d="$(cd "$TD/plans/$arg" && pwd)"
    else log "no such fixture directory: $arg"; exit 2
    fi
    compgen -G "$d/*.tf" >/dev/null || { log "not a fixture directory (no *.tf): $arg"; exit 2; }
    dirs+=("$d")
  done
fi

for d in "${dirs[@]}"; do
  gen_fixture "$d"
done
if [[ $do_bad -eq 1 ]]; then
  gen_bad
fi
