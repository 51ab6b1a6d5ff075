resource "aws_route" "data_to_app" {
  route_table_id            = aws_route_table.data.id
  destination_cidr_block    = aws_vpc.app.cidr_block
  vpc_peering_connection_id = aws_vpc_peering_connection.app_data.id
}
