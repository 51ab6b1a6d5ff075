# SEMANTICS §14, §2.4: security groups track ICMP echo; NACLs do not. The reply to an echo
# request (type 8) is an echo reply (type 0) and must be admitted on its own.
# Subnet "strict" admits only type 8 both ways: the ping dies on the return leg.
# Subnet "ok" admits type 8 in and type 0 out: the ping works.
variable "ami" {
  default = "ami-0123456789abcdef0"
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "client" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.0.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "strict" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "ok" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.2.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_network_acl" "strict" {
  vpc_id     = aws_vpc.main.id
  subnet_ids = [aws_subnet.strict.id]
  ingress {
    rule_no    = 100
    action     = "allow"
    protocol   = "icmp"
    icmp_type  = 8
    icmp_code  = -1
    cidr_block = "10.0.0.0/16"
    from_port  = 0
    to_port    = 0
  }
  egress {
    rule_no    = 100
    action     = "allow"
    protocol   = "icmp"
    icmp_type  = 8
    icmp_code  = -1
    cidr_block = "10.0.0.0/16"
    from_port  = 0
    to_port    = 0
  }
}

resource "aws_network_acl" "ok" {
  vpc_id     = aws_vpc.main.id
  subnet_ids = [aws_subnet.ok.id]
  ingress {
    rule_no    = 100
    action     = "allow"
    protocol   = "icmp"
    icmp_type  = 8
    icmp_code  = -1
    cidr_block = "10.0.0.0/16"
    from_port  = 0
    to_port    = 0
  }
  egress {
    rule_no    = 100
    action     = "allow"
    protocol   = "icmp"
    icmp_type  = 0
    icmp_code  = -1
    cidr_block = "10.0.0.0/16"
    from_port  = 0
    to_port    = 0
  }
}

resource "aws_security_group" "ping" {
  name   = "ping"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 8
    to_port     = 0
    protocol    = "icmp"
    cidr_blocks = ["10.0.0.0/16"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "client" {
  ami                    = var.ami
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.client.id
  vpc_security_group_ids = [aws_security_group.ping.id]
}

resource "aws_instance" "strict" {
  ami                    = var.ami
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.strict.id
  vpc_security_group_ids = [aws_security_group.ping.id]
}

resource "aws_instance" "ok" {
  ami                    = var.ami
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.ok.id
  vpc_security_group_ids = [aws_security_group.ping.id]
}
