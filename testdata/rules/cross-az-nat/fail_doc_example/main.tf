resource "aws_nat_gateway" "main" {
  subnet_id     = aws_subnet.public["us-east-1a"].id
  allocation_id = aws_eip.nat.id
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.main.id
  }
}

resource "aws_route_table_association" "private" {
  for_each       = aws_subnet.private # us-east-1a and us-east-1b
  subnet_id      = each.value.id
  route_table_id = aws_route_table.private.id
}
