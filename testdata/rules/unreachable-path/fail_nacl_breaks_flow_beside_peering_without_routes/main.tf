# Two defects side by side: a peering connection without routes (peering-without-routes), and,
# inside one of the two VPCs, a NACL that denies web -> app tcp 8080. The peering defect explains
# no flow inside VPC a: the NACL's drop must still be reported (issue 12 item 3, precedence by
# cause, not by resource).

resource "aws_vpc" "a" {
  cidr_block = "10.10.0.0/16"
}

resource "aws_vpc" "b" {
  cidr_block = "10.20.0.0/16"
}

resource "aws_subnet" "web" {
  vpc_id            = aws_vpc.a.id
  cidr_block        = "10.10.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "app" {
  vpc_id            = aws_vpc.a.id
  cidr_block        = "10.10.2.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.b.id
  cidr_block        = "10.20.1.0/24"
  availability_zone = "us-east-1a"
}

# expect: peering-without-routes
resource "aws_vpc_peering_connection" "ab" {
  vpc_id      = aws_vpc.a.id
  peer_vpc_id = aws_vpc.b.id
  auto_accept = true
}

resource "aws_security_group" "web" {
  name   = "web"
  vpc_id = aws_vpc.a.id
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "app" {
  name   = "app"
  vpc_id = aws_vpc.a.id
  ingress {
    from_port       = 8080
    to_port         = 8080
    protocol        = "tcp"
    security_groups = [aws_security_group.web.id]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# expect: unreachable-path
resource "aws_network_acl" "app" {
  vpc_id     = aws_vpc.a.id
  subnet_ids = [aws_subnet.app.id]
  ingress {
    rule_no    = 50
    protocol   = "tcp"
    action     = "deny"
    cidr_block = "10.10.1.0/24"
    from_port  = 8080
    to_port    = 8080
  }
  ingress {
    rule_no    = 100
    protocol   = "-1"
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }
  egress {
    rule_no    = 100
    protocol   = "-1"
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }
}

resource "aws_instance" "web" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.web.id
  vpc_security_group_ids = [aws_security_group.web.id]
}

resource "aws_instance" "app" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.app.id
  vpc_security_group_ids = [aws_security_group.app.id]
}
