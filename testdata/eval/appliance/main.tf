# SEMANTICS §1.3: routes more specific than local may send a subnet's traffic through an
# appliance ENI, which forwards only with source_dest_check off, and SG references do not
# survive it. client <-> server both route through fw (check off): reachable when the server
# admits the client's CIDR; "server_by_ref" admits the client's group instead: unreachable.
# client2 routes through fw_checked (check on): dropped at the appliance.
variable "ami" {
  default = "ami-0123456789abcdef0"
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "client" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "client2" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.4.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "server" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.2.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "fw" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.3.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_security_group" "fw" {
  name   = "fw"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["10.0.0.0/16"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["10.0.0.0/16"]
  }
}

resource "aws_security_group" "client" {
  name   = "client"
  vpc_id = aws_vpc.main.id
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "server" {
  name   = "server"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.1.0/24", "10.0.4.0/24"]
  }
}

resource "aws_security_group" "server_by_ref" {
  name   = "server-by-ref"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port       = 443
    to_port         = 443
    protocol        = "tcp"
    security_groups = [aws_security_group.client.id]
  }
}

resource "aws_instance" "fw" {
  ami                    = var.ami
  instance_type          = "c5.large"
  subnet_id              = aws_subnet.fw.id
  source_dest_check      = false
  vpc_security_group_ids = [aws_security_group.fw.id]
}

resource "aws_instance" "fw_checked" {
  ami                    = var.ami
  instance_type          = "c5.large"
  subnet_id              = aws_subnet.fw.id
  vpc_security_group_ids = [aws_security_group.fw.id]
}

resource "aws_instance" "client" {
  ami                    = var.ami
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.client.id
  vpc_security_group_ids = [aws_security_group.client.id]
}

resource "aws_instance" "client2" {
  ami                    = var.ami
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.client2.id
  vpc_security_group_ids = [aws_security_group.client.id]
}

resource "aws_instance" "server" {
  ami                    = var.ami
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.server.id
  vpc_security_group_ids = [aws_security_group.server.id]
}

resource "aws_instance" "server_by_ref" {
  ami                    = var.ami
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.server.id
  vpc_security_group_ids = [aws_security_group.server_by_ref.id]
}

resource "aws_route_table" "client" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route" "client_to_server" {
  route_table_id         = aws_route_table.client.id
  destination_cidr_block = "10.0.2.0/24"
  network_interface_id   = aws_instance.fw.primary_network_interface_id
}

resource "aws_route_table" "client2" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route" "client2_to_server" {
  route_table_id         = aws_route_table.client2.id
  destination_cidr_block = "10.0.2.0/24"
  network_interface_id   = aws_instance.fw_checked.primary_network_interface_id
}

resource "aws_route_table" "server" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route" "server_to_client" {
  route_table_id         = aws_route_table.server.id
  destination_cidr_block = "10.0.1.0/24"
  network_interface_id   = aws_instance.fw.primary_network_interface_id
}

resource "aws_route" "server_to_client2" {
  route_table_id         = aws_route_table.server.id
  destination_cidr_block = "10.0.4.0/24"
  network_interface_id   = aws_instance.fw_checked.primary_network_interface_id
}

resource "aws_route_table_association" "client" {
  subnet_id      = aws_subnet.client.id
  route_table_id = aws_route_table.client.id
}

resource "aws_route_table_association" "client2" {
  subnet_id      = aws_subnet.client2.id
  route_table_id = aws_route_table.client2.id
}

resource "aws_route_table_association" "server" {
  subnet_id      = aws_subnet.server.id
  route_table_id = aws_route_table.server.id
}
