variable "vpc_id" {
  type = string
}

variable "cidr" {
  type = string
}

resource "aws_subnet" "extra" {
  vpc_id     = var.vpc_id
  cidr_block = var.cidr
}
