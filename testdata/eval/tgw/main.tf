# SEMANTICS §7, §3.3: transit gateway association vs propagation, and the AZ rule.
# Default association and propagation are off. a, b and c are associated with the spokes table;
# only a and b propagate into it. c is in the table but nothing routes to it (tgw: no route).
# b's attachment has a subnet in us-east-1a only: traffic from b's us-east-1b subnet cannot
# reach the transit gateway (TGW_ROUTE_AZ_RESTRICTION).
locals {
  vpcs = {
    a = "10.10.0.0/16"
    b = "10.11.0.0/16"
    c = "10.12.0.0/16"
  }
}

resource "aws_ec2_transit_gateway" "hub" {
  default_route_table_association = "disable"
  default_route_table_propagation = "disable"
}

resource "aws_vpc" "this" {
  for_each   = local.vpcs
  cidr_block = each.value
}

resource "aws_subnet" "az_a" {
  for_each          = local.vpcs
  vpc_id            = aws_vpc.this[each.key].id
  cidr_block        = cidrsubnet(each.value, 8, 1)
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "b_az_b" {
  vpc_id            = aws_vpc.this["b"].id
  cidr_block        = "10.11.2.0/24"
  availability_zone = "us-east-1b"
}

resource "aws_route_table" "this" {
  for_each = local.vpcs
  vpc_id   = aws_vpc.this[each.key].id
  route {
    cidr_block         = "10.0.0.0/8"
    transit_gateway_id = aws_ec2_transit_gateway.hub.id
  }
}

resource "aws_route_table_association" "az_a" {
  for_each       = local.vpcs
  subnet_id      = aws_subnet.az_a[each.key].id
  route_table_id = aws_route_table.this[each.key].id
}

resource "aws_route_table_association" "b_az_b" {
  subnet_id      = aws_subnet.b_az_b.id
  route_table_id = aws_route_table.this["b"].id
}

resource "aws_ec2_transit_gateway_vpc_attachment" "this" {
  for_each                                        = local.vpcs
  transit_gateway_id                              = aws_ec2_transit_gateway.hub.id
  vpc_id                                          = aws_vpc.this[each.key].id
  subnet_ids                                      = [aws_subnet.az_a[each.key].id]
  transit_gateway_default_route_table_association = false
  transit_gateway_default_route_table_propagation = false
}

resource "aws_ec2_transit_gateway_route_table" "spokes" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
}

resource "aws_ec2_transit_gateway_route_table_association" "this" {
  for_each                       = local.vpcs
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.this[each.key].id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}

resource "aws_ec2_transit_gateway_route_table_propagation" "a" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.this["a"].id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}

resource "aws_ec2_transit_gateway_route_table_propagation" "b" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.this["b"].id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}
