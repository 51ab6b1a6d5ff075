resource "aws_vpc" "this" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id
}

resource "aws_subnet" "public" {
  vpc_id                  = aws_vpc.this.id
  cidr_block              = "10.0.0.0/24"
  availability_zone       = "us-east-1a"
  map_public_ip_on_launch = true
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.this.id
  }
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

# Whole objects as outputs: the caller reads their attributes.
output "vpc" {
  value = aws_vpc.this
}

output "public_subnet" {
  value = aws_subnet.public
}

resource "aws_subnet" "extra" {
  for_each          = { a = "10.0.8.0/24", b = "10.0.9.0/24" }
  vpc_id            = aws_vpc.this.id
  cidr_block        = each.value
  availability_zone = "us-east-1a"
}

resource "aws_route_table_association" "extra" {
  for_each       = aws_subnet.extra
  subnet_id      = each.value.id
  route_table_id = aws_route_table.public.id
}

# A map of objects: the caller picks one by key with a dot (module.vpc.subnets.b.id).
output "subnets" {
  value = aws_subnet.extra
}
