resource "aws_instance" "dns" {
  ami           = data.aws_ami.al2023.id
  instance_type = "t3.micro"
  subnet_id     = aws_subnet.app.id
  private_ip    = "10.0.1.10"
}
