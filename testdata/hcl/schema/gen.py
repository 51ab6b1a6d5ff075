#!/usr/bin/env python3
"""Writes src/ingest/hcl/schema.json: what an AWS resource's attributes are in a create plan when
the configuration does not set them, for the attribute names src/catalog.rs mentions.

  "u"                      computed: unknown until apply
  {"d": value}             a provider default (observed in the committed testdata plans)
  {"b": "list"|"set"|"single", "in": {...}}   a nested block (unset: [] or null); inner specs
  {"o": {attr: zero}}      an attribute written as blocks (route, ingress): unset inner
                           attributes become the zero value of their type, as the SDK does
  (absent)                 null

Inputs: the provider schema (`terraform providers schema -json` of hashicorp/aws 5.100.0 from the
filesystem mirror: run with SCHEMA=path, default /tmp/hclschema/schema.json) and every
testdata/**/plan.json (defaults). Usage: python3 testdata/hcl/schema/gen.py
"""
import glob, json, os, re, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
schema = json.load(open(os.environ.get("SCHEMA", "/tmp/hclschema/schema.json")))
prov = schema["provider_schemas"]["registry.terraform.io/hashicorp/aws"]
catalog = open(os.path.join(ROOT, "src/catalog.rs")).read()
names = set(re.findall(r'"([a-z0-9_]+)"', catalog))
types = {t for t in names if t.startswith("aws_")}

def zero(ty):
    if ty == "string": return ""
    if ty == "bool": return False
    if ty == "number": return 0
    if isinstance(ty, list) and ty[0] in ("list", "set"): return []
    return None

def spec_block(block, inner=False):
    out = {}
    for a, s in block.get("attributes", {}).items():
        if not inner and a not in names: continue
        ty = s.get("type")
        if isinstance(ty, list) and ty[0] in ("list", "set") and isinstance(ty[1], list) and ty[1][0] == "object":
            o = {k: zero(v) for k, v in ty[1][1].items()}
            out[a] = "u" if s.get("computed") else {"o": o, "n": 1}
            out[a] = {"o": o, "u": bool(s.get("computed"))}
        elif s.get("computed"):
            out[a] = "u"
    for b, s in block.get("block_types", {}).items():
        if not inner and b not in names: continue
        out[b] = {"b": "single" if s["nesting_mode"] in ("single", "group") else s["nesting_mode"],
                  "in": spec_block(s["block"], True)}
    return out

out = {"resource": {}, "data": {}}
for kind, key in (("resource", "resource_schemas"), ("data", "data_source_schemas")):
    for t, s in prov[key].items():
        if t not in types and not (kind == "resource"):
            continue
        sp = spec_block(s["block"])
        if sp: out[kind][t] = sp

# Defaults observed in plans: attribute not in the configuration, known non-null after create.
obs = {}
def walk_cfg(mod, prefix, acc):
    for r in mod.get("resources", []):
        acc[(prefix, r["address"])] = r.get("expressions", {})
    for name, c in mod.get("module_calls", {}).items():
        walk_cfg(c.get("module", {}), prefix + "module." + name + ".", acc)

for p in sorted(glob.glob(os.path.join(ROOT, "testdata/**/plan.json"), recursive=True)):
    try: plan = json.load(open(p))
    except Exception: continue
    cfg = {}
    walk_cfg(plan.get("configuration", {}).get("root_module", {}), "", cfg)
    for rc in plan.get("resource_changes", []):
        if rc.get("mode") != "managed" or rc["change"]["actions"] != ["create"]: continue
        mod = rc.get("module_address", "")
        mod = re.sub(r'\[[^\]]*\]', '', mod)
        prefix = mod + "." if mod else ""
        ex = cfg.get((prefix, rc["type"] + "." + rc["name"]))
        if ex is None: continue
        after = rc["change"].get("after") or {}
        unk = rc["change"].get("after_unknown") or {}
        sp = out["resource"].get(rc["type"], {})
        for a, v in after.items():
            if a not in names or a in ex or unk.get(a) is True or v is None: continue
            if isinstance(sp.get(a), dict) and "b" in sp[a]: continue
            if isinstance(v, (list, dict)) and not v: continue
            obs.setdefault((rc["type"], a), []).append(v)
        # inner defaults of written nested blocks
        for a, bl in ex.items():
            s = sp.get(a)
            if not (isinstance(s, dict) and "b" in s and isinstance(bl, list)): continue
            vals = after.get(a)
            if not isinstance(vals, list) or len(vals) != len(bl): continue
            for e, v in zip(bl, vals):
                if not isinstance(v, dict): continue
                for ia, iv in v.items():
                    if ia in e or iv is None or s["in"].get(ia) == "u": continue
                    if isinstance(iv, (list, dict)) and not iv: continue
                    obs.setdefault((rc["type"], a + "." + ia), []).append(iv)

for (t, a), vs in sorted(obs.items()):
    if all(json.dumps(v, sort_keys=True) == json.dumps(vs[0], sort_keys=True) for v in vs):
        sp = out["resource"].setdefault(t, {})
        if "." in a:
            b, ia = a.split(".", 1)
            sp[b]["in"][ia] = {"d": vs[0]}
        elif sp.get(a) != "u":
            sp[a] = {"d": vs[0]}

# only types the catalog names, or any aws type's network-hint attributes (computed ones)
res = {}
for t, sp in out["resource"].items():
    if t in types: res[t] = sp
out["resource"] = res
# every resource type's attribute names: computed ones (unknown until apply when unset), others
out["attrs"] = {t: [sorted(a for a, x in v["block"]["attributes"].items() if x.get("computed")),
                    sorted([a for a, x in v["block"]["attributes"].items() if not x.get("computed")] + list(v["block"].get("block_types", {})))]
                for t, v in prov["resource_schemas"].items()}
# set-of-primitive attributes (top level and `block.attr` inside blocks of attributes as blocks and
# nested blocks): a set with an unknown element is wholly unknown in a plan
def sets_of(block, prefix=""):
    found = []
    for a, x in block.get("attributes", {}).items():
        ty = x.get("type")
        # sets of primitives only: a plan keeps sets of objects element-wise (`route`)
        if isinstance(ty, list) and ty[0] == "set" and isinstance(ty[1], str):
            found.append(prefix + a)
        if isinstance(ty, list) and ty[0] == "set":
            if not prefix and isinstance(ty[1], list) and ty[1][0] == "object":
                found.extend(a + "." + k for k, v in ty[1][1].items() if isinstance(v, list) and v[0] == "set" and isinstance(v[1], str))
    if not prefix:
        for b, bs in block.get("block_types", {}).items():
            found.extend(sets_of(bs["block"], b + "."))
    return found
out["sets"] = {t: sorted(f) for t, v in prov["resource_schemas"].items() if t in types and (f := sets_of(v["block"]))}
json.dump(out, open(os.path.join(ROOT, "src/ingest/hcl/schema.json"), "w"), sort_keys=True, separators=(",", ":"))
print(len(out["resource"]), "resource types,", len(out["data"]), "data sources,", len(obs), "defaults observed", file=sys.stderr)
