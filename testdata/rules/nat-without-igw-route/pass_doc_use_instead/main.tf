resource "aws_nat_gateway" "main" {
  subnet_id     = aws_subnet.public[0].id # 0.0.0.0/0 → aws_internet_gateway.main
  allocation_id = aws_eip.nat.id
}
