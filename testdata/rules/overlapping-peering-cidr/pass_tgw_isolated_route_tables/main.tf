# Overlapping VPCs on one TGW, but each attachment's table routes only to the shared VPC.
resource "aws_vpc" "a" {
  cidr_block = "10.30.0.0/16"
}

resource "aws_vpc" "b" {
  cidr_block = "10.30.0.0/16"
}

resource "aws_vpc" "shared" {
  cidr_block = "10.31.0.0/16"
}

resource "aws_subnet" "tgw" {
  for_each          = { a = aws_vpc.a, b = aws_vpc.b, shared = aws_vpc.shared }
  vpc_id            = each.value.id
  cidr_block        = cidrsubnet(each.value.cidr_block, 12, 0)
  availability_zone = "us-east-1a"
}

resource "aws_ec2_transit_gateway" "hub" {
  default_route_table_association = "disable"
  default_route_table_propagation = "disable"
}

resource "aws_ec2_transit_gateway_vpc_attachment" "this" {
  for_each                                        = { a = aws_vpc.a, b = aws_vpc.b, shared = aws_vpc.shared }
  transit_gateway_id                              = aws_ec2_transit_gateway.hub.id
  vpc_id                                          = each.value.id
  subnet_ids                                      = [aws_subnet.tgw[each.key].id]
  transit_gateway_default_route_table_association = false
  transit_gateway_default_route_table_propagation = false
}

resource "aws_ec2_transit_gateway_route_table" "spokes" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
}

resource "aws_ec2_transit_gateway_route_table" "shared" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
}

resource "aws_ec2_transit_gateway_route_table_association" "a" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.this["a"].id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}

resource "aws_ec2_transit_gateway_route_table_association" "b" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.this["b"].id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}

resource "aws_ec2_transit_gateway_route_table_propagation" "shared_to_spokes" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.this["shared"].id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.spokes.id
}
