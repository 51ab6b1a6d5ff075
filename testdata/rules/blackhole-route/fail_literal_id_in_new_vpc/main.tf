# A route in a new VPC names a NAT gateway by a literal id: nothing outside this plan can be in
# a VPC the plan creates (the id was copied from another environment).
resource "aws_vpc" "main" {
  cidr_block = "10.40.0.0/16"
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}

# expect: blackhole-route
resource "aws_route" "private_default" {
  route_table_id         = aws_route_table.private.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = "nat-0123456789abcdef0"
}
