# Expectations on IPv6: a dual-stack instance without a public IPv4 is reached from the
# internet over IPv6, and an instance in an IPv6-only subnet goes out through the egress-only
# internet gateway.
resource "aws_vpc" "main" { cidr_block = "10.0.0.0/16" }
resource "aws_vpc_ipv6_cidr_block_association" "v6" {
  vpc_id          = aws_vpc.main.id
  ipv6_cidr_block = "2600:1f18:abc:de00::/56"
  ipv6_pool       = "ipv6pool-ec2-0123456789abcdef0"
}
resource "aws_internet_gateway" "igw" { vpc_id = aws_vpc.main.id }
resource "aws_egress_only_internet_gateway" "eigw" { vpc_id = aws_vpc.main.id }
resource "aws_subnet" "public" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  ipv6_cidr_block   = "2600:1f18:abc:de01::/64"
  availability_zone = "us-east-1a"
  depends_on        = [aws_vpc_ipv6_cidr_block_association.v6]
}
resource "aws_subnet" "v6only" {
  vpc_id                          = aws_vpc.main.id
  ipv6_native                     = true
  ipv6_cidr_block                 = "2600:1f18:abc:de03::/64"
  assign_ipv6_address_on_creation = true
  enable_resource_name_dns_aaaa_record_on_launch = true
  availability_zone               = "us-east-1a"
  depends_on                      = [aws_vpc_ipv6_cidr_block_association.v6]
}
resource "aws_network_acl" "all" {
  vpc_id     = aws_vpc.main.id
  subnet_ids = [aws_subnet.public.id, aws_subnet.v6only.id]
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
resource "aws_route_table" "public" { vpc_id = aws_vpc.main.id }
resource "aws_route" "pub6" {
  route_table_id              = aws_route_table.public.id
  destination_ipv6_cidr_block = "::/0"
  gateway_id                  = aws_internet_gateway.igw.id
}
resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}
resource "aws_route_table" "v6only" { vpc_id = aws_vpc.main.id }
resource "aws_route" "v6only" {
  route_table_id              = aws_route_table.v6only.id
  destination_ipv6_cidr_block = "::/0"
  egress_only_gateway_id      = aws_egress_only_internet_gateway.eigw.id
}
resource "aws_route_table_association" "v6only" {
  subnet_id      = aws_subnet.v6only.id
  route_table_id = aws_route_table.v6only.id
}
resource "aws_security_group" "sg" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port        = 443
    to_port          = 443
    protocol         = "tcp"
    ipv6_cidr_blocks = ["::/0"]
  }
  egress {
    from_port        = 0
    to_port          = 0
    protocol         = "-1"
    ipv6_cidr_blocks = ["::/0"]
  }
}
resource "aws_instance" "web" {
  ami                         = "ami-0123456789abcdef0"
  instance_type               = "t3.micro"
  subnet_id                   = aws_subnet.public.id
  vpc_security_group_ids      = [aws_security_group.sg.id]
  associate_public_ip_address = false
  ipv6_addresses              = ["2600:1f18:abc:de01::10"]
}
resource "aws_instance" "v6" {
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.v6only.id
  vpc_security_group_ids = [aws_security_group.sg.id]
  ipv6_addresses         = ["2600:1f18:abc:de03::30"]
}
