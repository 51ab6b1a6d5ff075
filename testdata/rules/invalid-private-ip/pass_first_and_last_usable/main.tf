resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "app" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_instance" "first" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
  subnet_id     = aws_subnet.app.id
  private_ip    = "10.0.1.4"
}

resource "aws_network_interface" "last" {
  subnet_id   = aws_subnet.app.id
  private_ips = ["10.0.1.254"]
}
