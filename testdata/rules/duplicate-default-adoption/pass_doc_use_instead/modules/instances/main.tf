variable "vpc_id" {
  type = string
}

resource "aws_security_group" "instances" {
  name   = "instances"
  vpc_id = var.vpc_id
}
