# Support for main.tf, the `## Example` block of rules/transitive-peering.md (which must stay
# exactly that block): what it needs to plan, and the findings its plan gives.
# A peers with B and B with C (each with routes both ways); A sends C's range to B.
# expect: transitive-peering aws_route.to_c_via_b

resource "aws_vpc" "a" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_vpc" "b" {
  cidr_block = "10.1.0.0/16"
}

resource "aws_vpc" "c" {
  cidr_block = "10.2.0.0/16"
}

resource "aws_route_table" "a" {
  vpc_id = aws_vpc.a.id
}

resource "aws_route_table" "b" {
  vpc_id = aws_vpc.b.id
}

resource "aws_route_table" "c" {
  vpc_id = aws_vpc.c.id
}

resource "aws_vpc_peering_connection" "a_b" {
  vpc_id      = aws_vpc.a.id
  peer_vpc_id = aws_vpc.b.id
  auto_accept = true
}

resource "aws_vpc_peering_connection" "b_c" {
  vpc_id      = aws_vpc.b.id
  peer_vpc_id = aws_vpc.c.id
  auto_accept = true
}

resource "aws_route" "a_to_b" {
  route_table_id            = aws_route_table.a.id
  destination_cidr_block    = aws_vpc.b.cidr_block
  vpc_peering_connection_id = aws_vpc_peering_connection.a_b.id
}

resource "aws_route" "b_to_a" {
  route_table_id            = aws_route_table.b.id
  destination_cidr_block    = aws_vpc.a.cidr_block
  vpc_peering_connection_id = aws_vpc_peering_connection.a_b.id
}

resource "aws_route" "b_to_c" {
  route_table_id            = aws_route_table.b.id
  destination_cidr_block    = aws_vpc.c.cidr_block
  vpc_peering_connection_id = aws_vpc_peering_connection.b_c.id
}

resource "aws_route" "c_to_b" {
  route_table_id            = aws_route_table.c.id
  destination_cidr_block    = aws_vpc.b.cidr_block
  vpc_peering_connection_id = aws_vpc_peering_connection.b_c.id
}
