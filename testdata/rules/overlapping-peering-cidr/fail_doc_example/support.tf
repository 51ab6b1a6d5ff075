# Support for main.tf, the `## Example` block of rules/overlapping-peering-cidr.md (which must stay
# exactly that block): what it needs to plan, and the findings its plan gives.
# expect: overlapping-peering-cidr aws_vpc_peering_connection.app_data

resource "aws_route_table" "app" {
  vpc_id = aws_vpc.app.id
}

resource "aws_route_table" "data" {
  vpc_id = aws_vpc.data.id
}

resource "aws_route" "app_to_data" {
  route_table_id            = aws_route_table.app.id
  destination_cidr_block    = aws_vpc.data.cidr_block
  vpc_peering_connection_id = aws_vpc_peering_connection.app_data.id
}

resource "aws_route" "data_to_app" {
  route_table_id            = aws_route_table.data.id
  destination_cidr_block    = aws_vpc.app.cidr_block
  vpc_peering_connection_id = aws_vpc_peering_connection.app_data.id
}
