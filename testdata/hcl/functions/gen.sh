#!/usr/bin/env bash
# Regenerates golden.json from cases.txt with Terraform itself, offline:
# each case is fed to `terraform console` (in an empty folder, no providers) as jsonencode(<expr>).
# golden.json maps each expression to {"json": "<jsonencode output>"}, {"sensitive": true}
# (the console hides sensitive results) or {"error": "<summary line of Terraform's error>"}.
# Usage: testdata/hcl/functions/gen.sh   (needs terraform >= 1.11 and python3)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export TF_CLI_CONFIG_FILE=/dev/null CHECKPOINT_DISABLE=1
terraform version -json | python3 -c 'import json,sys; print("terraform", json.load(sys.stdin)["terraform_version"])' >&2
: > "$work/results.tsv"
while IFS= read -r expr; do
  [[ -z "$expr" || "$expr" == \#* ]] && continue
  set +e
  out="$(cd "$work" && printf 'jsonencode(%s)\n' "$expr" | terraform console 2>"$work/err")"
  rc=$?
  set -e
  err="$(sed 's/\x1b\[[0-9;]*m//g' "$work/err" | grep -m1 -o 'Error: .*' || true)"
  printf '%s\t%s\t%s\t%s\n' "$expr" "$rc" "$(printf '%s' "$out" | base64 -w0)" "$err" >> "$work/results.tsv"
done < "$here/cases.txt"
python3 - "$work/results.tsv" "$here/golden.json" <<'PY'
import json, sys, base64, re
golden = {}
for line in open(sys.argv[1], encoding="utf-8"):
    expr, rc, out, err = line.rstrip("\n").split("\t")
    out = base64.b64decode(out).decode("utf-8").strip()
    if rc != "0":
        golden[expr] = {"error": re.sub(r"\x1b\[[0-9;]*m", "", err).removeprefix("Error: ")}
    elif out == "(sensitive value)":
        golden[expr] = {"sensitive": True}
    else:
        # The console prints the jsonencode string as an HCL quoted literal: JSON escapes plus
        # HCL's template escapes $${ and %%{.
        text = json.loads(out.replace("$${", "${").replace("%%{", "%{"))
        golden[expr] = {"json": text}
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump(golden, f, indent=1, ensure_ascii=False, sort_keys=True)
    f.write("\n")
PY
echo "wrote $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$here/golden.json") cases" >&2
