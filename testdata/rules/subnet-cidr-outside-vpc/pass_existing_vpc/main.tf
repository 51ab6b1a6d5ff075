# The VPC is not in the plan: its blocks are unknown, so nothing can be said.
variable "vpc_id" {
  type    = string
  default = "vpc-0123456789abcdef0"
}

resource "aws_subnet" "app" {
  vpc_id     = var.vpc_id
  cidr_block = "192.168.7.0/24"
}
