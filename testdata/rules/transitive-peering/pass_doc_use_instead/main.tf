resource "aws_vpc_peering_connection" "a_c" {
  vpc_id      = aws_vpc.a.id
  peer_vpc_id = aws_vpc.c.id
  auto_accept = true
}

resource "aws_route" "to_c" {
  route_table_id            = aws_route_table.a.id
  destination_cidr_block    = aws_vpc.c.cidr_block
  vpc_peering_connection_id = aws_vpc_peering_connection.a_c.id
}
