variable "vpc_id" {
  type = string
}

resource "aws_security_group" "db" {
  name   = "db"
  vpc_id = var.vpc_id
}
