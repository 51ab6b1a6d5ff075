# Support for main.tf, the `## Example` block of rules/peering-without-routes.md (which must stay
# exactly that block): what it needs to plan, and the findings its plan gives.
# expect: peering-without-routes aws_vpc_peering_connection.app_data

resource "aws_vpc" "app" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_vpc" "data" {
  cidr_block = "10.1.0.0/16"
}

resource "aws_route_table" "app" {
  vpc_id = aws_vpc.app.id
}

resource "aws_route_table" "data" {
  vpc_id = aws_vpc.data.id
}
