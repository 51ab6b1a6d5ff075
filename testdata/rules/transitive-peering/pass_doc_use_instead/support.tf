# Support for main.tf, the `## Use instead` block of rules/transitive-peering.md (which must stay
# exactly that block): what it needs to plan. Its plan gives no transitive-peering finding.
# A peers with C directly; C routes back.

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

resource "aws_route_table" "c" {
  vpc_id = aws_vpc.c.id
}

resource "aws_route" "c_to_a" {
  route_table_id            = aws_route_table.c.id
  destination_cidr_block    = aws_vpc.a.cidr_block
  vpc_peering_connection_id = aws_vpc_peering_connection.a_c.id
}
