# SEMANTICS §1.5, §8, §10: an S3 gateway endpoint route (prefix list) beats 0.0.0.0/0 to the
# NAT gateway and is free; without it, S3 traffic pays NAT processing.
# Subnet "with_endpoint" uses a table associated with the endpoint; "via_nat" does not.
# The instances' group admits HTTPS to the endpoint's prefix list and to 0.0.0.0/0.
variable "ami" {
  default = "ami-0123456789abcdef0"
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.0.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "with_endpoint" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "via_nat" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.2.0/24"
  availability_zone = "us-east-1b"
}

resource "aws_eip" "nat" {
  domain = "vpc"
}

resource "aws_nat_gateway" "main" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public.id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table" "with_endpoint" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.main.id
  }
}

resource "aws_route_table" "via_nat" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.main.id
  }
}

resource "aws_route_table_association" "with_endpoint" {
  subnet_id      = aws_subnet.with_endpoint.id
  route_table_id = aws_route_table.with_endpoint.id
}

resource "aws_route_table_association" "via_nat" {
  subnet_id      = aws_subnet.via_nat.id
  route_table_id = aws_route_table.via_nat.id
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id       = aws_vpc.main.id
  service_name = "com.amazonaws.us-east-1.s3"
}

resource "aws_vpc_endpoint_route_table_association" "s3" {
  vpc_endpoint_id = aws_vpc_endpoint.s3.id
  route_table_id  = aws_route_table.with_endpoint.id
}

resource "aws_security_group" "app" {
  name   = "app"
  vpc_id = aws_vpc.main.id
}

resource "aws_vpc_security_group_egress_rule" "s3" {
  security_group_id = aws_security_group.app.id
  prefix_list_id    = aws_vpc_endpoint.s3.prefix_list_id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.app.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_instance" "with_endpoint" {
  ami                    = var.ami
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.with_endpoint.id
  vpc_security_group_ids = [aws_security_group.app.id]
}

resource "aws_instance" "via_nat" {
  ami                    = var.ami
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.via_nat.id
  vpc_security_group_ids = [aws_security_group.app.id]
}
