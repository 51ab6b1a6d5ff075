# A security group rule admitting an IPv6 range is about IPv6 packets: the flow works over IPv6.
resource "aws_vpc" "main" { cidr_block = "10.0.0.0/16" }
resource "aws_vpc_ipv6_cidr_block_association" "v6" {
  vpc_id          = aws_vpc.main.id
  ipv6_cidr_block = "2600:1f18:abc:de00::/56"
  ipv6_pool       = "ipv6pool-ec2-0123456789abcdef0"
}
resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  ipv6_cidr_block   = "2600:1f18:abc:de01::/64"
  availability_zone = "us-east-1a"
  depends_on        = [aws_vpc_ipv6_cidr_block_association.v6]
}
resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.2.0/24"
  ipv6_cidr_block   = "2600:1f18:abc:de02::/64"
  availability_zone = "us-east-1a"
  depends_on        = [aws_vpc_ipv6_cidr_block_association.v6]
}
resource "aws_network_acl" "all" {
  vpc_id     = aws_vpc.main.id
  subnet_ids = [aws_subnet.a.id, aws_subnet.b.id]
  ingress {
    rule_no         = 100
    action          = "allow"
    protocol        = "-1"
    from_port       = 0
    to_port         = 0
    ipv6_cidr_block = "::/0"
  }
  egress {
    rule_no         = 100
    action          = "allow"
    protocol        = "-1"
    from_port       = 0
    to_port         = 0
    ipv6_cidr_block = "::/0"
  }
}
resource "aws_security_group" "app" {
  vpc_id = aws_vpc.main.id
}
resource "aws_vpc_security_group_ingress_rule" "app_from_a" {
  security_group_id = aws_security_group.app.id
  cidr_ipv6         = "2600:1f18:abc:de01::/64"
  ip_protocol       = "tcp"
  from_port         = 8080
  to_port           = 8080
}
resource "aws_instance" "app" {
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.b.id
  vpc_security_group_ids = [aws_security_group.app.id]
  ipv6_addresses         = ["2600:1f18:abc:de02::20"]
  private_ip             = "10.0.2.20"
}
