# A VPC module that adopts the VPC's default security group, network ACL and route table (as
# terraform-aws-modules/vpc does with manage_default_*), and gives them out as outputs.
resource "aws_vpc" "this" {
  cidr_block = "10.20.0.0/16"
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id
}

resource "aws_subnet" "public" {
  vpc_id            = aws_vpc.this.id
  cidr_block        = "10.20.1.0/24"
  availability_zone = "us-east-1a"
}

# The default group, adopted: HTTPS in from anywhere, everything out.
resource "aws_default_security_group" "this" {
  vpc_id = aws_vpc.this.id
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# The default ACL, adopted with rules that admit only HTTPS and its replies.
resource "aws_default_network_acl" "this" {
  default_network_acl_id = aws_vpc.this.default_network_acl_id
  ingress {
    protocol   = "tcp"
    rule_no    = 100
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 443
    to_port    = 443
  }
  ingress {
    protocol   = "tcp"
    rule_no    = 110
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 1024
    to_port    = 65535
  }
  egress {
    protocol   = "-1"
    rule_no    = 100
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }
  lifecycle {
    ignore_changes = [subnet_ids]
  }
}

# The main (default) route table, adopted without routes: the root adds the default route.
resource "aws_default_route_table" "this" {
  default_route_table_id = aws_vpc.this.default_route_table_id
}

output "vpc_id" {
  value = aws_vpc.this.id
}

output "igw_id" {
  value = aws_internet_gateway.this.id
}

output "public_subnet_id" {
  value = aws_subnet.public.id
}

output "default_security_group_id" {
  value = aws_default_security_group.this.id
}

output "default_network_acl_id" {
  value = aws_default_network_acl.this.id
}

output "default_route_table_id" {
  value = aws_default_route_table.this.id
}
