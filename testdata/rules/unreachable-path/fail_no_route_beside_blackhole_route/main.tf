# One route table with two defects: a route to a literal NAT gateway id that cannot exist in a VPC
# this plan creates (blackhole-route, for 10.99.0.0/16), and no route at all to the peered VPC
# that the app reaches on tcp 5432. The blackhole explains only flows to 10.99.0.0/16: the drop of
# app -> db ("no route") must still be reported.

resource "aws_vpc" "app" {
  cidr_block = "10.50.0.0/16"
}

resource "aws_vpc" "db" {
  cidr_block = "10.60.0.0/16"
}

resource "aws_subnet" "app" {
  vpc_id            = aws_vpc.app.id
  cidr_block        = "10.50.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "db" {
  vpc_id            = aws_vpc.db.id
  cidr_block        = "10.60.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_vpc_peering_connection" "app_db" {
  vpc_id      = aws_vpc.app.id
  peer_vpc_id = aws_vpc.db.id
  auto_accept = true
}

# expect: blackhole-route
# expect: unreachable-path aws_route_table.app
resource "aws_route_table" "app" {
  vpc_id = aws_vpc.app.id
  route {
    cidr_block     = "10.99.0.0/16"
    nat_gateway_id = "nat-0123456789abcdef0"
  }
}

resource "aws_route_table_association" "app" {
  subnet_id      = aws_subnet.app.id
  route_table_id = aws_route_table.app.id
}

resource "aws_route_table" "db" {
  vpc_id = aws_vpc.db.id
  route {
    cidr_block                = "10.50.0.0/16"
    vpc_peering_connection_id = aws_vpc_peering_connection.app_db.id
  }
}

resource "aws_route_table_association" "db" {
  subnet_id      = aws_subnet.db.id
  route_table_id = aws_route_table.db.id
}

resource "aws_security_group" "app" {
  name   = "app"
  vpc_id = aws_vpc.app.id
  egress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["10.60.1.0/24"]
  }
}

resource "aws_security_group" "db" {
  name   = "db"
  vpc_id = aws_vpc.db.id
  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["10.50.1.0/24"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "app" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.app.id
  vpc_security_group_ids = [aws_security_group.app.id]
}

resource "aws_instance" "db" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.db.id
  vpc_security_group_ids = [aws_security_group.db.id]
}
