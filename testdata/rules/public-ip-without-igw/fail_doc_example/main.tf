resource "aws_instance" "bastion" {
  ami                         = data.aws_ami.al2023.id
  instance_type               = "t3.micro"
  subnet_id                   = aws_subnet.private[0].id # 0.0.0.0/0 → NAT
  associate_public_ip_address = true
}
