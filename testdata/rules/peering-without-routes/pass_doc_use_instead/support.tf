# Support for main.tf, the `## Use instead` block of rules/peering-without-routes.md (which must stay
# exactly that block): what it needs to plan. Its plan gives no peering-without-routes finding.
# The Example's peering connection is here.

resource "aws_vpc" "app" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_vpc" "data" {
  cidr_block = "10.1.0.0/16"
}

resource "aws_vpc_peering_connection" "app_data" {
  vpc_id      = aws_vpc.app.id
  peer_vpc_id = aws_vpc.data.id
  auto_accept = true
}

resource "aws_route_table" "app" {
  vpc_id = aws_vpc.app.id
}

resource "aws_route_table" "data" {
  vpc_id = aws_vpc.data.id
}
