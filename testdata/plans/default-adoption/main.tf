# Adopting the account's default VPC, and locking down the defaults of a new VPC.

# --- the default VPC of us-east-1 ---------------------------------------------------------

resource "aws_default_vpc" "default" {
  tags = { Name = "default" }
}

resource "aws_default_subnet" "a" {
  availability_zone = "us-east-1a"
  tags              = { Name = "default-us-east-1a" }
}

resource "aws_default_subnet" "b" {
  availability_zone       = "us-east-1b"
  map_public_ip_on_launch = false
  tags                    = { Name = "default-us-east-1b" }
}

# --- a new VPC whose default route table, NACL and SG are taken over and emptied -----------

resource "aws_vpc" "isolated" {
  cidr_block = "10.70.0.0/16"
  tags       = { Name = "isolated" }
}

resource "aws_subnet" "isolated" {
  vpc_id            = aws_vpc.isolated.id
  cidr_block        = "10.70.1.0/24"
  availability_zone = "us-east-1a"
  tags              = { Name = "isolated-a" }
}

# Bare: no routes besides local.
resource "aws_default_route_table" "isolated" {
  default_route_table_id = aws_vpc.isolated.default_route_table_id
  tags                   = { Name = "isolated-default" }
}

# No rules at all: deny-all in both directions.
resource "aws_default_network_acl" "isolated" {
  default_network_acl_id = aws_vpc.isolated.default_network_acl_id
  tags                   = { Name = "isolated-default" }

  lifecycle {
    ignore_changes = [subnet_ids]
  }
}

# No rules: nothing in, nothing out.
resource "aws_default_security_group" "isolated" {
  vpc_id = aws_vpc.isolated.id
  tags   = { Name = "isolated-default" }
}

resource "aws_instance" "sealed" {
  ami           = "ami-0c02fb55956c7d316"
  instance_type = "t3.micro"
  subnet_id     = aws_subnet.isolated.id
  tags          = { Name = "sealed" }
}
