# Unassociated public subnets follow the main table, which aws_default_route_table routes to
# the internet gateway.
resource "aws_vpc" "web" {
  cidr_block = "10.20.0.0/16"
}

resource "aws_internet_gateway" "web" {
  vpc_id = aws_vpc.web.id
}

resource "aws_default_route_table" "web" {
  default_route_table_id = aws_vpc.web.default_route_table_id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.web.id
  }
}

resource "aws_subnet" "public" {
  vpc_id                  = aws_vpc.web.id
  cidr_block              = "10.20.1.0/24"
  availability_zone       = "us-east-1a"
  map_public_ip_on_launch = true
}
