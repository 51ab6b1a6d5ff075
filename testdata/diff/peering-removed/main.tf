# The change: the peering between the app and payments VPCs is removed, with its routes.
# Expected: aws_instance.app -> aws_instance.payments closed tcp 443, caused by the route that is
# gone (aws_route.app_to_payments); nothing else (payments admits nothing else from app).

resource "aws_vpc" "app" {
  cidr_block = "10.1.0.0/16"
}

resource "aws_subnet" "app" {
  vpc_id            = aws_vpc.app.id
  cidr_block        = "10.1.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_route_table" "app" {
  vpc_id = aws_vpc.app.id
}

resource "aws_route_table_association" "app" {
  subnet_id      = aws_subnet.app.id
  route_table_id = aws_route_table.app.id
}

resource "aws_security_group" "app" {
  name   = "app"
  vpc_id = aws_vpc.app.id
}

resource "aws_vpc_security_group_egress_rule" "app_all" {
  security_group_id = aws_security_group.app.id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_instance" "app" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.app.id
  vpc_security_group_ids = [aws_security_group.app.id]
}

resource "aws_vpc" "payments" {
  cidr_block = "10.2.0.0/16"
}

resource "aws_subnet" "payments" {
  vpc_id            = aws_vpc.payments.id
  cidr_block        = "10.2.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_route_table" "payments" {
  vpc_id = aws_vpc.payments.id
}

resource "aws_route_table_association" "payments" {
  subnet_id      = aws_subnet.payments.id
  route_table_id = aws_route_table.payments.id
}

resource "aws_security_group" "payments" {
  name   = "payments"
  vpc_id = aws_vpc.payments.id
}

resource "aws_vpc_security_group_ingress_rule" "payments_https" {
  security_group_id = aws_security_group.payments.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "10.1.0.0/16"
}

resource "aws_instance" "payments" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.payments.id
  vpc_security_group_ids = [aws_security_group.payments.id]
}
