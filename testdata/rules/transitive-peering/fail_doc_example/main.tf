resource "aws_route" "to_c_via_b" {
  route_table_id            = aws_route_table.a.id
  destination_cidr_block    = aws_vpc.c.cidr_block # 10.2.0.0/16, not in B
  vpc_peering_connection_id = aws_vpc_peering_connection.a_b.id
}
