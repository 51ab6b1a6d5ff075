# aws_security_group.app (root module, not passed to the module) has no egress at all: the
# instance cannot reach anything. The module's own egress rule is set through a local, so the plan
# does not say which group it is on; but a module's local names what the module holds (it has a
# group of its own), not a root group nobody passed to it.
resource "aws_vpc" "main" {
  cidr_block = "10.10.0.0/16"
}
resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
}
resource "aws_subnet" "pub" {
  vpc_id                  = aws_vpc.main.id
  cidr_block              = "10.10.0.0/24"
  availability_zone       = "us-east-1a"
}
resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.igw.id
  }
}
resource "aws_route_table_association" "pub" {
  subnet_id      = aws_subnet.pub.id
  route_table_id = aws_route_table.public.id
}
# expect: sg-no-egress
resource "aws_security_group" "app" {
  name   = "app"
  vpc_id = aws_vpc.main.id
}
resource "aws_instance" "app" {
  ami                         = "ami-0123456789abcdef0"
  instance_type               = "t3.micro"
  subnet_id                   = aws_subnet.pub.id
  associate_public_ip_address = true
  vpc_security_group_ids      = [aws_security_group.app.id]
}
module "other" {
  source = "./modules/sg"
  name   = "other"
  vpc_id = aws_vpc.main.id
}
