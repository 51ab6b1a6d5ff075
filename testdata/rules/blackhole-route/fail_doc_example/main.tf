# aws_nat_gateway.b was removed from the configuration; this table still uses its id.
resource "aws_route_table" "batch" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = "nat-0a1b2c3d4e5f60002"
  }
}
