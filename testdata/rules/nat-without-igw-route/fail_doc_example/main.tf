resource "aws_nat_gateway" "main" {
  subnet_id     = aws_subnet.private[0].id # its table sends 0.0.0.0/0 to this NAT, not an IGW
  allocation_id = aws_eip.nat.id
}
