# Inspection in front of the internet gateway (ingress routing): public subnets send 0.0.0.0/0
# to a firewall appliance or a Gateway Load Balancer endpoint, and the gateway's edge route table
# sends replies back through it. AWS's documented design; the path works.
resource "aws_vpc" "v2" { cidr_block = "10.2.0.0/16" }
resource "aws_internet_gateway" "v2" { vpc_id = aws_vpc.v2.id }
resource "aws_subnet" "v2_fw" {
  vpc_id            = aws_vpc.v2.id
  cidr_block        = "10.2.0.0/24"
  availability_zone = "us-east-1a"
}
resource "aws_subnet" "v2_app" {
  vpc_id            = aws_vpc.v2.id
  cidr_block        = "10.2.1.0/24"
  availability_zone = "us-east-1a"
}
resource "aws_network_interface" "fw" {
  subnet_id         = aws_subnet.v2_fw.id
  private_ips       = ["10.2.0.10"]
  source_dest_check = false
  security_groups   = [aws_security_group.fw.id]
}
resource "aws_security_group" "fw" {
  vpc_id = aws_vpc.v2.id
  ingress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
resource "aws_instance" "fw" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "c5.large"
  network_interface {
    network_interface_id = aws_network_interface.fw.id
    device_index         = 0
  }
}
resource "aws_route_table" "v2_fw" {
  vpc_id = aws_vpc.v2.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.v2.id
  }
}
resource "aws_route_table_association" "v2_fw" {
  subnet_id      = aws_subnet.v2_fw.id
  route_table_id = aws_route_table.v2_fw.id
}
resource "aws_route_table" "v2_app" {
  vpc_id = aws_vpc.v2.id
  route {
    cidr_block           = "0.0.0.0/0"
    network_interface_id = aws_network_interface.fw.id
  }
}
resource "aws_route_table_association" "v2_app" {
  subnet_id      = aws_subnet.v2_app.id
  route_table_id = aws_route_table.v2_app.id
}
resource "aws_route_table" "v2_edge" {
  vpc_id = aws_vpc.v2.id
  route {
    cidr_block           = "10.2.1.0/24"
    network_interface_id = aws_network_interface.fw.id
  }
}
resource "aws_route_table_association" "v2_edge" {
  gateway_id     = aws_internet_gateway.v2.id
  route_table_id = aws_route_table.v2_edge.id
}
resource "aws_security_group" "v2_web" {
  vpc_id = aws_vpc.v2.id
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
resource "aws_instance" "v2_web" {
  ami                         = "ami-0123456789abcdef0"
  instance_type               = "t3.micro"
  subnet_id                   = aws_subnet.v2_app.id
  private_ip                  = "10.2.1.10"
  associate_public_ip_address = true
  vpc_security_group_ids      = [aws_security_group.v2_web.id]
}

############ VPC 3: GWLB endpoint with ingress routing
resource "aws_vpc" "v3" { cidr_block = "10.3.0.0/16" }
resource "aws_internet_gateway" "v3" { vpc_id = aws_vpc.v3.id }
resource "aws_subnet" "v3_gwlbe" {
  vpc_id            = aws_vpc.v3.id
  cidr_block        = "10.3.0.0/24"
  availability_zone = "us-east-1a"
}
resource "aws_subnet" "v3_app" {
  vpc_id            = aws_vpc.v3.id
  cidr_block        = "10.3.1.0/24"
  availability_zone = "us-east-1a"
}
resource "aws_subnet" "v3_appliance" {
  vpc_id            = aws_vpc.v3.id
  cidr_block        = "10.3.2.0/24"
  availability_zone = "us-east-1a"
}
resource "aws_lb" "gwlb" {
  name               = "gwlb"
  load_balancer_type = "gateway"
  subnets            = [aws_subnet.v3_appliance.id]
}
resource "aws_vpc_endpoint_service" "gwlb" {
  acceptance_required        = false
  gateway_load_balancer_arns = [aws_lb.gwlb.arn]
}
resource "aws_vpc_endpoint" "gwlbe" {
  vpc_id            = aws_vpc.v3.id
  service_name      = aws_vpc_endpoint_service.gwlb.service_name
  vpc_endpoint_type = "GatewayLoadBalancer"
  subnet_ids        = [aws_subnet.v3_gwlbe.id]
}
resource "aws_route_table" "v3_gwlbe" {
  vpc_id = aws_vpc.v3.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.v3.id
  }
}
resource "aws_route_table_association" "v3_gwlbe" {
  subnet_id      = aws_subnet.v3_gwlbe.id
  route_table_id = aws_route_table.v3_gwlbe.id
}
resource "aws_route_table" "v3_app" {
  vpc_id = aws_vpc.v3.id
  route {
    cidr_block      = "0.0.0.0/0"
    vpc_endpoint_id = aws_vpc_endpoint.gwlbe.id
  }
}
resource "aws_route_table_association" "v3_app" {
  subnet_id      = aws_subnet.v3_app.id
  route_table_id = aws_route_table.v3_app.id
}
resource "aws_route_table" "v3_edge" {
  vpc_id = aws_vpc.v3.id
  route {
    cidr_block      = "10.3.1.0/24"
    vpc_endpoint_id = aws_vpc_endpoint.gwlbe.id
  }
}
resource "aws_route_table_association" "v3_edge" {
  gateway_id     = aws_internet_gateway.v3.id
  route_table_id = aws_route_table.v3_edge.id
}
resource "aws_security_group" "v3_web" {
  vpc_id = aws_vpc.v3.id
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
resource "aws_instance" "v3_web" {
  ami                         = "ami-0123456789abcdef0"
  instance_type               = "t3.micro"
  subnet_id                   = aws_subnet.v3_app.id
  private_ip                  = "10.3.1.10"
  associate_public_ip_address = true
  vpc_security_group_ids      = [aws_security_group.v3_web.id]
}
