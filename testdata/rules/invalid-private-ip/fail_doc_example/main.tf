resource "aws_instance" "dns" {
  ami           = data.aws_ami.al2023.id
  instance_type = "t3.micro"
  subnet_id     = aws_subnet.app.id # 10.0.1.0/24
  private_ip    = "10.0.1.2"        # reserved for the Amazon DNS server
}
