# An explicit TGW blackhole route is deliberate; a literal NAT id in an existing VPC is external.
variable "vpc_id" {
  type    = string
  default = "vpc-0123456789abcdef0"
}

resource "aws_route_table" "shared" {
  vpc_id = var.vpc_id
}

resource "aws_route" "shared_default" {
  route_table_id         = aws_route_table.shared.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = "nat-0123456789abcdef0"
}

resource "aws_ec2_transit_gateway" "hub" {}

resource "aws_ec2_transit_gateway_route" "drop_rfc1918" {
  destination_cidr_block         = "10.0.0.0/8"
  blackhole                      = true
  transit_gateway_route_table_id = aws_ec2_transit_gateway.hub.association_default_route_table_id
}
