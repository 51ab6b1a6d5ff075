ACCOUNT = "123456789012"
VPC = "vpc-0b1c2d3e4f5a60001"
IDS = {"aws_vpc.main": VPC, "aws_subnet.a": "subnet-0b1c2d3e4f5a60011", "aws_subnet.legacy": "subnet-0b1c2d3e4f5a60012"}
OVERRIDES = {
    "aws_vpc.main": {"default_network_acl_id": "acl-0b1c2d3e4f5a60001", "default_route_table_id": "rtb-0b1c2d3e4f5a60000",
                     "main_route_table_id": "rtb-0b1c2d3e4f5a60000", "default_security_group_id": "sg-0b1c2d3e4f5a60000",
                     "dhcp_options_id": "dopt-0b1c2d3e4f5a60001", "enable_network_address_usage_metrics": False, "tags_all": {}, "instance_tenancy": "default",
                     "enable_dns_hostnames": False, "enable_dns_support": True,
                     "ipv6_association_id": "", "ipv6_cidr_block": "", "ipv6_cidr_block_network_border_group": ""},
}
for name in ("a", "legacy"):
    OVERRIDES[f"aws_subnet.{name}"] = {"vpc_id": VPC, "availability_zone": "us-east-1a", "availability_zone_id": "use1-az4",
        "ipv6_cidr_block_association_id": "", "tags_all": {}, "ipv6_cidr_block": "", "private_dns_hostname_type_on_launch": "ip-name",
        "__deps__": ["aws_vpc.main"]}
