# cross-az-nat reports the subnets, not the route table they use
# tfvpc:ignore:cross-az-nat one NAT gateway is accepted in dev
resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.main.id
  }
}
