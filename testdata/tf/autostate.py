"""Build a terraform.tfstate (v4) from a create-only plan without hand-given ids: every value
unknown at plan time gets a made-up one — an id from the address (`vpc-` + hash; a VPC's default
route table, ACL and group too; other computed ids stay ""), a reference
(`vpc_id = aws_vpc.main.id`) the referenced resource's made-up value, a private IP the next host
of its subnet, anything else an empty value of its schema type. Good enough for small fixtures
whose prior state only has to plan (testdata/diff/*; see testdata/tf/diff-state.sh).
Usage: autostate.py plan.json schema.json > terraform.tfstate"""
import hashlib, ipaddress, json, sys

plan = json.load(open(sys.argv[1]))
schema = json.load(open(sys.argv[2]))
rschemas = schema["provider_schemas"]["registry.terraform.io/hashicorp/aws"]["resource_schemas"]
PREFIX = {"aws_vpc": "vpc", "aws_subnet": "subnet", "aws_internet_gateway": "igw", "aws_route_table": "rtb",
          "aws_route": "r", "aws_route_table_association": "rtbassoc", "aws_security_group": "sg",
          "aws_vpc_security_group_ingress_rule": "sgr", "aws_vpc_security_group_egress_rule": "sgr",
          "aws_security_group_rule": "sgrule", "aws_nat_gateway": "nat", "aws_eip": "eipalloc",
          "aws_vpc_peering_connection": "pcx", "aws_network_acl": "acl", "aws_network_acl_rule": "nacl",
          "aws_network_acl_association": "aclassoc", "aws_instance": "i", "aws_network_interface": "eni"}
config = {r["address"]: r.get("expressions", {}) for r in plan["configuration"]["root_module"].get("resources", [])}
changes = [rc for rc in plan["resource_changes"] if rc["mode"] == "managed"]
after = {rc["address"]: dict(rc["change"]["after"]) for rc in changes}
ids = {a: PREFIX.get(a.split(".")[0], "id") + "-0" + hashlib.sha1(a.encode()).hexdigest()[:16] for a in after}
hosts = {}

def empty(t):
    if t == "string": return ""
    if t == "number": return 0
    if t == "bool": return False
    if isinstance(t, list) and t[0] in ("list", "set"): return []
    if isinstance(t, list) and t[0] == "map": return {}
    return None

def ip_in(subnet_addr):
    cidr = after[subnet_addr]["cidr_block"]
    n = hosts.get(subnet_addr, 9) + 1
    hosts[subnet_addr] = n
    return str(ipaddress.ip_network(cidr)[n])

def value(addr, typ, key):
    refs = config.get(addr, {}).get(key, {}).get("references", []) if isinstance(config.get(addr, {}).get(key), dict) else []
    for ref in refs:
        parts = ref.split(".")
        target, attr = ".".join(parts[:2]), (parts[2] if len(parts) > 2 else "id")
        if target in after:
            v = after[target].get(attr) if attr != "id" else ids[target]
            v = v if v is not None else ids[target]
            t = rschemas[typ]["block"].get("attributes", {}).get(key, {}).get("type")
            return [v] if isinstance(t, list) and t[0] in ("list", "set") and not isinstance(v, list) else v
    if key == "id": return ids[addr]
    if key == "arn": return f"arn:aws:ec2:us-east-1:123456789012:{typ}/{ids[addr]}"
    if key == "owner_id": return "123456789012"
    if key in ("private_ip", "private_ips") and "subnet_id" in after[addr]:
        subnet = next((s for s, i in ids.items() if i == after[addr]["subnet_id"]), None)
        if subnet:
            ip = ip_in(subnet)
            return ip if key == "private_ip" else [ip]
    if key == "associate_public_ip_address" and "subnet_id" in after[addr]:
        subnet = next((s for s, i in ids.items() if i == after[addr]["subnet_id"]), None)
        return bool(subnet and after[subnet].get("map_public_ip_on_launch"))
    if key in ("public_ip",): return "198.51.100." + str(int(hashlib.sha1(addr.encode()).hexdigest()[:2], 16) % 250 + 1)
    # A VPC's default route table, ACL and group exist; other computed ids are unset ("").
    if typ == "aws_vpc" and key.endswith("_id") and key != "ipv6_association_id": return ids[addr] + "-" + key[:-3].replace("_", "")
    if key == "availability_zone": return "us-east-1a"
    if key == "state": return "active"
    if key == "origin": return "CreateRoute"
    attrs = rschemas[typ]["block"].get("attributes", {})
    if key in attrs: return empty(attrs[key]["type"])
    return []

# Two passes: references to attributes filled in the first pass resolve in the second.
for _ in range(3):
    for rc in changes:
        a, t = rc["address"], rc["type"]
        for k, u in rc["change"]["after_unknown"].items():
            if u is True:
                after[a][k] = value(a, t, k)

res = []
for rc in changes:
    a, t = rc["address"], rc["type"]
    attrs = rschemas[t]["block"].get("attributes", {})
    blocks = rschemas[t]["block"].get("block_types", {})
    v = after[a]
    for k in list(attrs) + list(blocks):
        v.setdefault(k, None)
    for k in list(v):
        if k not in attrs and k not in blocks:
            del v[k]
    res.append({"mode": "managed", "type": t, "name": rc["name"],
                "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
                "instances": [{"schema_version": rschemas[t]["version"], "attributes": v, "sensitive_attributes": []}]})
json.dump({"version": 4, "terraform_version": "1.11.4", "serial": 3, "lineage": "6d0c7c1e-1f0a-4c39-9a51-2f6c0d1e7a10",
           "outputs": {}, "resources": res, "check_results": None}, sys.stdout, indent=2)
sys.stdout.write("\n")
