resource "aws_route" "app_to_data" {
  route_table_id            = aws_route_table.app.id
  destination_cidr_block    = aws_vpc.data.cidr_block
  vpc_peering_connection_id = aws_vpc_peering_connection.app_data.id
}
# no route in aws_route_table.data back to aws_vpc.app.cidr_block
