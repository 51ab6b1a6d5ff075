resource "aws_instance" "web" {
  ami                    = data.aws_ami.al2023.id
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.public.id            # 0.0.0.0/0 → internet gateway
  vpc_security_group_ids = [aws_security_group.web.id]     # tcp 80 from 0.0.0.0/0
}
