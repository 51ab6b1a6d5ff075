# SEMANTICS §6: peering needs routes in both VPCs, and is not transitive.
# a <-> b: routes both ways (reachable). a <-> c: a routes to c, c has no route back
# (return-path). b -> c through a: b's table sends 10.2.0.0/16 to the a-b peering (transitive:
# dropped at the peering, the destination is not in a's CIDR).
locals {
  vpcs = {
    a = "10.0.0.0/16"
    b = "10.1.0.0/16"
    c = "10.2.0.0/16"
  }
}

resource "aws_vpc" "this" {
  for_each   = local.vpcs
  cidr_block = each.value
}

resource "aws_subnet" "this" {
  for_each          = local.vpcs
  vpc_id            = aws_vpc.this[each.key].id
  cidr_block        = cidrsubnet(each.value, 8, 1)
  availability_zone = "us-east-1a"
}

resource "aws_route_table" "this" {
  for_each = local.vpcs
  vpc_id   = aws_vpc.this[each.key].id
}

resource "aws_route_table_association" "this" {
  for_each       = local.vpcs
  subnet_id      = aws_subnet.this[each.key].id
  route_table_id = aws_route_table.this[each.key].id
}

resource "aws_vpc_peering_connection" "ab" {
  vpc_id      = aws_vpc.this["a"].id
  peer_vpc_id = aws_vpc.this["b"].id
  auto_accept = true
}

resource "aws_vpc_peering_connection" "ac" {
  vpc_id      = aws_vpc.this["a"].id
  peer_vpc_id = aws_vpc.this["c"].id
  auto_accept = true
}

resource "aws_route" "a_to_b" {
  route_table_id            = aws_route_table.this["a"].id
  destination_cidr_block    = "10.1.0.0/16"
  vpc_peering_connection_id = aws_vpc_peering_connection.ab.id
}

resource "aws_route" "b_to_a" {
  route_table_id            = aws_route_table.this["b"].id
  destination_cidr_block    = "10.0.0.0/16"
  vpc_peering_connection_id = aws_vpc_peering_connection.ab.id
}

resource "aws_route" "a_to_c" {
  route_table_id            = aws_route_table.this["a"].id
  destination_cidr_block    = "10.2.0.0/16"
  vpc_peering_connection_id = aws_vpc_peering_connection.ac.id
}

# Transitive attempt: b reaches c through the a-b peering.
resource "aws_route" "b_to_c" {
  route_table_id            = aws_route_table.this["b"].id
  destination_cidr_block    = "10.2.0.0/16"
  vpc_peering_connection_id = aws_vpc_peering_connection.ab.id
}
