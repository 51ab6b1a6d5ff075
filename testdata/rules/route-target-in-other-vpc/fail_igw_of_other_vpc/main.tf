resource "aws_vpc" "app" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_vpc" "data" {
  cidr_block = "10.1.0.0/16"
}

resource "aws_internet_gateway" "app" {
  vpc_id = aws_vpc.app.id
}

resource "aws_internet_gateway" "data" {
  vpc_id = aws_vpc.data.id
}

resource "aws_route_table" "app_public" {
  vpc_id = aws_vpc.app.id
}

# expect: route-target-in-other-vpc
resource "aws_route" "app_default" {
  route_table_id         = aws_route_table.app_public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.data.id
}
