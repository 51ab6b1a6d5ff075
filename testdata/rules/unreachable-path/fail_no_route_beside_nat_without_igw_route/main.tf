# A public NAT gateway in a subnet whose route table has no route to the internet gateway
# (nat-without-igw-route), and a bastion in that same subnet that reaches a peered VPC's database
# on tcp 5432, but the table has no route to the peer either. The NAT's defect explains only flows
# through the NAT: the bastion's drop ("no route") must still be reported.

resource "aws_vpc" "edge" {
  cidr_block = "10.70.0.0/16"
}

resource "aws_vpc" "db" {
  cidr_block = "10.80.0.0/16"
}

resource "aws_internet_gateway" "edge" {
  vpc_id = aws_vpc.edge.id
}

resource "aws_subnet" "public" {
  vpc_id            = aws_vpc.edge.id
  cidr_block        = "10.70.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "db" {
  vpc_id            = aws_vpc.db.id
  cidr_block        = "10.80.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_eip" "nat" {
  domain = "vpc"
}

# expect: nat-without-igw-route
resource "aws_nat_gateway" "edge" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public.id
}

# expect: unreachable-path
resource "aws_route_table" "public" {
  vpc_id = aws_vpc.edge.id
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

resource "aws_vpc_peering_connection" "edge_db" {
  vpc_id      = aws_vpc.edge.id
  peer_vpc_id = aws_vpc.db.id
  auto_accept = true
}

resource "aws_route_table" "db" {
  vpc_id = aws_vpc.db.id
  route {
    cidr_block                = "10.70.0.0/16"
    vpc_peering_connection_id = aws_vpc_peering_connection.edge_db.id
  }
}

resource "aws_route_table_association" "db" {
  subnet_id      = aws_subnet.db.id
  route_table_id = aws_route_table.db.id
}

resource "aws_security_group" "bastion" {
  name   = "bastion"
  vpc_id = aws_vpc.edge.id
  egress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["10.80.1.0/24"]
  }
}

resource "aws_security_group" "db" {
  name   = "db"
  vpc_id = aws_vpc.db.id
  ingress {
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    cidr_blocks     = ["10.70.1.0/24"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "bastion" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.public.id
  vpc_security_group_ids = [aws_security_group.bastion.id]
}

resource "aws_instance" "db" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.db.id
  vpc_security_group_ids = [aws_security_group.db.id]
}
