# The public subnet uses the main route table, made main by aws_main_route_table_association and
# given its default route by a separate aws_route; a private NAT gateway needs no IGW.
resource "aws_vpc" "main" {
  cidr_block = "10.6.0.0/16"
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.6.0.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "transit" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.6.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_route_table" "main" {
  vpc_id = aws_vpc.main.id
}

resource "aws_main_route_table_association" "main" {
  vpc_id         = aws_vpc.main.id
  route_table_id = aws_route_table.main.id
}

resource "aws_route" "main_default" {
  route_table_id         = aws_route_table.main.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.main.id
}

resource "aws_eip" "nat" {
  domain = "vpc"
}

resource "aws_nat_gateway" "public" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public.id
}

resource "aws_route_table" "transit" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "transit" {
  subnet_id      = aws_subnet.transit.id
  route_table_id = aws_route_table.transit.id
}

resource "aws_nat_gateway" "private" {
  connectivity_type = "private"
  subnet_id         = aws_subnet.transit.id
}
