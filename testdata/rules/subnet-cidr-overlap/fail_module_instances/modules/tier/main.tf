variable "vpc_id" {
  type = string
}

variable "index" {
  type = number
}

resource "aws_subnet" "this" {
  vpc_id     = var.vpc_id
  cidr_block = cidrsubnet("10.20.0.0/16", 8, var.index)
}
