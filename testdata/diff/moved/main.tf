# The change: aws_instance.web is renamed aws_instance.frontend (a moved block), and its group
# now admits HTTPS from the subnet.
# Expected: aws_instance.client -> aws_instance.frontend opened tcp 443, caused by
# aws_vpc_security_group_ingress_rule.web_https; nothing closed for aws_instance.web (the same
# instance), nothing opened for the rename itself.

resource "aws_vpc" "main" {
  cidr_block = "10.40.0.0/16"
}

resource "aws_subnet" "app" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.40.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_security_group" "client" {
  name   = "client"
  vpc_id = aws_vpc.main.id
}

resource "aws_vpc_security_group_egress_rule" "client_all" {
  security_group_id = aws_security_group.client.id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_security_group" "web" {
  name   = "web"
  vpc_id = aws_vpc.main.id
}

resource "aws_instance" "client" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.app.id
  vpc_security_group_ids = [aws_security_group.client.id]
}

resource "aws_instance" "frontend" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.app.id
  vpc_security_group_ids = [aws_security_group.web.id]
}

moved {
  from = aws_instance.web
  to   = aws_instance.frontend
}

resource "aws_vpc_security_group_ingress_rule" "web_https" {
  security_group_id = aws_security_group.web.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "10.40.1.0/24"
}
