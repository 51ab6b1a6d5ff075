ACCOUNT = "123456789012"
VPC = "vpc-0a1b2c3d4e5f60001"
IGW = "igw-0a1b2c3d4e5f60001"
SUB = {"public[0]": "subnet-0a1b2c3d4e5f60011", "public[1]": "subnet-0a1b2c3d4e5f60012",
       "private[0]": "subnet-0a1b2c3d4e5f60021", "private[1]": "subnet-0a1b2c3d4e5f60022"}
RTB = {"public": "rtb-0a1b2c3d4e5f60001", "private": "rtb-0a1b2c3d4e5f60002",
       "batch": "rtb-0a1b2c3d4e5f60003", "shared": "rtb-0a1b2c3d4e5f60004"}
NAT_A, NAT_B = "nat-0a1b2c3d4e5f60001", "nat-0a1b2c3d4e5f60002"
EIP_A, EIP_B = "eipalloc-0a1b2c3d4e5f60001", "eipalloc-0a1b2c3d4e5f60002"
SG = "sg-0a1b2c3d4e5f60001"

IDS = {"aws_vpc.main": VPC, "aws_internet_gateway.main": IGW,
       "aws_nat_gateway.a": NAT_A, "aws_nat_gateway.b": NAT_B,
       "aws_eip.a": EIP_A, "aws_eip.b": EIP_B, "aws_security_group.app": SG,
       "aws_route.shared_default": "r-rtb-0a1b2c3d4e5f600041080289494"}
for k, v in SUB.items():
    IDS[f"aws_subnet.{k}"] = v
for k, v in RTB.items():
    IDS[f"aws_route_table.{k}"] = v
for i in range(2):
    IDS[f"aws_route_table_association.public[{i}]"] = f"rtbassoc-0a1b2c3d4e5f6001{i}"
    IDS[f"aws_route_table_association.private[{i}]"] = f"rtbassoc-0a1b2c3d4e5f6002{i}"

AZID = {"us-east-1a": "use1-az4", "us-east-1b": "use1-az6"}

def route(**kw):
    r = {k: "" for k in ["carrier_gateway_id", "cidr_block", "core_network_arn", "destination_prefix_list_id",
                         "egress_only_gateway_id", "gateway_id", "ipv6_cidr_block", "local_gateway_id",
                         "nat_gateway_id", "network_interface_id", "transit_gateway_id", "vpc_endpoint_id",
                         "vpc_peering_connection_id"]}
    r.update(kw)
    return r

OVERRIDES = {
    "aws_vpc.main": {"default_network_acl_id": "acl-0a1b2c3d4e5f60001", "default_route_table_id": "rtb-0a1b2c3d4e5f60000",
                     "main_route_table_id": "rtb-0a1b2c3d4e5f60000", "default_security_group_id": "sg-0a1b2c3d4e5f60000",
                     "dhcp_options_id": "dopt-0a1b2c3d4e5f60001", "enable_network_address_usage_metrics": False,
                     "ipv6_association_id": "", "ipv6_cidr_block": "", "ipv6_cidr_block_network_border_group": ""},
    "aws_internet_gateway.main": {"vpc_id": VPC, "__deps__": ["aws_vpc.main"]},
    "aws_security_group.app": {"vpc_id": VPC, "__deps__": ["aws_vpc.main"]},
    "aws_route_table.public": {"vpc_id": VPC, "route[0].gateway_id": IGW,
                               "__deps__": ["aws_internet_gateway.main", "aws_vpc.main"]},
    "aws_route_table.private": {"vpc_id": VPC, "route[0].nat_gateway_id": NAT_A,
                                "__deps__": ["aws_eip.a", "aws_internet_gateway.main", "aws_nat_gateway.a", "aws_subnet.public", "aws_vpc.main"]},
    "aws_route_table.batch": {"vpc_id": VPC, "route[0].nat_gateway_id": NAT_B,
                              "__deps__": ["aws_eip.b", "aws_internet_gateway.main", "aws_nat_gateway.b", "aws_subnet.public", "aws_vpc.main"]},
    "aws_route_table.shared": {"vpc_id": VPC, "route": [route(cidr_block="0.0.0.0/0", gateway_id=IGW)],
                               "__deps__": ["aws_vpc.main"]},
    "aws_route.shared_default": {"route_table_id": RTB["shared"], "gateway_id": IGW, "network_interface_id": "",
                                 "instance_id": "", "__deps__": ["aws_internet_gateway.main", "aws_route_table.shared", "aws_vpc.main"]},
}
for i, az in enumerate(["us-east-1a", "us-east-1b"]):
    for tier in ("public", "private"):
        OVERRIDES[f"aws_subnet.{tier}[{i}]"] = {"vpc_id": VPC, "availability_zone_id": AZID[az],
            "ipv6_cidr_block_association_id": "", "private_dns_hostname_type_on_launch": "ip-name",
            "__deps__": ["aws_vpc.main"]}
        OVERRIDES[f"aws_route_table_association.{tier}[{i}]"] = {"subnet_id": SUB[f"{tier}[{i}]"],
            "route_table_id": RTB[tier], "__deps__": [f"aws_route_table.{tier}", f"aws_subnet.{tier}", "aws_vpc.main"] + (["aws_eip.a", "aws_internet_gateway.main", "aws_nat_gateway.a"] if tier == "private" else ["aws_internet_gateway.main"])}

for n, alloc, ip, pip, sub, eni in (("a", EIP_A, "3.210.11.21", "10.80.0.27", "public[0]", "eni-0a1b2c3d4e5f60101"),
                                    ("b", EIP_B, "3.210.11.22", "10.80.1.142", "public[1]", "eni-0a1b2c3d4e5f60102")):
    OVERRIDES[f"aws_eip.{n}"] = {"association_id": f"eipassoc-0a1b2c3d4e5f6000{ 1 if n=='a' else 2}", "carrier_ip": "",
        "customer_owned_ip": "", "instance": "", "ipam_pool_id": None, "network_border_group": "us-east-1",
        "network_interface": eni, "private_dns": f"ip-{pip.replace('.', '-')}.ec2.internal", "private_ip": pip,
        "ptr_record": "", "public_dns": f"ec2-{ip.replace('.', '-')}.compute-1.amazonaws.com", "public_ip": ip,
        "public_ipv4_pool": "amazon", "vpc": True}
    OVERRIDES[f"aws_nat_gateway.{n}"] = {"allocation_id": alloc, "association_id": OVERRIDES[f"aws_eip.{n}"]["association_id"],
        "network_interface_id": eni, "private_ip": pip, "public_ip": ip, "secondary_private_ip_address_count": 0,
        "secondary_private_ip_addresses": [], "subnet_id": SUB[sub],
        "__deps__": [f"aws_eip.{n}", "aws_subnet.public", "aws_vpc.main"]}
