# The IGW is attached with aws_internet_gateway_attachment: it still belongs to the table's VPC.
resource "aws_vpc" "app" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_internet_gateway" "app" {}

resource "aws_internet_gateway_attachment" "app" {
  internet_gateway_id = aws_internet_gateway.app.id
  vpc_id              = aws_vpc.app.id
}

resource "aws_route_table" "app_public" {
  vpc_id = aws_vpc.app.id
}

resource "aws_route" "app_default" {
  route_table_id         = aws_route_table.app_public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway_attachment.app.internet_gateway_id
}
