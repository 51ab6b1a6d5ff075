# The transit gateway has its own route tables: `prod` (web's) and `orders` (orders'). Both
# attachments propagate into `orders`, but the orders attachment does not propagate into
# `prod`: web's requests to orders and the replies to orders' requests to web are all dropped
# in `prod`. One defect (the missing propagation), one finding.
resource "aws_vpc" "web" {
  cidr_block = "10.1.0.0/16"
}

resource "aws_vpc" "orders" {
  cidr_block = "10.2.0.0/16"
}

resource "aws_subnet" "web" {
  vpc_id            = aws_vpc.web.id
  cidr_block        = "10.1.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "orders" {
  vpc_id            = aws_vpc.orders.id
  cidr_block        = "10.2.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_ec2_transit_gateway" "hub" {
  default_route_table_association = "disable"
  default_route_table_propagation = "disable"
}

resource "aws_ec2_transit_gateway_vpc_attachment" "web" {
  transit_gateway_id                              = aws_ec2_transit_gateway.hub.id
  vpc_id                                          = aws_vpc.web.id
  subnet_ids                                      = [aws_subnet.web.id]
  transit_gateway_default_route_table_association = false
  transit_gateway_default_route_table_propagation = false
}

resource "aws_ec2_transit_gateway_vpc_attachment" "orders" {
  transit_gateway_id                              = aws_ec2_transit_gateway.hub.id
  vpc_id                                          = aws_vpc.orders.id
  subnet_ids                                      = [aws_subnet.orders.id]
  transit_gateway_default_route_table_association = false
  transit_gateway_default_route_table_propagation = false
}

# expect: unreachable-path
resource "aws_ec2_transit_gateway_route_table" "prod" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
}

resource "aws_ec2_transit_gateway_route_table" "orders" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
}

resource "aws_ec2_transit_gateway_route_table_association" "web" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.web.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.prod.id
}

resource "aws_ec2_transit_gateway_route_table_association" "orders" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.orders.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.orders.id
}

resource "aws_ec2_transit_gateway_route_table_propagation" "web_to_prod" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.web.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.prod.id
}

resource "aws_ec2_transit_gateway_route_table_propagation" "web_to_orders" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.web.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.orders.id
}

resource "aws_ec2_transit_gateway_route_table_propagation" "orders_to_orders" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.orders.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.orders.id
}

resource "aws_route_table" "web" {
  vpc_id = aws_vpc.web.id
  route {
    cidr_block         = aws_vpc.orders.cidr_block
    transit_gateway_id = aws_ec2_transit_gateway.hub.id
  }
}

resource "aws_route_table_association" "web" {
  subnet_id      = aws_subnet.web.id
  route_table_id = aws_route_table.web.id
}

resource "aws_route_table" "orders" {
  vpc_id = aws_vpc.orders.id
  route {
    cidr_block         = aws_vpc.web.cidr_block
    transit_gateway_id = aws_ec2_transit_gateway.hub.id
  }
}

resource "aws_route_table_association" "orders" {
  subnet_id      = aws_subnet.orders.id
  route_table_id = aws_route_table.orders.id
}

resource "aws_security_group" "web" {
  vpc_id = aws_vpc.web.id
  ingress {
    protocol    = "tcp"
    from_port   = 8080
    to_port     = 8080
    cidr_blocks = [aws_vpc.orders.cidr_block]
  }
  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "orders" {
  vpc_id = aws_vpc.orders.id
  ingress {
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = [aws_vpc.web.cidr_block]
  }
  ingress {
    protocol    = "tcp"
    from_port   = 5432
    to_port     = 5432
    cidr_blocks = [aws_vpc.web.cidr_block]
  }
  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "web" {
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.web.id
  vpc_security_group_ids = [aws_security_group.web.id]
}

resource "aws_instance" "orders" {
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.orders.id
  vpc_security_group_ids = [aws_security_group.orders.id]
}
